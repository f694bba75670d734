/** No response by the due date: the escalating side chases the receiver, who gets the response card again. Nothing is recorded. */
import { z } from 'zod';
import { awaitingResponse } from '../../domain/escalation/queries.js';
import { notice } from '../case-views.js';
import { unreachable } from '../case-news.js';
import { done, refused, type CaseStep } from './step.js';

const step: CaseStep = {
  verb: 'lapse.chase',
  command: null,
  inputs: z.object({}),
  fields: [],
  who: 'anyone taking part in the case (the card goes to the raiser of the lapsed stage)',
  card: 'lapse',
  take: async ({ ref, state, events, person, app }) => {
    const cur = state.current;
    if (!cur) return refused(ref, `${ref} has no stage open.`);
    if (!awaitingResponse(cur)) return refused(ref, `${cur.receiver.name} has already responded.`);
    const reached = await app.news.tell(cur.receiver.personId, `${ref}: ${person.name} (${state.escalatingAgency.name}) is still waiting for your response at Stage ${cur.number}. Please respond on the case card, or say \`status ${ref}\`.`, ref);
    if (reached) await app.news.sendResponseCard(state, events);
    return done(notice(`Case ${ref}`, reached ? `I have reminded ${cur.receiver.name} and sent them the response card again.` : `${unreachable(cur.receiver.name)}; please contact them directly.`));
  },
};
export default step;
