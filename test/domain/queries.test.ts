/** The case queries every caller asks (src/domain/escalation/queries.ts), on a case driven through decide. */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { awaitingResponse, confirmerOf, currentStageDef, furtherStage, isResolvedOutcome, nextStageNumber, otherSideOf, proposerOf, stageOf } from '../../src/domain/escalation/queries.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { CaseDriver } from '../support/case-driver.js';
import { actorOf } from '../support/people.js';
import { openCase, reachStage } from '../support/walk.js';

let policy: Policy;
beforeAll(async () => {
  policy = (await loadPolicyCatalog()).get('bscb')!;
});

function atStage(n: number): CaseDriver {
  const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
  openCase(d, policy, { ref: 'RES-2026-0100' });
  reachStage(d, policy, n);
  return d;
}

describe('case queries', () => {
  it('the stage definitions and the next stage, from before Stage 1 to the last', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, policy, { ref: 'RES-2026-0101' });
    expect(currentStageDef(d.s)).toBeUndefined();
    expect(nextStageNumber(d.s)).toBe(policy.stages[0]!.number);
    const one = atStage(1);
    expect(currentStageDef(one.s)).toBe(stageOf(one.s, 1));
    expect(nextStageNumber(one.s)).toBe(2);
    expect(furtherStage(one.s)).toBe(2);
    const last = atStage(policy.stages.length);
    expect(nextStageNumber(last.s)).toBe(policy.stages.length + 1);
    expect(furtherStage(last.s)).toBeNull();
    expect(stageOf(last.s, policy.stages.length + 1)).toBeUndefined();
  });

  it('a stage awaits a response until one settles it; asking for more time does not', () => {
    const d = atStage(1);
    expect(awaitingResponse(d.s.current!)).toBe(true);
    d.do({ type: 'respond', actor: actorOf(d.s.current!.receiver), position: 'more-time', rationale: 'Waiting for the strategy meeting.', proposedDue: '2026-11-30T17:00:00.000Z' });
    expect(awaitingResponse(d.s.current!)).toBe(true);
    d.do({ type: 'respond', actor: actorOf(d.s.current!.receiver), position: 'agree', rationale: '' });
    expect(awaitingResponse(d.s.current!)).toBe(false);
  });

  it('the other side confirms a proposal, whichever side made it', () => {
    const d = atStage(1);
    const { raiser, receiver } = d.s.current!;
    expect([proposerOf(d.s), confirmerOf(d.s)]).toEqual([null, null]);
    expect(otherSideOf(d.s.current!, raiser.personId)).toEqual(receiver);
    expect(otherSideOf(d.s.current!, receiver.personId)).toEqual(raiser);
    d.do({ type: 'propose-resolution', actor: actorOf(receiver), summary: 'A strategy discussion on Friday.', actions: [] });
    expect([proposerOf(d.s), confirmerOf(d.s)]).toEqual([receiver, raiser]);
    d.do({ type: 'reject-resolution', actor: actorOf(raiser), comment: '' });
    d.do({ type: 'propose-resolution', actor: actorOf(raiser), summary: 'A strategy discussion on Friday.', actions: [] });
    expect([proposerOf(d.s), confirmerOf(d.s)]).toEqual([raiser, receiver]);
  });

  it('resolved and binding outcomes count as resolved; the others do not', () => {
    expect(['resolved', 'binding-decision'].map((o) => isResolvedOutcome(o as never))).toEqual([true, true]);
    expect(['resolved-within-agency', 'resolved-informally', 'withdrawn', null].map((o) => isResolvedOutcome(o as never))).toEqual([false, false, false, false]);
  });
});
