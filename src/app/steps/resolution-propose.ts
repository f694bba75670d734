/** Either side at the open stage proposes the agreed outcome (up to three actions, a review date); the other side is asked to confirm it. */
import { z } from 'zod';
import { confirmerOf } from '../../domain/escalation/queries.js';
import { notice, resolutionConfirmView } from '../case-views.js';
import { unreachable } from '../case-news.js';
import { actionsOf } from '../step-inputs.js';
import { actionFields, actionInputs } from './agreed-actions.js';
import { commandStep, requiredText, type Field } from './step.js';
import { noStageOpen } from './stage-open.js';

const inputs = z.object({ summary: requiredText('Describe the agreed outcome.'), ...actionInputs });

const fields: Field[] = [{ name: 'summary', label: 'What was agreed', kind: 'long-text', maxLength: 2000 }, ...actionFields];

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
