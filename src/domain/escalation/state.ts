/**
 * The state of a case, folded from its events by `evolve`. Nothing here decides anything; it only
 * remembers what the events say, in the shape `decide` needs to check the next command.
 */
import type { Participant } from '../matching.js';
import { pinnedPolicy } from '../policy/migrate.js';
import type {
  Actor,
  AgencyRef,
  AgreedAction,
  CaseEvent,
  CaseFacts,
  CaseOutcome,
  EscalationReason,
  HandOverPart,
  Side,
} from './events.js';
import type { OutcomeType } from '../policy/schema.js';

export type Phase =
  /** Opened before the professionals have talked: they try first, then record the outcome. */
  | 'informal'
  /** Ready for the escalating side to ask for the next stage (or the first). */
  | 'ready'
  /** The next stage's raiser has been asked to approve raising it. */
  | 'awaiting-approval'
  /** A stage is open between a raiser and a receiver. */
  | 'stage-open'
  /** Agreed; waiting for the review of agreed actions and closure. */
  | 'resolved'
  | 'closed';

export type StageProgress = {
  number: number;
  openedAt: string;
  raiser: Participant;
  receiver: Participant;
  informed: Participant[];
  responseDue: string | null;
  acknowledgementDue: string | null;
  acknowledged: boolean;
  response: { position: 'agree' | 'disagree' | 'more-time'; rationale: string; proposedDue: string | null } | null;
  /** A proposed new due date waiting for the escalating side's answer. */
  extensionProposed: string | null;
  /** Due instants that have lapsed (so a job that fires twice records one lapse). */
  lapsed: { response: string | null; acknowledgement: string | null };
  bindingRoute: { route: 'mediation' | 'resolution-panel'; panelAgencies: AgencyRef[] } | null;
  /** The procedure's other outcome steps recorded at this stage (each is recorded once). */
  outcomeSteps: OutcomeType[];
};

export type ResolutionProposal = { side: Side; summary: string; actions: AgreedAction[]; reviewDate: string | null };

export type CaseState = CaseFacts & {
  openedAt: string;
  phase: Phase;
  /** `approver`: who was asked (null on cases recorded before it was kept). */
  pendingEscalation: { toStage: number; reason: EscalationReason; note: string; requestedBy: Actor; approver: Participant | null } | null;
  /** The stage now open or last open; null before Stage 1. */
  current: StageProgress | null;
  /** Every stage opened, in order (the current one last). */
  history: StageProgress[];
  proposal: ResolutionProposal | null;
  agreed: ResolutionProposal | null;
  actionsReviewed: boolean;
  outcome: CaseOutcome | null;
  closedAt: string | null;
  debriefs: number;
  /** Who has recorded a debrief (each person records theirs once). */
  debriefedBy: string[];
  /** Everyone who has taken part, by person id: they may read and post to the case. */
  participantIds: string[];
  /** People who handed every part they played to someone else: they still read, but no longer act. */
  handedOverIds: string[];
  /** How many events the case has: the expected sequence number for the next append. */
  version: number;
};

/**
 * The version of the fold: what `evolve` (with `pinnedPolicy`) makes of a case's events. Stored
 * with every snapshot of a case, so a snapshot folded by older code is ignored and the case folded
 * again from its events. Raise it whenever a change to CaseState, evolve or the policy pinning
 * would fold the same events differently (test/domain/fold-version.test.ts notices most such
 * changes: it fingerprints the fold of a set of recorded cases).
 */
export const FOLD_VERSION = 2;

