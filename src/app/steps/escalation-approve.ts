/** The manager asked approves raising the stage: it opens, with them as its raiser. */
import { z } from 'zod';
import { participantOf } from '../../domain/matching.js';
import { decidedView } from '../case-views.js';
import { londonTime } from '../replies.js';
import { unreachable } from '../case-news.js';
import { commandStep, endOfDay, optionalText } from './step.js';

export default commandStep({
  verb: 'escalation.approve',
  command: 'approve-escalation',
  // An earlier response date, where the procedure allows one (a day means 17:00 London on it).
  inputs: z.object({ requestedDue: optionalText() }),
  fields: [{ name: 'requestedDue', label: 'An earlier response date, if the child’s safety needs one', kind: 'date', onCard: true }],
  who: 'the manager asked to approve raising the stage (or whoever it was handed over to)',
  card: 'approval',
  build: ({ state, person, app }, { requestedDue }) => {
    const pending = state.pendingEscalation;
    if (!pending || pending.requestedBy.kind !== 'person') return { refused: 'No escalation is waiting for approval.', code: 'already-done' };
    const actor = app.escalations.asApprover(state, person);
    const found = app.escalations.parties(state, pending.toStage, pending.requestedBy.personId);
    if (!found.ok) return { refused: found.message };
    // Whoever approves raises the stage, even when it is a deputy rather than the matched raiser.
    const own = participantOf(app.directory, person, actor.kind === 'person' ? actor.role : 'team-manager');
    // An officer of the agency that serves the escalating one acts for it, as matched.
    const matched = found.parties.raiser;
    const raiser = matched.forAgencyId && person.agencyId === matched.agencyId ? { ...own, forAgencyId: matched.forAgencyId, agencyName: matched.agencyName } : own;
    const due = endOfDay(requestedDue || undefined);
    return { type: 'approve-escalation', actor, parties: { ...found.parties, raiser }, ...(due ? { requestedDue: due } : {}) };
  },
  after: async ({ ref, person, app }, _input, { state, events }) => {
    const stage = state.current!;
    const due = stage.responseDue ? ` A response is due by ${londonTime(stage.responseDue)}.` : '';
    const reached = await app.news.stageOpened(state, events);
    const missed = reached ? '' : ` ${unreachable(stage.receiver.name)}; please contact them and ask them to open Resolve.`;
    await app.news.tell(state.practitioner.personId, `${ref}: ${person.name} approved Stage ${stage.number}; it is raised with ${stage.receiver.name} (${stage.receiver.agencyName}).${due}${missed}`, ref);
    return decidedView(state, `Approved: Stage ${stage.number} raised with ${stage.receiver.name}, ${stage.receiver.agencyName}`, stage.raiser, stage.openedAt);
  },
});
