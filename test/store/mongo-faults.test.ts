/**
 * The MongoDB adapter without a server: the store contract, then failures injected around the
 * driver (fake-mongo.ts), on a standalone server (no transactions) and on a replica set (each
 * append one transaction): a summary write that fails, an insert whose acknowledgement was
 * lost, another writer taking the same sequence number, values BSON would give back changed,
 * and what start-up repairs. The contract also runs on a real server with TEST_MONGODB_URL.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { verifyChain } from '../../src/app/audit.js';
import { summarise } from '../../src/app/case-summary.js';
import { Cases } from '../../src/app/cases.js';
import { FakeClock } from '../../src/app/clock.js';
import { loadDirectoryFile } from '../../src/app/directory-file.js';
import { FakeClockJobQueue } from '../../src/app/job-queue.js';
import { RecordingNotifier } from '../../src/app/notifier.js';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { ScheduledJobs } from '../../src/app/scheduled-jobs.js';
import type { Store } from '../../src/app/store.js';
import type { Directory } from '../../src/domain/directory.js';
import type { CaseEvent } from '../../src/domain/escalation/events.js';
import { fold } from '../../src/domain/escalation/state.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { mongoJobBackend } from '../../src/jobs/mongo-job-backend.js';
import { durableDbOptions, reportTopology, topologyOf, type StoreLog } from '../../src/store/mongo/connect.js';
import { COLLECTIONS, mongoStore, summaryFilter, type CommitDoc } from '../../src/store/mongo/mongo-store.js';
import { UnstorableError } from '../../src/store/mongo/stored-shape.js';
import { actorOf } from '../support/people.js';
import { partiesFor, practitioner, raiserOf } from '../support/walk.js';
import { FakeDb, lostCommitAck, networkError } from './fake-mongo.js';
import { message, storeContract } from './store-contract.js';
import { ANCHORS_COLLECTION } from '../../src/store/mongo/mongo-anchors.js';
import type { AuditHasher } from '../../src/app/audit.js';

type Line = { level: string; obj: object; msg: string };
const recorder = () => {
  const lines: Line[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, obj, msg });
  const log: StoreLog = { info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
};

const TOPOLOGIES = [
  ['standalone', false],
  ['replica set', true],
] as const;

const open = (db: FakeDb, replicaSet: boolean, log?: StoreLog, hasher?: AuditHasher) =>
  mongoStore(db.asDb, { close: async () => undefined, sessions: replicaSet ? db.sessions : null, log, ...(hasher ? { hasher } : {}) });
const commitsOf = (db: FakeDb) => db.collection(COLLECTIONS.commits).docs as unknown as CommitDoc[];

for (const [name, replicaSet] of TOPOLOGIES) {
  storeContract(`MongoDB adapter on an in-memory fake of the driver (${name})`, async (hasher) => {
    const db = new FakeDb();
    const commits = db.collection(COLLECTIONS.commits);
    const anchors = db.collection(ANCHORS_COLLECTION);
    return {
      store: await open(db, replicaSet, undefined, hasher),
      reopen: (other) => open(db, replicaSet, undefined, other),
      tamper: async (caseRef, seq, text) => {
        const e = commitsOf(db).flatMap((c) => (c.caseRef === caseRef ? c.events : [])).find((x) => x.seq === seq)!;
        (e.event.data as { text: string }).text = text;
      },
      deleteEvents: async (caseRef, fromSeq) => {
        const kept = commitsOf(db).flatMap((c) => {
          if (c.caseRef !== caseRef || c.lastSeq < fromSeq) return [c];
          if (c.firstSeq >= fromSeq) return [];
          return [{ ...c, events: c.events.filter((e) => e.seq < fromSeq), lastSeq: fromSeq - 1 }];
        });
        commits.docs = kept as unknown as typeof commits.docs;
      },
      deleteAnchors: async ({ caseRef, fromSeq }) => {
        anchors.docs = anchors.docs.filter((a) => !((caseRef === undefined || a.caseRef === caseRef) && (a._id as number) >= (fromSeq ?? 1)));
      },
      replaceEvent: async ({ caseRef, seq, event, prevHash, hash, scheme }) => {
        const c = commitsOf(db).find((x) => x.caseRef === caseRef && x.events.some((e) => e.seq === seq))!;
        c.events = c.events.map((e) => (e.seq === seq ? { seq, event, prevHash, hash } : e));
        c.scheme = scheme;
      },
    };
  });
}

let bscb: Policy;
let directory: Directory;
beforeAll(async () => {
  bscb = (await loadPolicyCatalog()).get('bscb')!;
  const d = await loadDirectoryFile('demo/directory.yaml');
  if (!d.ok) throw new Error(d.errors.join('\n'));
  directory = d.directory;
});

const clock = () => new FakeClock(new Date('2026-12-01T10:00:00Z'));
const openCase = (reflections: Record<string, string> = {}) => {
  const p = practitioner();
  return {
    type: 'open-case' as const,
    actor: actorOf(p),
    ref: 'RES-1',
    policy: bscb,
    practitioner: p,
    escalatingAgency: { id: 'health', name: 'Riverside Health Trust' },
    receivingAgency: { id: 'police', name: 'County Police' },
    urgent: false,
    intake: { checks: { 'significant-disagreement': true, 'problem-identified': true }, discussedWithOtherProfessional: true, decisionChallenged: 'NFA', areaId: 'thresholds', aim: 'Strategy discussion', childRecordRef: 'HLT-1', reflections },
  };
};
/** Opens RES-1 at Stage 1 (a response deadline to schedule). */
async function caseAtStage1(cases: Cases) {
  expect(await cases.execute('RES-1', openCase())).toMatchObject({ ok: true });
  const raiser = raiserOf(bscb.stages[0]!);
  expect(await cases.execute('RES-1', { type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: '', approver: raiser })).toMatchObject({ ok: true });
  expect(await cases.execute('RES-1', { type: 'approve-escalation', actor: actorOf(raiser), parties: partiesFor(bscb.stages[0]!) })).toMatchObject({ ok: true });
}
const expectedSummary = async (store: Store) => {
  const events = (await store.load('RES-1')).map((s) => s.event);
  return summarise(fold(events)!, events.at(-1)!.at);
};