export function evolve(state: CaseState | null, event: CaseEvent): CaseState {
  if (event.type === 'case-opened') {
    const { policyId: _id, policyVersion: _version, ...recorded } = event.data;
    const d = { ...recorded, policy: pinnedPolicy(recorded.policy) };
    return {
      ...d,
      openedAt: event.at,
      // The professionals try first, where the procedure has that step and they have not yet.
      phase: d.policy.informalAttempt && !d.intake.discussedWithOtherProfessional ? 'informal' : 'ready',
      pendingEscalation: null,
      current: null,
      history: [],
      proposal: null,
      agreed: null,
      actionsReviewed: false,
      outcome: null,
      closedAt: null,
      debriefs: 0,
      debriefedBy: [],
      // Whoever recorded it for the practitioner follows it too.
      participantIds: [...new Set([d.practitioner.personId, ...(event.actor.kind === 'person' ? [event.actor.personId] : [])])],
      handedOverIds: [],
      version: 1,
    };
  }
  if (!state) throw new Error(`event ${event.type} before case-opened`);
  const s: CaseState = { ...state, version: state.version + 1 };
  const cur = s.current ? { ...s.current } : null;
  const withCurrent = (c: StageProgress): CaseState => ({ ...s, current: c, history: [...s.history.slice(0, -1), c] });

  switch (event.type) {
    case 'informal-attempt-recorded':
      return { ...s, phase: event.data.resolved ? s.phase : 'ready' };
    case 'escalation-requested':
      return {
        ...s,
        phase: 'awaiting-approval',
        pendingEscalation: { toStage: event.data.toStage, reason: event.data.reason, note: event.data.note, requestedBy: event.actor, approver: event.data.approver ?? null },
      };
    case 'escalation-returned':
      return { ...s, phase: s.current ? 'stage-open' : 'ready', pendingEscalation: null };
    case 'stage-opened': {
      const d = event.data;
      const progress: StageProgress = {
        number: event.stage ?? 0,
        openedAt: event.at,
        raiser: d.raiser,
        receiver: d.receiver,
        informed: d.informed,
        responseDue: d.responseDue,
        acknowledgementDue: d.acknowledgementDue,
        acknowledged: false,
        response: null,
        extensionProposed: null,
        lapsed: { response: null, acknowledgement: null },
        bindingRoute: null,
        outcomeSteps: [],
      };
      const ids = new Set(s.participantIds);
      const people = [d.raiser, d.receiver, ...d.informed].map((p) => p.personId);
      for (const id of people) ids.add(id);
      return {
        ...s,
        handedOverIds: s.handedOverIds.filter((id) => !people.includes(id)),
        phase: 'stage-open',
        pendingEscalation: null,
        proposal: null,
        current: progress,
        history: [...s.history, progress],
        participantIds: [...ids],
      };
    }
    case 'stage-acknowledged':
      return cur ? withCurrent({ ...cur, acknowledged: true }) : s;
    case 'response-given':
      return cur
        ? withCurrent({
            ...cur,
            acknowledged: true,
            response: event.data,
            extensionProposed: event.data.position === 'more-time' ? event.data.proposedDue : null,
          })
        : s;
    case 'extension-accepted':
      // A new due date opens a new response window: the lapse of the old one no longer counts.
      return cur
        ? withCurrent({ ...cur, responseDue: event.data.newDue, extensionProposed: null, lapsed: { ...cur.lapsed, response: null } })
        : s;
    case 'extension-declined':
      return cur ? withCurrent({ ...cur, extensionProposed: null }) : s;
    case 'response-due-brought-forward':
      return cur ? withCurrent({ ...cur, responseDue: event.data.newDue, lapsed: { ...cur.lapsed, response: null } }) : s;
    case 'deadline-lapsed':
      return cur ? withCurrent({ ...cur, lapsed: { ...cur.lapsed, [event.data.which]: event.data.due } }) : s;
    case 'resolution-proposed':
      return { ...s, proposal: event.data };
    case 'resolution-confirmed':
      return { ...s, phase: 'resolved', agreed: s.proposal, proposal: null };
    case 'resolution-rejected':
      return { ...s, proposal: null };
    case 'outcome-step-recorded':
      return cur ? withCurrent({ ...cur, outcomeSteps: [...cur.outcomeSteps, event.data.outcome] }) : s;
    case 'binding-route-chosen':
      return cur ? withCurrent({ ...cur, bindingRoute: event.data }) : s;
    case 'binding-decision-recorded':
      return {
        ...s,
        phase: 'resolved',
        proposal: null,
        agreed: { side: 'receiving', summary: event.data.decision, actions: event.data.actions, reviewDate: event.data.reviewDate },
      };
    case 'resolved-within-agency':
      return { ...s, pendingEscalation: null };
    case 'message-posted':
      return s;
    case 'actions-reviewed':
      // An action not done means the agreement did not hold: the stage is open again, for the
      // sides to agree anew or the escalating side to ask for the next stage. Older events
      // (no `results`) only recorded the check.
      if (event.data.results && !event.data.implemented) return { ...s, phase: 'stage-open', agreed: null, proposal: null, actionsReviewed: false };
      return { ...s, actionsReviewed: event.data.implemented || s.actionsReviewed };
    case 'case-withdrawn':
      return s;
    case 'case-closed':
      return { ...s, phase: 'closed', outcome: event.data.outcome, closedAt: event.at, pendingEscalation: null, proposal: null };
    case 'debrief-recorded':
      return { ...s, debriefs: s.debriefs + 1, debriefedBy: [...s.debriefedBy, ...(event.actor.kind === 'person' ? [event.actor.personId] : [])] };
    case 'prompt-sent':
      return s;
    case 'case-handed-over':
      return handOver(s, event.data.from, event.data.to, event.data.parts);
  }
}

/** The new person takes each part the old one played; they join the case with its history. */
function handOver(s: CaseState, from: Participant, to: Participant, parts: HandOverPart[]): CaseState {
  // A colleague taking over from an officer who acts for another agency acts for it too; someone
  // of the agency served acts for it as themselves. (Before the latter was allowed no hand-over
  // went to the agency served, so no recorded case folds differently: FOLD_VERSION stands.)
  const swap = (p: Participant) =>
    p.personId === from.personId ? { ...to, ...(p.forAgencyId && !to.forAgencyId && to.agencyId !== p.forAgencyId ? { forAgencyId: p.forAgencyId, agencyName: p.agencyName } : {}) } : p;
  let next: CaseState = { ...s };
  if (parts.includes('practitioner')) next = { ...next, practitioner: to };
  if (parts.includes('approver') && next.pendingEscalation?.approver) next = { ...next, pendingEscalation: { ...next.pendingEscalation, approver: swap(next.pendingEscalation.approver) } };
  else if (parts.includes('approver') && next.pendingEscalation) next = { ...next, pendingEscalation: { ...next.pendingEscalation, approver: to } };
  if (next.current && (parts.includes('raiser') || parts.includes('receiver'))) {
    const c = next.current;
    const cur = { ...c, raiser: parts.includes('raiser') ? swap(c.raiser) : c.raiser, receiver: parts.includes('receiver') ? swap(c.receiver) : c.receiver };
    next = { ...next, current: cur, history: [...next.history.slice(0, -1), cur] };
  }
  const participantIds = next.participantIds.includes(to.personId) ? next.participantIds : [...next.participantIds, to.personId];
  const handedOverIds = [...next.handedOverIds.filter((id) => id !== to.personId), from.personId];
  return { ...next, participantIds, handedOverIds: [...new Set(handedOverIds)] };
}

export function fold(events: readonly CaseEvent[]): CaseState | null {
  return events.reduce<CaseState | null>((s, e) => evolve(s, e), null);
}
