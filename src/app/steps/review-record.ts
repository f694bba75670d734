/**
 * The check back on the review date: each agreed action done or not. All done closes the case;
 * any not done opens the stage again (the agreement was not carried out), and everyone taking
 * part is told which.
 */
import { z } from 'zod';
import { decidedView } from '../case-views.js';
import { bindingDecisionView } from '../outcome-views.js';
import { forReaders } from '../reader.js';
import { doneFlagsOf } from '../step-inputs.js';
import { commandStep, optionalText } from './step.js';

/** Agreed actions are at most three (the outcome cards have three rows). */
const ROWS = [1, 2, 3] as const;

export default commandStep({
  verb: 'review.record',
  command: 'review-actions',
  inputs: z.object({ done1: optionalText(), done2: optionalText(), done3: optionalText(), notes: optionalText() }),
  fields: [
    ...ROWS.map((n) => ({ name: `done${n}`, label: `Agreed action ${n}`, kind: 'choice' as const, choices: [{ value: 'done', label: 'Done' }, { value: 'not-done', label: 'Not done' }] })),
    { name: 'notes', label: 'Notes (needed if an action was not done)', kind: 'long-text', maxLength: 2000 },
  ],
  form: { title: 'Check back', submit: 'Record', fromCard: true },
  who: 'anyone taking part (the card goes to the practitioner and the raiser on the review date)',
  card: 'review',
  build: ({ state, person, app }, input) => {
    // Checked already (closed, or the stage open again): nothing waits to be checked.
    if (state.phase !== 'resolved' || !state.agreed) return { refused: 'The check back on the agreed actions is already recorded.', code: 'already-done' };
    const done = doneFlagsOf(input, state.agreed.actions.length);
    if (!done.ok) return { refused: done.message };
    return { type: 'review-actions', actor: app.escalations.asSide(state, person), done: done.value, notes: input.notes };
  },
  after: async ({ ref, person, app }, { notes }, { state }) => {
    const by = { name: person.name, agencyName: app.news.agencyName(person) };
    const at = app.now().toISOString();
    if (state.phase === 'closed') {
      await app.news.everyone(state, person.id, `${ref}: ${person.name} checked back: every agreed action was done, so the case is closed.`);
      return decidedView(state, 'Checked: every agreed action was done; the case is closed', by, at, notes || undefined);
    }
    const cur = state.current!;
    await app.news.everyone(state, person.id, `${ref}: ${person.name} checked back: not every agreed action was done ("${notes}"). Stage ${cur.number} is open again: agree what happens next (\`resolve ${ref}\`), or ask for the next stage (\`escalate ${ref}\`).`);
    // After a binding decision, the Chair records the decision again.
    if (bindingDecisionView(state)) await app.news.deliver(cur.receiver.personId, forReaders(state, (s) => bindingDecisionView(s)!), ref);
    return decidedView(state, `Checked: not every agreed action was done; Stage ${cur.number} is open again`, by, at, notes);
  },
});
