/**
 * What the store keeps about a case besides its events: enough to find it (by person, agency,
 * phase, stage or due date) without folding every case. Always derived from the case's state,
 * never edited on its own.
 */
import type { CaseState, Phase } from '../domain/escalation/state.js';
import { awaitingResponse } from '../domain/escalation/queries.js';

export type CaseSummary = {
  ref: string;
  /** The number of events summarised: a summary only ever replaces an older one. */
  version: number;
  policyId: string;
  phase: Phase;
  /** The stage now open or last open; null before Stage 1. */
  stage: number | null;
  urgent: boolean;
  escalatingAgencyId: string;
  receivingAgencyId: string;
  participantIds: string[];
  /** The earliest response or acknowledgement still awaited at the open stage. */
  nextDue: string | null;
  /** The deadline that lapsed at the open stage, while it stays open. */
  overdueSince: string | null;
  outcome: CaseState['outcome'];
  openedAt: string;
  updatedAt: string;
};

export function summarise(state: CaseState, updatedAt: string): CaseSummary {
  const cur = state.current;
  const open = state.phase === 'stage-open' && cur !== null;
  const awaited: string[] = [];
  const lapsed: string[] = [];
  if (open) {
    if (cur.responseDue && awaitingResponse(cur)) (cur.lapsed.response === cur.responseDue ? lapsed : awaited).push(cur.responseDue);
    if (cur.acknowledgementDue && !cur.acknowledged) {
      (cur.lapsed.acknowledgement === cur.acknowledgementDue ? lapsed : awaited).push(cur.acknowledgementDue);
    }
  }
  const earliest = (xs: string[]) => (xs.length ? xs.reduce((a, b) => (new Date(a) <= new Date(b) ? a : b)) : null);
  return {
    ref: state.ref,
    version: state.version,
    policyId: state.policy.id,
    phase: state.phase,
    stage: cur?.number ?? null,
    urgent: state.urgent,
    escalatingAgencyId: state.escalatingAgency.id,
    receivingAgencyId: state.receivingAgency.id,
    participantIds: [...state.participantIds].sort(),
    nextDue: earliest(awaited),
    overdueSince: earliest(lapsed),
    outcome: state.outcome,
    openedAt: state.openedAt,
    updatedAt,
  };
}

export type { Phase };