describe('a case summary write that fails', () => {
  it('on a standalone server: the append succeeds (its events are stored), the failure is logged, and start-up rebuilds the summary', async () => {
    const db = new FakeDb();
    const { log, lines } = recorder();
    const store = await open(db, false, log);
    db.fail({ collection: COLLECTIONS.summaries, op: 'replaceOne', error: networkError() });
    const outcome = await new Cases(store, clock()).execute('RES-1', openCase());
    expect(outcome).toMatchObject({ ok: true, duplicate: false });
    expect(await store.load('RES-1')).toHaveLength(1);
    expect(await store.findCases({})).toEqual([]);
    expect(lines).toEqual([{ level: 'error', obj: expect.objectContaining({ caseRef: 'RES-1' }), msg: 'the summary of case RES-1 was not written (its events are stored); it is rebuilt at the next start' }]);

    // The next start finds the summary missing against the case's last commit and rebuilds it.
    const restarted = recorder();
    const again = await open(db, false, restarted.log);
    expect(await again.findCases({ participantId: practitioner().personId })).toEqual([await expectedSummary(again)]);
    expect(restarted.lines.map((l) => l.msg)).toEqual(['rebuilt 1 case summaries that were behind their events']);
  });

  it('at start-up, rebuilds a summary one change behind its events, and leaves one that is current', async () => {
    const db = new FakeDb();
    const store = await open(db, false);
    const cases = new Cases(store, clock());
    await caseAtStage1(cases);
    db.fail({ collection: COLLECTIONS.summaries, op: 'replaceOne', error: networkError() });
    expect(await cases.execute('RES-1', { type: 'acknowledge', actor: actorOf(partiesFor(bscb.stages[0]!).receiver), note: '' })).toMatchObject({ ok: true });
    expect((await store.findCases({}))[0]?.version).toBe(3);
    const restarted = recorder();
    const again = await open(db, false, restarted.log);
    expect(await again.findCases({})).toEqual([await expectedSummary(again)]);
    expect((await again.findCases({}))[0]?.version).toBe(4);
    expect(restarted.lines).toHaveLength(1);
    const third = recorder();
    await open(db, false, third.log);
    expect(third.lines).toEqual([]);
  });

  it('on a replica set: the transaction aborts, so neither the events nor the summary are written, and the case can be opened again', async () => {
    const db = new FakeDb();
    const store = await open(db, true);
    db.fail({ collection: COLLECTIONS.summaries, op: 'insertOne', inTransaction: true, error: networkError() });
    const cases = new Cases(store, clock());
    await expect(cases.execute('RES-1', openCase())).rejects.toThrow('connection reset by peer (injected)');
    expect(await store.load('RES-1')).toEqual([]);
    expect(commitsOf(db)).toEqual([]);
    expect(await store.findCases({})).toEqual([]);
    expect(await cases.execute('RES-1', openCase())).toMatchObject({ ok: true });
    expect(await store.findCases({})).toEqual([await expectedSummary(store)]);
  });

  it('start-up skips, and logs, a case whose events do not make a case, without stopping', async () => {
    const db = new FakeDb();
    await (await open(db, false)).append('RES-X', 0, [message(1)]);
    const { log, lines } = recorder();
    const store = await open(db, false, log);
    expect(await store.load('RES-X')).toHaveLength(1);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([['error', 'the summary of case RES-X could not be rebuilt from its events']]);
  });
});

