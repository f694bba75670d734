/**
 * A stage not resolved (no response by the due date, or the receiver disagreed): the escalating
 * side asks for the next stage (approved, or opened at once), from the card that says so.
 */
import { z } from 'zod';
import { nextStageNumber, notResolvedBy } from '../../domain/escalation/queries.js';
import { notice } from '../case-views.js';
import { londonTime } from '../replies.js';
import { done, refused, type CaseStep } from './step.js';

const step: CaseStep = {
  verb: 'lapse.escalate',
  command: 'request-escalation',
  inputs: z.object({}),
  fields: [],
  who: 'someone from the escalating agency taking part in the case (the raiser of the stage not resolved)',
  card: 'lapse',
  take: async ({ ref, state, person, app }) => {
    if (!state.current) return refused(ref, `${ref} has no stage open.`);
    const next = nextStageNumber(state);
    const why = notResolvedBy(state.current);
    const note = why === 'disagreed' ? `${state.current.receiver.name} disagreed at Stage ${state.current.number}.` : `No response by ${state.current.responseDue ? londonTime(state.current.responseDue) : 'the due date'}.`;
    // The answer says what happened, asked or refused, in place of the card.
    return done(notice(`Case ${ref}: Stage ${next}`, await app.news.askForStage(state, person, next, note, why === 'disagreed' ? 'not-resolved' : 'no-response')));
  },
};
export default step;
