/**
 * The stage's raiser sets a quicker response date, where the procedure lets whoever opens a stage
 * set its timescale; a date alone means 17:00 London on it. The receiver hears the new date, and
 * the scheduler's jobs follow the state.
 */
import { z } from 'zod';
import { decidedView } from '../case-views.js';
import { londonTime } from '../replies.js';
import { dueInstantOf } from '../step-inputs.js';
import { commandStep, optionalText, requiredText } from './step.js';
import { noStageOpen } from './stage-open.js';

export default commandStep({
  verb: 'stage.quicker-due',
  command: 'set-quicker-due',
  inputs: z.object({ due: requiredText('Choose the date the response is now due.'), dueTime: optionalText() }),
  fields: [
    { name: 'due', label: 'Response now due on', kind: 'date' },
    { name: 'dueTime', label: 'At (17:00 if left empty)', kind: 'time' },
  ],
  form: { title: 'A quicker date', submit: 'Set the date', fromCard: true },
  who: 'the raiser of the open stage, while the receiver has not answered',
  card: 'quicker-due',
  build: ({ state, person, app }, { due, dueTime }) => {
    const instant = dueInstantOf(due, dueTime || undefined);
    if (!instant.ok) return { refused: instant.message };
    return noStageOpen(state) ?? { type: 'set-quicker-due', actor: app.escalations.asSide(state, person), due: instant.value };
  },
  after: async ({ ref, person, app }, _input, { state }) => {
    const cur = state.current!;
    const due = londonTime(cur.responseDue!);
    await app.news.tell(cur.receiver.personId, `${ref}: ${person.name} has brought the response date at Stage ${cur.number} forward: your response is now due by ${due}.`, ref);
    return decidedView(state, `Response now due by ${due}`, { name: person.name, agencyName: app.news.agencyName(person) }, app.now().toISOString());
  },
});
