/** After closure, someone who took part records what went well and what to learn, for the Board's learning report; each person once. */
import { z } from 'zod';
import { notice } from '../case-views.js';
import { commandStep, optionalText, requiredText } from './step.js';

export default commandStep({
  verb: 'debrief.record',
  command: 'record-debrief',
  inputs: z.object({ wentWell: requiredText('Say what went well.'), learning: optionalText() }),
  fields: [
    { name: 'wentWell', label: 'What went well', kind: 'long-text', maxLength: 2000 },
    { name: 'learning', label: "What to learn (for the Board's learning report)", kind: 'long-text', maxLength: 2000 },
  ],
  form: { title: 'Debrief', submit: 'Record', fromCard: true },
  who: 'anyone who took part in the case, after it is closed (the card goes to those asked for a debrief)',
  card: 'debrief',
  build: ({ state, person, app }, { wentWell, learning }) => ({ type: 'record-debrief', actor: app.escalations.asSide(state, person), notes: wentWell, learning }),
  after: async ({ ref }) => notice(`Case ${ref}: debrief recorded`, "Thank you. Your debrief is recorded for the partnership's learning report."),
});
