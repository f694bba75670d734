/**
 * The scheduler end to end on the embedded store, driven by a fake clock: a BSCB case goes from
 * Stage 1 to Stage 4 over Christmas 2026 (a weekend, Christmas Day, Boxing Day's substitute and
 * New Year's Day), and every reminder, lapse, review and debrief prompt arrives once, on time.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Cases } from '../../src/app/cases.js';
import { FakeClock } from '../../src/app/clock.js';
import { loadDirectoryFile } from '../../src/app/directory-file.js';
import { FakeClockJobQueue } from '../../src/app/job-queue.js';
import { RecordingNotifier } from '../../src/app/notifier.js';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { ScheduledJobs } from '../../src/app/scheduled-jobs.js';
import type { Store } from '../../src/app/store.js';
import type { Directory } from '../../src/domain/directory.js';
import type { Actor } from '../../src/domain/escalation/events.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { postgresStore } from '../../src/store/postgres/postgres-store.js';
import { freshPglite } from '../support/pglite.js';
import { actor, actorOf } from '../support/people.js';
import { partiesFor, practitioner, raiserOf } from '../support/walk.js';

let bscb: Policy;
let directory: Directory;
let store: Store;
let clock: FakeClock;
let queue: FakeClockJobQueue;
let notifier: RecordingNotifier;
let cases: Cases;
let jobs: ScheduledJobs;
const errors: string[] = [];

beforeAll(async () => {
  bscb = (await loadPolicyCatalog()).get('bscb')!;
  const d = await loadDirectoryFile('demo/directory.yaml');
  if (!d.ok) throw new Error(d.errors.join('\n'));
  directory = d.directory;
});
beforeEach(async () => {
  store = await postgresStore(await freshPglite(), 'pglite');
  clock = new FakeClock(new Date('2026-12-24T15:00:00Z'));
  queue = new FakeClockJobQueue(clock);
  notifier = new RecordingNotifier();
  cases = new Cases(store, clock, (s, before) => jobs.syncQuietly(s, before));
  jobs = new ScheduledJobs({ cases, store, queue, notifier, directory, clock, region: 'england-and-wales', onError: (m) => errors.push(m) });
  await queue.start((job) => jobs.run(job));
});
afterEach(async () => {
  expect(errors).toEqual([]);
  await store.close();
});

const must = async (command: Parameters<Cases['execute']>[1]) => {
  const r = await cases.execute('RES-1', command);
  if (!r.ok) throw new Error(`${command.type}: ${r.message}`);
  return r.state;
};

async function openCase() {
  const p = practitioner();
  await must({
    type: 'open-case',
    actor: actorOf(p),
    ref: 'RES-1',
    policy: bscb,
    practitioner: p,
    escalatingAgency: { id: 'health', name: 'Riverside Health Trust' },
    receivingAgency: { id: 'police', name: 'County Police' },
    urgent: false,
    intake: { checks: { 'significant-disagreement': true, 'problem-identified': true }, discussedWithOtherProfessional: true, decisionChallenged: 'NFA', areaId: 'thresholds', aim: 'Strategy discussion', childRecordRef: 'HLT-1', reflections: {} },
  });
}

/** Asks for stage n as the walk tests do: the current raiser (or the practitioner) asks; the stage's raiser approves. */
async function escalate(n: number, reason: 'not-resolved' | 'no-response' = 'not-resolved') {
  const state = (await cases.load('RES-1'))!;
  const requester: Actor = actorOf(state.current?.raiser ?? practitioner());
  const stage = bscb.stages[n - 1]!;
  const raiser = raiserOf(stage);
  if (requester.kind === 'person' && requester.personId === raiser.personId) {
    await must({ type: 'request-escalation', actor: requester, toStage: n, reason, note: '', parties: partiesFor(stage) });
  } else {
    await must({ type: 'request-escalation', actor: requester, toStage: n, reason, note: '', approver: raiser });
    await must({ type: 'approve-escalation', actor: actorOf(raiser), parties: partiesFor(stage) });
  }
}

const pending = () => queue.pending().filter((j) => j.data.ref === 'RES-1').map((j) => `${j.name} ${j.runAt}`);
const sentSince = (from: number) => notifier.sent.slice(from).map((n) => `${n.kind} → ${n.to.personId}`);
const runUntil = async (iso: string) => (await queue.advanceTo(iso)).map((j) => `${j.name} ${j.runAt}`);
const caseJobsUntil = async (iso: string) => (await queue.advanceTo(iso)).filter((j) => j.data.ref === 'RES-1').map((j) => j.name);