describe('an insert whose acknowledgement was lost', () => {
  it('on a standalone server: the insert is sent again, meets itself (its own commitId) and counts as recorded, once', async () => {
    const db = new FakeDb();
    const store = await open(db, false);
    db.fail({ collection: COLLECTIONS.commits, op: 'insertOne', error: networkError(), afterWrite: true });
    expect(await store.append('RES-1', 0, [message(1), message(2)], { idempotencyKey: 'click-1' })).toMatchObject({ ok: true, duplicate: false });
    expect(commitsOf(db)).toHaveLength(1);
    const loaded = await store.load('RES-1');
    expect(loaded.map((s) => s.event)).toEqual([message(1), message(2)]);
    expect(verifyChain('RES-1', loaded)).toEqual({ ok: true, events: 2 });
    expect(await store.append('RES-1', 2, [message(3)])).toMatchObject({ ok: true });
  });

  it('on a standalone server: an insert that failed before it landed is sent again and lands', async () => {
    const db = new FakeDb();
    const store = await open(db, false);
    db.fail({ collection: COLLECTIONS.commits, op: 'insertOne', error: networkError() });
    expect(await store.append('RES-1', 0, [message(1)])).toMatchObject({ ok: true, duplicate: false });
    expect((await store.load('RES-1')).map((s) => s.event)).toEqual([message(1)]);
  });

  it('on a replica set: a transaction whose commit was acknowledged to no one is found stored and counts as recorded', async () => {
    const db = new FakeDb();
    const store = await open(db, true);
    db.fail({ collection: 'session', op: 'commitTransaction', error: lostCommitAck(), afterWrite: true });
    expect(await store.append('RES-1', 0, [message(1)], { summary: undefined })).toMatchObject({ ok: true, duplicate: false });
    expect(commitsOf(db)).toHaveLength(1);
    expect(await store.load('RES-1')).toHaveLength(1);
  });

  it('on a replica set: a transaction that did not commit is an error, with nothing stored', async () => {
    const db = new FakeDb();
    const store = await open(db, true);
    db.fail({ collection: 'session', op: 'commitTransaction', error: lostCommitAck() });
    await expect(store.append('RES-1', 0, [message(1)])).rejects.toThrow('acknowledgement lost');
    expect(commitsOf(db)).toEqual([]);
  });
});

describe('another writer takes the sequence number between the check and the insert', () => {
  for (const [name, replicaSet] of TOPOLOGIES) {
    it(`on a ${name}: the duplicate _id is theirs (another commitId), so the append is a conflict and their events stand`, async () => {
      const db = new FakeDb();
      const [mine, theirs] = [await open(db, replicaSet), await open(db, replicaSet)];
      await mine.append('RES-1', 0, [message(1)]);
      db.fail({ collection: COLLECTIONS.commits, op: 'insertOne', before: async () => void (await theirs.append('RES-1', 1, [message(20)])) });
      expect(await mine.append('RES-1', 1, [message(10)])).toMatchObject({ ok: false, conflict: true, message: 'case RES-1 changed while this was being recorded' });
      const loaded = await mine.load('RES-1');
      expect(loaded.map((s) => s.event)).toEqual([message(1), message(20)]);
      expect(verifyChain('RES-1', loaded)).toEqual({ ok: true, events: 2 });
    });

    it(`on a ${name}: a second delivery of the same action by another instance returns the first one's events`, async () => {
      const db = new FakeDb();
      const [mine, theirs] = [await open(db, replicaSet), await open(db, replicaSet)];
      db.fail({ collection: COLLECTIONS.commits, op: 'insertOne', before: async () => void (await theirs.append('RES-1', 0, [message(1)], { idempotencyKey: 'click-7' })) });
      const r = await mine.append('RES-1', 0, [message(1)], { idempotencyKey: 'click-7' });
      expect(r).toMatchObject({ ok: true, duplicate: true });
      expect(commitsOf(db)).toHaveLength(1);
    });
  }
});

