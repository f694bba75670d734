/** Either side at the open stage proposes the agreed outcome (up to three actions, a review date); the other side is asked to confirm it. */
import { z } from 'zod';
import { confirmerOf } from '../../domain/escalation/queries.js';
import { notice, resolutionConfirmView } from '../case-views.js';
import { unreachable } from '../case-news.js';
import { commandStep, optionalText, requiredText, type Field } from './step.js';
import { noStageOpen } from './stage-open.js';

const ROWS = [1, 2, 3] as const;
const row = (n: number) => ({ [`action${n}`]: optionalText(), [`owner${n}`]: optionalText(), [`due${n}`]: optionalText() });

const inputs = z.object({ summary: requiredText('Describe the agreed outcome.'), ...row(1), ...row(2), ...row(3), reviewDate: optionalText() });
type Input = z.output<typeof inputs>;

/** Only the action rows someone filled in; a half-filled row is refused by the domain. */
function actionsOf(input: Input) {
  const get = (key: string) => (input as Record<string, string>)[key] ?? '';
  return ROWS.filter((n) => get(`action${n}`) || get(`owner${n}`) || get(`due${n}`)).map((n) => ({ description: get(`action${n}`), owner: get(`owner${n}`), due: get(`due${n}`) }));
}

const fields: Field[] = [
  { name: 'summary', label: 'What was agreed', kind: 'long-text', maxLength: 2000 },
  ...ROWS.flatMap((n): Field[] => [
    { name: `action${n}`, label: `Agreed action ${n}: what will be done`, kind: 'text', maxLength: 500 },
    { name: `owner${n}`, label: `Action ${n}: who will do it`, kind: 'text', maxLength: 200 },
    { name: `due${n}`, label: `Action ${n}: by when`, kind: 'date' },
  ]),
  { name: 'reviewDate', label: 'Date to check back that the actions were done', kind: 'date' },
];

export default commandStep({
  verb: 'resolution.propose',
  command: 'propose-resolution',
  inputs,
  fields,
  form: { title: 'Record the outcome', submit: 'Propose', intro: ({ otherSide }) => (otherSide ? `${otherSide} will be asked to confirm it.` : undefined) },
  who: 'either side of the open stage (the raiser or the receiver)',
  card: 'resolution',
  build: ({ state, person, app }, input) =>
    noStageOpen(state) ?? { type: 'propose-resolution', actor: app.escalations.asSide(state, person), summary: input.summary, actions: actionsOf(input), ...(input.reviewDate ? { reviewDate: input.reviewDate } : {}) },
  after: async ({ ref, app }, _input, { state }) => {
    const other = confirmerOf(state)!;
    const reached = await app.news.deliver(other.personId, resolutionConfirmView(state), ref);
    return notice(`Case ${ref}`, reached ? `Proposed. I have asked ${other.name} (${other.agencyName}) to confirm it.` : `Proposed, but ${unreachable(other.name)}; please ask them to open Resolve and say \`status ${ref}\`.`);
  },
});