describe('scheduled jobs', () => {
  it('takes a case from Stage 1 to Stage 4 across Christmas, prompting once at each deadline', async () => {
    await jobs.syncAll();
    await openCase();
    await escalate(1);
    // Thursday 24 December 15:00 + 1 working day: Christmas, the weekend and Boxing Day's
    // substitute (Monday 28th) are skipped, so the response is due Tuesday 29th at 15:00. No
    // reminder: half-way falls on Sunday and one working day before is the opening itself.
    expect(pending()).toEqual(['response-deadline 2026-12-29T15:00:00.000Z']);

    expect(await caseJobsUntil('2026-12-29T14:59:59Z')).toEqual([]);
    expect(await caseJobsUntil('2026-12-29T15:00:00Z')).toEqual(['response-deadline']);
    expect(sentSince(0)).toEqual(['response-overdue → health-team-manager', 'response-overdue → police-team-manager']);
    const overdue = notifier.sent[0]!;
    expect(overdue).toMatchObject({ caseRef: 'RES-1', suggestedStage: 2 });
    expect(overdue.text).toBe('Case RES-1, Stage 1: no response by Tue 29 Dec 2026, 15:00. You may now ask for Stage 2; nothing happens until you do.');
    expect((await store.findCases({}))[0]).toMatchObject({ stage: 1, nextDue: null, overdueSince: '2026-12-29T15:00:00.000Z' });

    // The same job firing again (a retry, or another instance) records nothing and sends nothing.
    const deadline = (await queue.jobsOf('RES-1')).find((j) => j.name === 'response-deadline')!;
    await jobs.run(deadline);
    await jobs.run(deadline);
    expect(notifier.sent).toHaveLength(2);
    expect((await store.load('RES-1')).filter((e) => e.event.type === 'deadline-lapsed')).toHaveLength(1);

    // Nothing moves on its own: the escalating side asks for Stage 2 when it chooses to.
    expect(pending()).toEqual([]);
    await escalate(2, 'no-response');
    // Opened Tuesday 29th 15:00, due Thursday 31st 15:00; half-way and one working day before
    // are both Wednesday 30th 15:00, so one reminder.
    expect(pending()).toEqual(['stage-reminder 2026-12-30T15:00:00.000Z', 'response-deadline 2026-12-31T15:00:00.000Z']);
    expect(await caseJobsUntil('2026-12-30T15:00:00Z')).toEqual(['stage-reminder']);
    expect(notifier.sent.at(-1)).toMatchObject({ kind: 'stage-reminder', to: { personId: 'police-senior-manager' }, text: 'Reminder: case RES-1, Stage 2. Your response is due by Thu 31 Dec 2026, 15:00.' });

    // The receiver answers in time: the deadline job is cancelled, and Stage 3 is asked for.
    expect(await runUntil('2026-12-31T10:00:00Z')).toEqual(['board-digest 2026-12-31T08:00:00.000Z']);
    await must({ type: 'respond', actor: actor('senior-manager', 'police'), position: 'disagree', rationale: 'We stand by the decision.' });
    expect(pending()).toEqual([]);
    await escalate(3);
    // 5 working days from Thursday 31st: New Year's Day and the weekend skipped, so Friday 8 January.
    // Reminders half-way (Monday 4th 10:00) and one working day before (Thursday 7th 10:00).
    expect(pending()).toEqual(['stage-reminder 2027-01-04T10:00:00.000Z', 'stage-reminder 2027-01-07T10:00:00.000Z', 'response-deadline 2027-01-08T10:00:00.000Z']);

    // The Board business manager's digest on the first working day of 2027 lists the Stage 3 case
    // (the digests before it had nothing to list: no case at Stage 3 and none overdue).
    const before = notifier.sent.length;
    expect(await runUntil('2027-01-04T08:00:00Z')).toEqual(['board-digest 2027-01-04T08:00:00.000Z']);
    expect(sentSince(before)).toEqual(['board-digest → board-bm']);
    expect(notifier.sent.at(-1)!.text).toBe("Open disagreements needing the Board's attention (1):\n- RES-1 (health → police): Stage 3, due Fri 8 Jan 2027, 10:00");

    expect(await caseJobsUntil('2027-01-08T10:00:00Z')).toEqual(['stage-reminder', 'stage-reminder', 'response-deadline']);
    // Each lapse: the escalating raiser is offered the next stage; the receiver is told it is late.
    expect(notifier.sent.filter((n) => n.kind === 'response-overdue').map((n) => [n.to.personId, n.suggestedStage ?? null])).toEqual([
      ['health-team-manager', 2],
      ['police-team-manager', null],
      ['health-board-member', 4],
      ['police-board-member', null],
    ]);
    await escalate(4, 'no-response');
    // Stage 4: the Chair acknowledges within 2 working days (Tuesday 12th 10:00); no response timescale.
    expect(pending()).toEqual(['acknowledgement-deadline 2027-01-12T10:00:00.000Z']);
    expect(await caseJobsUntil('2027-01-12T10:00:00Z')).toEqual(['acknowledgement-deadline']);
    expect(notifier.sent.at(-1)).toMatchObject({ kind: 'acknowledgement-overdue', to: { personId: 'health-board-member' }, text: 'Case RES-1, Stage 4: receipt was not acknowledged by Tue 12 Jan 2027, 10:00.' });
  });

  it('moves the queued deadline when more time is accepted or the raiser sets a quicker date: the old job is cancelled and never fires', async () => {
    await openCase();
    await escalate(1);
    expect(pending()).toEqual(['response-deadline 2026-12-29T15:00:00.000Z']);
    const receiver = actor('team-manager', 'police');
    const raiser = actor('team-manager', 'health');
    await must({ type: 'respond', actor: receiver, position: 'more-time', rationale: 'Records from the GP.', proposedDue: '2027-01-05T12:00:00Z' });
    await must({ type: 'accept-extension', actor: raiser });
    // Half-way (Wednesday 30 December, 13:30) and one working day before the new date; the old deadline has gone.
    expect(pending()).toEqual(['stage-reminder 2026-12-30T13:30:00.000Z', 'stage-reminder 2027-01-04T12:00:00.000Z', 'response-deadline 2027-01-05T12:00:00.000Z']);
    // The old due instant passes: nothing runs for it.
    expect(await caseJobsUntil('2026-12-29T15:00:00Z')).toEqual([]);
    expect(notifier.sent).toEqual([]);
    await must({ type: 'set-quicker-due', actor: raiser, due: '2026-12-31T12:00:00Z' });
    expect(pending()).toEqual(['stage-reminder 2026-12-30T12:00:00.000Z', 'response-deadline 2026-12-31T12:00:00.000Z']);
    expect(await caseJobsUntil('2027-01-06T00:00:00Z')).toEqual(['stage-reminder', 'response-deadline']);
    expect(sentSince(0)).toEqual(['stage-reminder → police-team-manager', 'response-overdue → health-team-manager', 'response-overdue → police-team-manager']);
    expect(notifier.sent.at(-1)!.text).toContain('due by Thu 31 Dec 2026, 12:00');
  });

  it('reads no jobs after a change that leaves the plan as it was (a message), and syncs after one that changes it', async () => {
    await openCase();
    await escalate(1);
    const looked: string[] = [];
    const jobsOf = queue.jobsOf.bind(queue);
    queue.jobsOf = async (ref) => (looked.push(String(ref)), jobsOf(ref));
    await must({ type: 'post-message', actor: actorOf(practitioner()), text: 'Any news?' });
    expect(looked).toEqual([]);
    const receiver = (await cases.load('RES-1'))!.current!.receiver;
    await must({ type: 'respond', actor: actorOf(receiver), position: 'agree', rationale: 'Agreed.' });
    expect(looked).toEqual(['RES-1']);
    expect(pending()).toEqual([]);
  });

  it('prompts the review of agreed actions on their review date and a debrief after closure, once each', async () => {
    await openCase();
    await escalate(1);
    const receiver = actor('team-manager', 'police');
    await must({ type: 'propose-resolution', actor: receiver, summary: 'Strategy discussion held.', actions: [{ description: 'Share the plan', owner: 'police', due: '2027-01-05' }], reviewDate: '2027-01-05' });
    await must({ type: 'confirm-resolution', actor: actor('team-manager', 'health') });
    expect(pending()).toEqual(['actions-review 2027-01-05T09:00:00.000Z']);
    expect(await caseJobsUntil('2027-01-05T09:00:00Z')).toContain('actions-review');
    expect(sentSince(0)).toEqual(['actions-review → health-practitioner', 'actions-review → health-team-manager']);
    // Every agreed action done: the review closes the case.
    await must({ type: 'review-actions', actor: actor('team-manager', 'health'), done: [true], notes: 'Done.' });
    // Closed Tuesday 5 January 09:00; the debrief is suggested two working days later.
    expect(pending()).toEqual(['debrief-prompt 2027-01-07T09:00:00.000Z']);
    expect(await caseJobsUntil('2027-01-07T09:00:00Z')).toContain('debrief-prompt');
    expect(sentSince(2)).toEqual(['debrief-prompt → health-practitioner', 'debrief-prompt → health-team-manager', 'debrief-prompt → police-team-manager']);
    expect(pending()).toEqual([]);
  });

  it('sends nothing for a reminder that no longer applies, and repairs a missing plan at start-up', async () => {
    await openCase();
    await escalate(1);
    // A job recorded for a due date that has since changed finds nothing to do.
    await jobs.run({ key: 'RES-1|stage-reminder|1|2026-12-28T10:00:00.000Z', name: 'stage-reminder', runAt: '2026-12-28T10:00:00.000Z', data: { ref: 'RES-1', stage: 1, due: '2026-12-30T15:00:00.000Z' } });
    expect(notifier.sent).toEqual([]);
    expect((await store.load('RES-1')).some((e) => e.event.type === 'prompt-sent')).toBe(false);
    // Jobs lost (a crash between recording and scheduling) come back at start-up.
    await queue.cancel((await queue.jobsOf('RES-1')).map((j) => j.key));
    expect(pending()).toEqual([]);
    expect(await jobs.syncAll()).toBe(1);
    expect(pending()).toEqual(['response-deadline 2026-12-29T15:00:00.000Z']);
  });
});