describe('values MongoDB would not give back unchanged', () => {
  const withText = (text: string): CaseEvent => ({ ...message(1), data: { text } }) as CaseEvent;

  for (const [name, replicaSet] of TOPOLOGIES) {
    it(`on a ${name}: refuses an unpaired surrogate or a {$ref, $id} object in an event, recording nothing`, async () => {
      const db = new FakeDb();
      const store = await open(db, replicaSet);
      const refused = 'A change to case RES-1 was not recorded: it holds text MongoDB cannot keep exactly (an unpaired surrogate character) or an object MongoDB reads back as a reference ($ref with $id).';
      await expect(store.append('RES-1', 0, [withText('half a pair: \ud83d')])).rejects.toThrow(new UnstorableError(refused));
      const dbRef = { ...message(1), data: { text: 'x', extra: { $ref: 'cases', $id: 'RES-2' } } } as unknown as CaseEvent;
      await expect(store.append('RES-1', 0, [dbRef])).rejects.toThrow(UnstorableError);
      expect(commitsOf(db)).toEqual([]);
      // A whole pair (an emoji) is kept exactly, and its hash still matches.
      await store.append('RES-1', 0, [withText('a whole pair: \ud83d\ude00')]);
      const loaded = await store.load('RES-1');
      expect(loaded[0]?.event).toEqual(withText('a whole pair: \ud83d\ude00'));
      expect(verifyChain('RES-1', loaded)).toEqual({ ok: true, events: 1 });
    });
  }

  it('refuses a document holding an unpaired surrogate, leaving the one there', async () => {
    const store = await open(new FakeDb(), false);
    await store.putDocument('bot-state', 'p1', { draft: 'fine' });
    await expect(store.putDocument('bot-state', 'p1', { draft: 'bad \udc00' })).rejects.toThrow(UnstorableError);
    expect((await store.getDocument('bot-state', 'p1'))?.value).toEqual({ draft: 'fine' });
  });

  it('keeps reflection answers as question/answer pairs, so a heading with dots or a leading $ is never a field name', async () => {
    const db = new FakeDb();
    const store = await open(db, true);
    const reflections = { 'What is life like for this child? (e.g. at home)': 'Worrying.', '$where': 'Odd heading.', 'a.b.c': 'Dots.' };
    expect(await new Cases(store, clock()).execute('RES-1', openCase(reflections))).toMatchObject({ ok: true });
    const kept = commitsOf(db)[0]!.events[0]!.event as Extract<CaseEvent, { type: 'case-opened' }>;
    expect(kept.data.intake.reflections).toEqual([
      { question: 'What is life like for this child? (e.g. at home)', answer: 'Worrying.' },
      { question: '$where', answer: 'Odd heading.' },
      { question: 'a.b.c', answer: 'Dots.' },
    ]);
    const loaded = await store.load('RES-1');
    expect(loaded[0]?.event).toMatchObject({ type: 'case-opened', data: { intake: { reflections } } });
    expect(verifyChain('RES-1', loaded)).toEqual({ ok: true, events: 1 });
  });

  it('loads a case opened before pairs (answers kept by heading) as it was recorded, its chain unbroken', async () => {
    const db = new FakeDb();
    const store = await open(db, false);
    const reflections = { 'What is life like for this child?': 'Worrying.' };
    await new Cases(store, clock()).execute('RES-1', openCase(reflections));
    // As an older version wrote it: the answers by heading, a null key.
    const commit = commitsOf(db)[0]!;
    (commit.events[0]!.event as Extract<CaseEvent, { type: 'case-opened' }>).data.intake.reflections = reflections;
    commit.idempotencyKey = null;
    const loaded = await (await open(db, false)).load('RES-1');
    expect(loaded[0]?.event).toMatchObject({ data: { intake: { reflections } } });
    expect(loaded[0]?.idempotencyKey).toBeNull();
    expect(verifyChain('RES-1', loaded)).toEqual({ ok: true, events: 1 });
  });
});

