/**
 * When a stage's response (or acknowledgement) is due, from the policy's timescale and what it
 * counts from: this stage's opening, the case's opening, or an earlier stage's opening (several
 * stages counting from one share a time budget). Kept out of decide so the rule lives in one place.
 */
import { calendarOf, dueInstant } from './calendar.js';
import type { CaseState } from './escalation/state.js';
import { stageOf } from './escalation/queries.js';
import type { Timescale } from './policy/schema.js';

/** The due instant, or null where the procedure sets no fixed time. */
export function dueFor(state: CaseState, stageNumber: number, timescale: Timescale, now: Date): Date | null {
  if (timescale.kind === 'none') return null;
  return dueInstant(startOf(state, stageNumber, timescale.countsFrom, now), timescale, calendarOf(state.policy));
}

function startOf(state: CaseState, stageNumber: number, from: Exclude<Timescale, { kind: 'none' }>['countsFrom'], now: Date): Date {
  if (from === 'stage-opened') return now;
  if (from === 'case-opened') return new Date(state.openedAt);
  if (from.stage === stageNumber) return now;
  // The first opening of that stage; a case that skipped it (an urgent start) counts from now.
  const earlier = state.history.find((s) => s.number === from.stage);
  return earlier ? new Date(earlier.openedAt) : now;
}

/** The response timescale of a stage as it opens: the urgent route's, where it sets one for an urgent case. */
export function responseTimescale(state: CaseState, stageNumber: number): Timescale | undefined {
  const urgent = state.urgent ? state.policy.urgentRoute.responseTimescale : undefined;
  return urgent ?? stageOf(state, stageNumber)?.response;
}

/** Whether whoever opens the stage may set an earlier response date ("7 working days or less"). */
export function allowsEarlierDue(timescale: Timescale | undefined): boolean {
  return !!timescale && timescale.kind !== 'none' && !!timescale.orSooner;
}
