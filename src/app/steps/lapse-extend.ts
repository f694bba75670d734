/**
 * No response by the due date: the escalating side offers more time. More time is the receiving
 * side's to propose (with a date) and the escalating side's to accept, so this asks the receiver
 * for it; nothing is recorded until they do.
 */
import { z } from 'zod';
import { notice } from '../case-views.js';
import { unreachable } from '../case-news.js';
import { done, optionalText, refused, type CaseStep } from './step.js';

const step: CaseStep<{ newDue: string }> = {
  verb: 'lapse.extend',
  command: null,
  inputs: z.object({ newDue: optionalText() }),
  fields: [{ name: 'newDue', label: 'New date to respond by', kind: 'date' }],
  form: { title: 'Allow more time', submit: 'Allow more time' },
  who: 'anyone taking part in the case (the card goes to the raiser of the lapsed stage)',
  card: 'lapse',
  take: async ({ ref, state, events, person, app }, { newDue }) => {
    const cur = state.current;
    if (!cur) return refused(ref, `${ref} has no stage open.`);
    const until = /^\d{4}-\d{2}-\d{2}$/.test(newDue) ? ` until ${newDue}` : '';
    const reached = await app.news.tell(cur.receiver.personId, `${ref}: ${person.name} (${state.escalatingAgency.name}) can allow more time at Stage ${cur.number}${until}. Please choose "Need more time" on the case card with the date you can respond by.`, ref);
    if (reached) await app.news.sendResponseCard(state, events);
    return done(notice(`Case ${ref}`, reached ? `I have asked ${cur.receiver.name} to propose the date they can respond by.` : `${unreachable(cur.receiver.name)}; please contact them directly.`));
  },
};
export default step;
