/**
 * The Chair records the decision reached through mediation or the panel, with up to three agreed
 * actions and a date to check back on them. Everyone taking part is told the decision and, where
 * the procedure says so, that it is final and binding.
 */
import { z } from 'zod';
import { bindingNoticeView } from '../outcome-views.js';
import { notice } from '../case-views.js';
import { forReaders } from '../reader.js';
import { actionsOf } from '../step-inputs.js';
import { actionFields, actionInputs } from './agreed-actions.js';
import { commandStep, requiredText, type Field } from './step.js';
import { noStageOpen } from './stage-open.js';

const inputs = z.object({ decision: requiredText('Write the decision.'), ...actionInputs });

const fields: Field[] = [{ name: 'decision', label: 'The decision', kind: 'long-text', maxLength: 2000 }, ...actionFields];

export default commandStep({
  verb: 'binding.decide',
  command: 'record-binding-decision',
  inputs,
  fields,
  form: { title: 'Record the decision', submit: 'Record', fromCard: true },
  who: 'the Chair, once mediation or a resolution panel is chosen',
  card: 'binding-decision',
  build: ({ state, person, app }, input) =>
    noStageOpen(state) ?? {
      type: 'record-binding-decision',
      actor: app.escalations.asReceiver(state, person),
      decision: input.decision,
      actions: actionsOf(input as Record<string, string>),
      ...(input.reviewDate ? { reviewDate: input.reviewDate } : {}),
    },
  after: async ({ ref, person, app }, _input, { state }) => {
    const told = bindingNoticeView(state)!;
    for (const id of state.participantIds.filter((id) => id !== person.id && !state.handedOverIds.includes(id))) await app.news.show(id, forReaders(state, (s) => bindingNoticeView(s)!), ref);
    return told.card === 'notice' ? notice(told.data.title, `${told.data.text}\n\nEveryone taking part has been told.`) : told;
  },
});
