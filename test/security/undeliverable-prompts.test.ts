/**
 * Prompts are delivered or someone knows: a prompt that does not reach its person is not marked
 * delivered, the job is tried again with backoff, and after the last try the prompt is listed as
 * undeliverable (for /healthz) and the person's line manager is told who could not be reached
 * about which case. Driven on the fake-clock queue, which retries as Agenda does.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Cases } from '../../src/app/cases.js';
import { FakeClock } from '../../src/app/clock.js';
import { loadDirectoryFile } from '../../src/app/directory-file.js';
import { FakeClockJobQueue, JOB_TRIES } from '../../src/app/job-queue.js';
import { RecordingNotifier, wasDelivered } from '../../src/app/notifier.js';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { ScheduledJobs } from '../../src/app/scheduled-jobs.js';
import type { Store } from '../../src/app/store.js';
import { undeliverableSummary, type UndeliverableRecord } from '../../src/app/undeliverable.js';
import type { Directory } from '../../src/domain/directory.js';
import type { Actor } from '../../src/domain/escalation/events.js';
import { participantOf } from '../../src/domain/matching.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { postgresStore } from '../../src/store/postgres/postgres-store.js';
import { freshPglite } from '../support/pglite.js';

let bscb: Policy;
let directory: Directory;
let store: Store;
let clock: FakeClock;
let queue: FakeClockJobQueue;
let notifier: RecordingNotifier;
let cases: Cases;
const declared: UndeliverableRecord[] = [];

beforeAll(async () => {
  bscb = (await loadPolicyCatalog()).get('bscb')!;
  const d = await loadDirectoryFile('demo/directory.yaml');
  if (!d.ok) throw new Error(d.errors.join('\n'));
  directory = d.directory;
});
beforeEach(async () => {
  store = await postgresStore(await freshPglite(), 'pglite');
  clock = new FakeClock(new Date('2027-03-01T10:00:00Z')); // a Monday
  queue = new FakeClockJobQueue(clock);
  notifier = new RecordingNotifier();
  declared.length = 0;
  const jobs: ScheduledJobs = new ScheduledJobs({ cases: new Cases(store, clock, (s) => jobs.syncQuietly(s)), store, queue, notifier, directory, clock, region: 'england-and-wales', onUndeliverable: (r) => declared.push(r) });
  cases = new Cases(store, clock, (s) => jobs.syncQuietly(s));
  await queue.start((job, attempt) => jobs.run(job, attempt));
});
afterEach(() => store.close());

const who = (id: string, role: Parameters<typeof participantOf>[2]) => participantOf(directory, directory.people.find((p) => p.id === id)!, role);
const as = (id: string, role: Parameters<typeof participantOf>[2]): Actor => ({ kind: 'person', ...who(id, role) });

/** RES-1 at Stage 1: CSC's team manager raised it with DS Kaur (police), response due Tuesday 10:00. */
async function stageOne() {
  const must = async (command: Parameters<Cases['execute']>[1]) => {
    const r = await cases.execute('RES-1', command);
    if (!r.ok) throw new Error(r.message);
  };
  await must({
    type: 'open-case',
    actor: as('csc-sw', 'practitioner'),
    ref: 'RES-1',
    policy: bscb,
    practitioner: who('csc-sw', 'practitioner'),
    escalatingAgency: { id: 'csc', name: "Children's Social Care" },
    receivingAgency: { id: 'police', name: 'County Police' },
    urgent: false,
    intake: { checks: Object.fromEntries(bscb.preEscalationChecks.map((c) => [c.id, true])), discussedWithOtherProfessional: true, decisionChallenged: 'NFA', areaId: bscb.areasOfDisagreement[0]!.id, aim: 'Strategy discussion', childRecordRef: 'CSC-1', reflections: {} },
  });
  await must({ type: 'request-escalation', actor: as('csc-sw', 'practitioner'), toStage: 1, reason: 'not-resolved', note: '', approver: who('csc-tm', 'team-manager') });
  await must({ type: 'approve-escalation', actor: as('csc-tm', 'team-manager'), parties: { raiser: who('csc-tm', 'team-manager'), receiver: who('police-tm-deputy', 'team-manager'), informed: [] } });
}

const overdueKey = (personId: string) => `RES-1|response-deadline|1|2027-03-02T10:00:00.000Z|${personId}`;