describe('start-up', () => {
  it('replaces the old $type partial index by one on $exists, and a null idempotency key by none, leaving the events as recorded', async () => {
    const db = new FakeDb();
    const commits = db.collection(COLLECTIONS.commits);
    await commits.createIndexes([{ key: { caseRef: 1, idempotencyKey: 1 }, name: 'idempotency', unique: true, partialFilterExpression: { idempotencyKey: { $type: 'string' } } }]);
    const first = await open(db, false);
    await first.append('RES-1', 0, [message(1)]);
    await first.append('RES-1', 1, [message(2)]);
    for (const c of commitsOf(db)) c.idempotencyKey = null;
    const before = await first.load('RES-1');
    const store = await open(db, false);
    expect(commits.indexes.map((i) => [i.name, i.partialFilterExpression ?? null])).toEqual([
      ['case_order', null],
      ['idempotency_key', { idempotencyKey: { $exists: true } }],
    ]);
    expect(commitsOf(db).map((c) => 'idempotencyKey' in c)).toEqual([false, false]);
    expect(await store.load('RES-1')).toEqual(before);
  });

  it("gives Agenda's jobs a unique key index on $exists (the old $type one dropped) and one for the queue size", async () => {
    const db = new FakeDb();
    const jobs = db.collection('agendaJobs');
    await jobs.createIndex({ 'data.key': 1 }, { unique: true, partialFilterExpression: { 'data.key': { $type: 'string' } } });
    await mongoJobBackend(db.asDb).ensureUniqueKeys();
    expect(jobs.indexes.map((i) => [i.name, i.partialFilterExpression ?? null])).toEqual([
      ['job_key', { 'data.key': { $exists: true } }],
      ['data.ref_1', null],
      ['next_run', null],
    ]);
  });

  it('filters due cases on the indexed dueOrder, not nextDue', () => {
    expect(summaryFilter({ dueBefore: '2026-12-01T00:00:00.000Z' })).toEqual({ $and: [{ dueOrder: { $lte: new Date('2026-12-01T00:00:00.000Z') } }] });
  });

  it('sets majority, journaled writes and majority reads on the primary on the database, whatever the URL asks', () => {
    const client = new MongoClient('mongodb://127.0.0.1:1/resolve?w=1&journal=false&readPreference=secondaryPreferred&readConcernLevel=local');
    const db = client.db('resolve', durableDbOptions(30_000));
    const commits = db.collection('case_commits');
    expect(commits.writeConcern).toMatchObject({ w: 'majority', journal: true, wtimeoutMS: 30_000 });
    expect(commits.readConcern?.level).toBe('majority');
    expect(commits.readPreference?.mode).toBe('primary');
    expect(client.writeConcern?.w).toBe(1);
  });

  it('tells a replica set and a sharded cluster (transactions) from a standalone server by hello', () => {
    expect(topologyOf({ setName: 'rs0' })).toBe('replica-set');
    expect(topologyOf({ msg: 'isdbgrid' })).toBe('sharded');
    expect(topologyOf({})).toBe('standalone');
  });

  it('logs which kind of server it found, warning on a standalone one that there are no transactions', () => {
    const { log, lines } = recorder();
    reportTopology('replica-set', log);
    reportTopology('standalone', log);
    expect(lines.map((l) => [l.level, l.obj])).toEqual([['info', { mongodb: 'replica-set' }], ['warn', { mongodb: 'standalone' }]]);
    expect(lines[1]?.msg).toContain('no transactions, so a case summary is written just after its events');
  });

  it('re-syncs the jobs of every case with events, also one whose summary was never written', async () => {
    const db = new FakeDb();
    const store = await open(db, false, recorder().log);
    const c = clock();
    // No scheduler on this Cases (as if the instance died before syncing), and every summary write fails.
    db.fail({ collection: COLLECTIONS.summaries, op: 'replaceOne', error: networkError(), times: 3 });
    await caseAtStage1(new Cases(store, c));
    expect(await store.findCases({})).toEqual([]);
    const queue = new FakeClockJobQueue(c);
    const jobs = new ScheduledJobs({ cases: new Cases(store, c), store, queue, notifier: new RecordingNotifier(), directory, clock: c, region: 'england-and-wales' });
    expect(await jobs.syncAll()).toBe(1);
    expect(queue.pending().filter((j) => j.data.ref === 'RES-1').map((j) => j.name)).toContain('response-deadline');
  });
});
