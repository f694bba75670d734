/** The jobs a BSCB case needs as it moves, across a weekend and Christmas. */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_JOB_SETTINGS, planDigest, planJobs } from '../../src/app/job-plan.js';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { CaseDriver } from '../support/case-driver.js';
import { SCHEDULER, actor, actorOf } from '../support/people.js';
import { escalateTo, openCase, reachStage, respondDisagree } from '../support/walk.js';

let bscb: Policy;
beforeAll(async () => {
  bscb = (await loadPolicyCatalog()).get('bscb')!;
});
const plan = (d: CaseDriver) => planJobs(d.s).map((j) => `${j.name} ${j.runAt}`);

describe('the job plan', () => {
  it('reminds one working day before a deadline (half-way falls on a Sunday, so is not sent), then marks the deadline', () => {
    // Stage 2 opened on Thursday 24 Dec 2026, 15:00: due 2 working days later, Wed 30 Dec 15:00.
    const d = new CaseDriver(new Date('2026-12-22T10:00:00Z'));
    openCase(d, bscb);
    escalateTo(d, bscb, 1);
    respondDisagree(d, bscb);
    d.at('2026-12-24T15:00:00Z');
    escalateTo(d, bscb, 2);
    expect(d.s.current!.responseDue).toBe('2026-12-30T15:00:00.000Z');
    expect(plan(d)).toEqual([
      'stage-reminder 2026-12-29T15:00:00.000Z', // one working day before
      'response-deadline 2026-12-30T15:00:00.000Z',
    ]);
  });

  it('drops the jobs of a stage once it is answered, and plans the acknowledgement deadline at Stage 4', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    escalateTo(d, bscb, 1);
    // A 1-day stage: half-way is 22:00 and "one working day before" is the opening: no reminder.
    expect(plan(d)).toEqual(['response-deadline 2026-11-24T10:00:00.000Z']);
    respondDisagree(d, bscb);
    expect(plan(d)).toEqual([]);
    escalateTo(d, bscb, 2);
    respondDisagree(d, bscb);
    escalateTo(d, bscb, 3);
    respondDisagree(d, bscb);
    escalateTo(d, bscb, 4);
    expect(plan(d)).toEqual(['acknowledgement-deadline 2026-11-25T10:00:00.000Z']);
  });

  it('moves the jobs when more time is agreed, and drops a deadline once it has lapsed', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    escalateTo(d, bscb, 1);
    const receiver = actorOf(d.s.current!.receiver);
    expect(plan(d)).toEqual(['response-deadline 2026-11-24T10:00:00.000Z']);
    d.do({ type: 'respond', actor: receiver, position: 'more-time', rationale: 'GP records', proposedDue: '2026-11-26T17:00:00Z' });
    d.do({ type: 'accept-extension', actor: actor('team-manager', 'health') });
    // The deadline job is at the new due date; the old one is no longer planned, so the scheduler cancels it.
    expect(plan(d).filter((j) => j.startsWith('response-deadline'))).toEqual(['response-deadline 2026-11-26T17:00:00.000Z']);
    expect(plan(d).some((j) => j.includes('2026-11-24T10:00:00.000Z'))).toBe(false);
    d.at('2026-11-26T17:00:01Z');
    d.do({ type: 'mark-deadline-lapsed', actor: SCHEDULER, which: 'response', due: '2026-11-26T17:00:00.000Z' });
    expect(plan(d)).toEqual([]);
  });

  it('plans the review of agreed actions at 09:00 London time, then a debrief prompt after closure', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    escalateTo(d, bscb, 1);
    const receiver = actorOf(d.s.current!.receiver);
    const raiser = actor('team-manager', 'health');
    d.do({ type: 'propose-resolution', actor: raiser, summary: 'Strategy discussion', actions: [{ description: 'Hold it', owner: 'Police', due: '2026-11-27' }], reviewDate: '2026-12-04' });
    d.do({ type: 'confirm-resolution', actor: receiver });
    expect(plan(d)).toEqual(['actions-review 2026-12-04T09:00:00.000Z']);
    d.at('2026-12-04T09:30:00Z');
    // Every agreed action done: the review closes the case.
    d.do({ type: 'review-actions', actor: raiser, done: [true], notes: 'Held.' });
    expect(plan(d)).toEqual(['debrief-prompt 2026-12-08T09:30:00.000Z']); // Friday + 2 working days
    d.do({ type: 'record-debrief', actor: raiser, notes: 'Good.', learning: '' });
    expect(plan(d)).toEqual([]);
  });

  it('moves the deadline forward when the raiser sets a quicker response date', () => {
    // Stage 3 opened Monday 23 Nov 10:00: due Monday 30 Nov 10:00 (5 working days).
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    reachStage(d, bscb, 3);
    const before = plan(d);
    expect(before).toContain('response-deadline 2026-11-30T10:00:00.000Z');
    d.do({ type: 'set-quicker-due', actor: actorOf(d.s.current!.raiser), due: '2026-11-25T16:00:00Z' });
    const after = plan(d);
    expect(after.filter((j) => j.startsWith('response-deadline'))).toEqual(['response-deadline 2026-11-25T16:00:00.000Z']);
    expect(after.some((j) => j.includes('2026-11-30T10:00'))).toBe(false);
  });

  it('reminds half-way in office hours, never at night', () => {
    // Stage 3 opened Monday 23 Nov 10:00, due 5 working days later (Mon 30 Nov 10:00); half-way is
    // Thursday 26th 22:00 (night: not sent); one working day before is Friday 27th 10:00.
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    reachStage(d, bscb, 3);
    expect(plan(d)).toEqual(['stage-reminder 2026-11-27T10:00:00.000Z', 'response-deadline 2026-11-30T10:00:00.000Z']);
    const settings = { ...DEFAULT_JOB_SETTINGS, reminderFractions: [0.25], reminderWorkingDaysBefore: 0, officeHours: { from: 8, to: 18 }, promptHour: 9, debriefAfterWorkingDays: 2 };
    // A quarter of 7 days from Monday 10:00 is Tuesday 04:00: before office hours, so nothing.
    expect(planJobs(d.s, settings).map((j) => j.name)).toEqual(['response-deadline']);
    // Stage 2 of another case, opened Monday 10:00 and due Wednesday 10:00: half-way is Tuesday 10:00.
    const e = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(e, bscb);
    escalateTo(e, bscb, 1);
    respondDisagree(e, bscb);
    escalateTo(e, bscb, 2);
    expect(planJobs(e.s, { ...settings, reminderFractions: [0.5] }).map((j) => `${j.name} ${j.runAt}`)).toEqual([
      'stage-reminder 2026-11-24T10:00:00.000Z',
      'response-deadline 2026-11-25T10:00:00.000Z',
    ]);
  });

  it('gives every job a key naming the case, the job, the stage and the instant', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb, { ref: 'RES-K' });
    escalateTo(d, bscb, 1);
    expect(planJobs(d.s)).toEqual([
      { key: 'RES-K|response-deadline|1|2026-11-24T10:00:00.000Z', name: 'response-deadline', runAt: '2026-11-24T10:00:00.000Z', data: { ref: 'RES-K', stage: 1, due: '2026-11-24T10:00:00.000Z' } },
    ]);
  });

  it('plans the Board digest for 08:00 London on the next working day, skipping weekends and bank holidays', () => {
    const at = (iso: string) => planDigest(new Date(iso), 'england-and-wales').runAt;
    // Monday 07:59 GMT: today's digest is still to come.
    expect(at('2026-11-23T07:59:00Z')).toBe('2026-11-23T08:00:00.000Z');
    // Friday 08:00 exactly: the next is Monday.
    expect(at('2026-11-27T08:00:00Z')).toBe('2026-11-30T08:00:00.000Z');
    // Thursday 24 December 2026, after 08:00: Christmas Day (Fri) and Boxing Day's substitute (Mon 28th) are skipped.
    expect(at('2026-12-24T09:00:00Z')).toBe('2026-12-29T08:00:00.000Z');
    // British Summer Time: 08:00 London is 07:00 UTC.
    expect(at('2026-06-01T12:00:00Z')).toBe('2026-06-02T07:00:00.000Z');
    expect(planDigest(new Date('2026-11-23T07:59:00Z'), 'england-and-wales')).toEqual({
      key: 'board|board-digest|-|2026-11-23T08:00:00.000Z', name: 'board-digest', runAt: '2026-11-23T08:00:00.000Z', data: { ref: null, stage: null, due: '2026-11-23' },
    });
  });
});