describe('a prompt that fails', () => {
  it('is tried again with backoff and marked delivered only once it got through', async () => {
    await stageOne();
    notifier.failFor('csc-tm', 2);
    // The deadline passes: the lapse is recorded once; Priya's prompt fails, DS Kaur's gets through.
    await queue.advanceTo('2027-03-02T10:00:00Z');
    expect((await store.load('RES-1')).filter((e) => e.event.type === 'deadline-lapsed')).toHaveLength(1);
    expect(notifier.failed.map((n) => n.to.personId)).toEqual(['csc-tm']);
    expect(await wasDelivered(store, overdueKey('csc-tm'))).toBe(false);
    expect(await wasDelivered(store, overdueKey('police-tm-deputy'))).toBe(true);
    // A minute later, the second try fails too, and nothing is marked.
    await queue.advanceTo('2027-03-02T10:01:00Z');
    expect(notifier.failed.map((n) => n.to.personId)).toEqual(['csc-tm', 'csc-tm']);
    expect(await wasDelivered(store, overdueKey('csc-tm'))).toBe(false);
    // Five minutes after that, the third try gets through: sent once, marked, and DS Kaur not sent again.
    await queue.advanceTo('2027-03-02T10:05:59Z');
    expect(notifier.sent.map((n) => n.to.personId)).toEqual(['police-tm-deputy']);
    await queue.advanceTo('2027-03-02T10:06:00Z');
    expect(notifier.sent.map((n) => `${n.kind} → ${n.to.personId}`)).toEqual(['response-overdue → police-tm-deputy', 'response-overdue → csc-tm']);
    expect(await wasDelivered(store, overdueKey('csc-tm'))).toBe(true);
    expect((await store.load('RES-1')).filter((e) => e.event.type === 'deadline-lapsed')).toHaveLength(1);
    expect(await undeliverableSummary(store)).toEqual({ count: 0, latest: [] });
    // Nothing more is tried.
    await queue.advanceTo('2027-03-03T10:00:00Z');
    expect(notifier.sent.filter((n) => n.kind === 'response-overdue')).toHaveLength(2);
  });

  it('that never gets through is listed as undeliverable and the person’s line manager is told', async () => {
    await stageOne();
    notifier.failFor('csc-tm');
    await queue.advanceTo('2027-03-02T16:00:00Z');
    expect(notifier.failed.filter((n) => n.to.personId === 'csc-tm')).toHaveLength(JOB_TRIES);
    expect(await wasDelivered(store, overdueKey('csc-tm'))).toBe(false);
    const listed = await undeliverableSummary(store);
    expect(listed).toEqual({ count: 1, latest: [expect.objectContaining({ key: overdueKey('csc-tm'), kind: 'response-overdue', caseRef: 'RES-1', personId: 'csc-tm', tries: JOB_TRIES })] });
    // Ids and references only: no names are kept.
    expect(JSON.stringify(listed)).not.toMatch(/Priya|Natarajan/);
    expect(declared.map((r) => r.personId)).toEqual(['csc-tm']);
    // Priya's line manager (Gareth, csc-sm) hears who could not be reached about which case.
    const told = notifier.sent.filter((n) => n.kind === 'undeliverable-prompt');
    expect(told).toEqual([expect.objectContaining({ caseRef: 'RES-1', to: { personId: 'csc-sm', name: 'Gareth Llewellyn' } })]);
    expect(told[0]!.text).toMatch(/^I could not reach Priya Natarajan about case RES-1 \(response overdue\) after 5 tries\./);
    // The job ran its last try and is done; nothing more is tried or told.
    await queue.advanceTo('2027-03-04T16:00:00Z');
    expect(notifier.failed.filter((n) => n.to.personId === 'csc-tm')).toHaveLength(JOB_TRIES);
    expect(notifier.sent.filter((n) => n.kind === 'undeliverable-prompt')).toHaveLength(1);
  });

  it('with no line manager, the Board business manager is told', async () => {
    await stageOne();
    // Priya as if the directory named no line manager for her.
    notifier.failFor('csc-tm');
    const priya = directory.people.find((p) => p.id === 'csc-tm')!;
    const manager = priya.lineManagerId;
    delete priya.lineManagerId;
    try {
      await queue.advanceTo('2027-03-02T16:00:00Z');
    } finally {
      priya.lineManagerId = manager;
    }
    expect(notifier.sent.filter((n) => n.kind === 'undeliverable-prompt').map((n) => n.to.personId)).toEqual(['board-bm']);
  });
});
