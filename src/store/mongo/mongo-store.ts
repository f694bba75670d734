/**
 * The store on MongoDB (>= 6, Atlas, Azure Cosmos DB for MongoDB vCore), through the official
 * driver, with the durability `connect.ts` sets on the database (majority, journaled, primary).
 *
 * An append is one document, a "commit" holding all its events, whose _id is the case reference
 * and the first sequence number it takes: a second writer of the same sequence number is refused
 * by the _id, which is our conflict. Each commit carries a random commitId, so a duplicate _id
 * that is our own earlier attempt (an insert whose acknowledgement was lost, sent again) is told
 * from another writer's commit. A unique index on (caseRef, idempotencyKey) makes a repeated
 * delivery return the events first recorded for it.
 *
 * On a replica set or sharded cluster the commit and the case summary are written in one
 * transaction: both land or neither does. A standalone server has no transactions: the summary
 * is written just after the commit, and if that fails the append still succeeds (its events are
 * stored) and the failure is logged. Either way, start-up rebuilds from the events any summary
 * older than its case's last commit.
 *
 * Each commit's audit anchor (mongo-anchors.ts) is written with it: in the same transaction on a
 * replica set, just after it on a standalone server (a failure there is logged: `audit verify`
 * names the events as not anchored until the case's next append anchors its head again).
 *
 * Nothing is written that BSON would give back changed (see stored-shape.ts).
 */
import { randomUUID } from 'node:crypto';
import { MongoError, MongoNetworkError, type ClientSession, type Collection, type Db, type Document, type Filter, type TransactionOptions } from 'mongodb';
import { auditHasher, type AuditHasher } from '../../app/audit.js';
import { summarise, type CaseSummary } from '../../app/case-summary.js';
import type { AppendResult, AuditScheme, CaseQuery, EventRange, Store, StoredEvent } from '../../app/store.js';
import type { CaseEvent } from '../../domain/escalation/events.js';
import { fold } from '../../domain/escalation/state.js';
import type { StoreLog } from './connect.js';
import { mongoAnchors } from './mongo-anchors.js';
import { assertStorable, fromStoredEvent, toStoredEvent } from './stored-shape.js';

type CommitEvent = { seq: number; event: CaseEvent; prevHash: string | null; hash: string };
export type CommitDoc = {
  _id: string;
  /** Random per append: tells our own retried insert from another writer's commit. Absent on commits from before it. */
  commitId?: string;
  caseRef: string;
  firstSeq: number;
  lastSeq: number;
  /** Absent when the append had none (a null would take part in the unique index). */
  idempotencyKey?: string | null;
  events: CommitEvent[];
  /** How its events were hashed; absent on commits made before schemes were recorded (sha256). */
  scheme?: AuditScheme;
  recordedAt: Date;
};
type SummaryDoc = {
  _id: string;
  version: number;
  phase: CaseSummary['phase'];
  stage: number | null;
  escalatingAgencyId: string;
  receivingAgencyId: string;
  participantIds: string[];
  /** nextDue, or the far future, so a plain ascending sort puts cases with nothing due last. */
  dueOrder: Date;
  summary: CaseSummary;
};
type Doc = { _id: string; namespace: string; key: string; value: unknown; etag: string; updatedAt: Date };
/**
 * A case's snapshot (see store.ts); _id is `<case ref>#<fold version>`. The state is kept as JSON
 * text: a case's state has keys BSON would not keep as they are (reflection questions).
 */
type SnapshotDoc = { _id: string; caseRef: string; fold: number; version: number; hash: string; state: string; updatedAt: Date };

export const COLLECTIONS = { commits: 'case_commits', summaries: 'case_summaries', documents: 'documents', snapshots: 'case_snapshots' } as const;

export type MongoStoreOptions = {
  close: () => Promise<void>;
  /** The client, on a replica set or sharded cluster (appends are transactions); null on a standalone server. */
  sessions: { startSession(): ClientSession } | null;
  log?: StoreLog | undefined;
  /** How events and anchors are hashed; plain SHA-256 when omitted (open-store gives the key). */
  hasher?: AuditHasher | undefined;
};

const FAR_FUTURE = new Date(8.64e15);

/** How often a transaction is tried again when another writer took the anchor chain's next place. */
const ANCHOR_TRIES = 20;

/** The commit and its summary, as one transaction: reads and writes on the primary, majority-committed. */
const TRANSACTION: TransactionOptions = { readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority', journal: true }, readPreference: 'primary' };

/** Every replaced or dropped index is named here, so start-up can remove it from older databases. */
const OLD_INDEXES = { commits: ['idempotency'] } as const;

/** JSON's own shape: the driver would store an undefined field as null, which changes the hash. */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const isDuplicateKey = (e: unknown) => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 11000;

/** An error after which a write may or may not have happened (the connection dropped, a failover). */
const isTransient = (e: unknown) =>
  e instanceof MongoNetworkError || (e instanceof MongoError && (e.hasErrorLabel('RetryableWriteError') || e.hasErrorLabel('UnknownTransactionCommitResult')));

const toStored = (c: CommitDoc): StoredEvent[] =>
  c.events.map((e) => ({ caseRef: c.caseRef, seq: e.seq, event: fromStoredEvent(e.event), idempotencyKey: c.idempotencyKey ?? null, prevHash: e.prevHash, hash: e.hash, scheme: c.scheme ?? 'sha256' }));

/** Makes the indexes (idempotent), repairs stale summaries and returns the store. */
export async function mongoStore(db: Db, options: MongoStoreOptions): Promise<Store> {
  const { sessions, log } = options;
  const hasher = options.hasher ?? auditHasher();
  const anchors = mongoAnchors(db, hasher);
  const commits: Collection<CommitDoc> = db.collection(COLLECTIONS.commits);
  const summaries: Collection<SummaryDoc> = db.collection(COLLECTIONS.summaries);
  const documents: Collection<Doc> = db.collection(COLLECTIONS.documents);
  const snapshots: Collection<SnapshotDoc> = db.collection(COLLECTIONS.snapshots);
  await ensureIndexes(commits, summaries, documents);

  const byKey = async (caseRef: string, key: string) => {
    const c = await commits.findOne({ caseRef, idempotencyKey: key });
    return c ? toStored(c) : [];
  };

  /** The case's last event: its sequence number (0 for a new case) and hash. */
  const headOf = async (caseRef: string) => {
    const last = await commits.find({ caseRef }, { projection: { lastSeq: 1, events: { $slice: -1 } } }).sort({ firstSeq: -1 }).limit(1).next();
    return { seq: last?.lastSeq ?? 0, hash: last?.events.at(-1)?.hash ?? null };
  };

  /** Whether this very commit is stored (after an error that leaves it unknown, or a duplicate _id). */
  const landed = async (commit: CommitDoc) => (await commits.findOne({ _id: commit._id }, { projection: { commitId: 1 } }))?.commitId === commit.commitId;

  /**
   * Only ever replaces an older summary. In a transaction it reads then writes (a concurrent
   * writer makes the transaction retry); outside one, the filter on version does it (an upsert
   * that meets a newer summary's _id is a duplicate key: nothing to do).
   */
  const writeSummary = async (s: CaseSummary, session?: ClientSession) => {
    const doc: SummaryDoc = {
      _id: s.ref,
      version: s.version,
      phase: s.phase,
      stage: s.stage,
      escalatingAgencyId: s.escalatingAgencyId,
      receivingAgencyId: s.receivingAgencyId,
      participantIds: s.participantIds,
      dueOrder: s.nextDue ? new Date(s.nextDue) : FAR_FUTURE,
      summary: plain(s),
    };
    assertStorable(doc.summary, `The summary of case ${s.ref}`);
    if (session) {
      const current = await summaries.findOne({ _id: s.ref }, { session, projection: { version: 1 } });
      if (!current) await summaries.insertOne(doc, { session });
      else if (current.version < s.version) await summaries.replaceOne({ _id: s.ref }, doc, { session });
      return;
    }
    try {
      await summaries.replaceOne({ _id: s.ref, version: { $lt: s.version } }, doc, { upsert: true });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
  };

  /** Inserts outside a transaction, once more after an error that leaves it unknown. */
  const insertCommit = async (commit: CommitDoc): Promise<'stored' | 'taken'> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await commits.insertOne(commit);
        return 'stored';
      } catch (e) {
        if (isDuplicateKey(e)) return (await landed(commit)) ? 'stored' : 'taken';
        // Sent again, it either lands now or meets itself as a duplicate _id.
        if (!isTransient(e) || attempt >= 2) throw e;
      }
    }
  };

  /**
   * Writes one append: the commit and the summary. 'taken' means another writer's commit holds
   * the sequence number (or the idempotency key). On a standalone server a failed summary write
   * is logged, not thrown: the events are stored, and start-up repairs the summary.
   */
  const record = async (commit: CommitDoc, summary: CaseSummary | undefined): Promise<'stored' | 'taken'> => {
    const head = { events: commit.lastSeq, hash: commit.events.at(-1)!.hash };
    if (!sessions) {
      const outcome = await insertCommit(commit);
      if (outcome === 'stored') {
        await anchors.record(commit.caseRef, head.events, head.hash).catch((err: unknown) =>
          log?.error({ err, caseRef: commit.caseRef }, `case ${commit.caseRef}'s change was stored but not anchored; its next change anchors it`),
        );
      }
      if (outcome === 'stored' && summary) {
        await writeSummary(summary).catch((err: unknown) =>
          log?.error({ err, caseRef: commit.caseRef }, `the summary of case ${commit.caseRef} was not written (its events are stored); it is rebuilt at the next start`),
        );
      }
      return outcome;
    }
    for (let tries = 1; ; tries++) {
      const session = sessions.startSession();
      try {
        await session.withTransaction(async (s) => {
          await commits.insertOne(commit, { session: s });
          await anchors.record(commit.caseRef, head.events, head.hash, s);
          if (summary) await writeSummary(summary, s);
        }, TRANSACTION);
        return 'stored';
      } catch (e) {
        if (isDuplicateKey(e)) {
          if (await landed(commit)) return 'stored';
          if (await commits.findOne({ _id: commit._id }, { projection: { _id: 1 } })) return 'taken';
          // Another writer took the anchor chain's next place (any case's): the whole
          // transaction is tried again on the new head.
          if (tries < ANCHOR_TRIES) continue;
        }
        // A commit whose acknowledgement was lost may have landed after all.
        if (isTransient(e) && (await landed(commit))) return 'stored';
        throw e;
      } finally {
        await session.endSession();
      }
    }
  };

  /** Summaries missing or older than their case's last commit, rebuilt from the events. */
  const repairSummaries = async () => {
    const heads = await commits.aggregate<{ _id: string; version: number }>([{ $group: { _id: '$caseRef', version: { $max: '$lastSeq' } } }]).toArray();
    const versions = new Map((await summaries.find({}, { projection: { version: 1 } }).toArray()).map((d) => [d._id, d.version]));
    let repaired = 0;
    for (const head of heads) {
      if ((versions.get(head._id) ?? 0) >= head.version) continue;
      const events = (await commits.find({ caseRef: head._id }).sort({ firstSeq: 1 }).toArray()).flatMap(toStored).map((s) => s.event);
      try {
        const state = fold(events);
        if (!state) continue;
        // The same summary Cases writes with a change, as of the case's last event.
        await writeSummary(summarise(state, events.at(-1)!.at));
        repaired++;
      } catch (err) {
        log?.error({ err, caseRef: head._id }, `the summary of case ${head._id} could not be rebuilt from its events`);
      }
    }
    if (repaired) log?.warn({ repaired }, `rebuilt ${repaired} case summaries that were behind their events`);
  };
  await repairSummaries();

  return {
    kind: 'mongodb',
    async append(caseRef, expectedVersion, events, options = {}): Promise<AppendResult> {
      const { idempotencyKey, summary } = options;
      if (idempotencyKey) {
        const seen = await byKey(caseRef, idempotencyKey);
        if (seen.length) return { ok: true, stored: seen, duplicate: true };
      }
      const head = await headOf(caseRef);
      if (head.seq !== expectedVersion) {
        return { ok: false, conflict: true, message: `case ${caseRef} is at version ${head.seq}, not ${expectedVersion}` };
      }
      if (events.length === 0) return { ok: true, stored: [], duplicate: false };
      let prev = head.hash;
      const stored: StoredEvent[] = events.map((e, i) => {
        const seq = expectedVersion + i + 1;
        const event = plain(e);
        const hash = hasher.eventHash(prev, caseRef, seq, event);
        const s: StoredEvent = { caseRef, seq, event, idempotencyKey: idempotencyKey ?? null, prevHash: prev, hash, scheme: hasher.scheme };
        prev = hash;
        return s;
      });
      const kept = stored.map(({ seq, event, prevHash, hash }) => ({ seq, event: toStoredEvent(event), prevHash, hash }));
      assertStorable(kept, `A change to case ${caseRef}`);
      const firstSeq = expectedVersion + 1;
      const commit: CommitDoc = {
        _id: `${caseRef}#${firstSeq}`,
        commitId: randomUUID(),
        caseRef,
        firstSeq,
        lastSeq: expectedVersion + events.length,
        ...(idempotencyKey ? { idempotencyKey } : {}),
        events: kept,
        scheme: hasher.scheme,
        recordedAt: new Date(),
      };
      // Never extend a chain keyed with another key (or keyed, without one).
      await anchors.check();
      if ((await record(commit, summary)) === 'stored') return { ok: true, stored, duplicate: false };
      // Someone else appended first: the same action again (idempotency key) or another one.
      if (idempotencyKey) {
        const seen = await byKey(caseRef, idempotencyKey);
        if (seen.length) return { ok: true, stored: seen, duplicate: true };
      }
      return { ok: false, conflict: true, message: `case ${caseRef} changed while this was being recorded` };
    },

    async load(caseRef, range: EventRange = {}) {
      const { after, upTo, last } = range;
      const filter: Filter<CommitDoc> = { caseRef };
      if (after !== undefined) filter.lastSeq = { $gt: after };
      if (upTo !== undefined) filter.firstSeq = { $lte: upTo };
      const within = (s: StoredEvent) => (after === undefined || s.seq > after) && (upTo === undefined || s.seq <= upTo);
      if (last === undefined) return (await commits.find(filter).sort({ firstSeq: 1 }).toArray()).flatMap(toStored).filter(within);
      if (last <= 0) return [];
      // Every commit holds at least one event, so the newest `last` commits hold enough.
      const newest = await commits.find(filter).sort({ firstSeq: -1 }).limit(last).toArray();
      return newest.reverse().flatMap(toStored).filter(within).slice(-last);
    },

    async snapshot(caseRef, fold) {
      const d = await snapshots.findOne({ _id: `${caseRef}#${fold}` });
      return d ? { version: d.version, hash: d.hash, fold, state: JSON.parse(d.state) as unknown } : null;
    },

    async saveSnapshot(caseRef, s) {
      const doc: SnapshotDoc = { _id: `${caseRef}#${s.fold}`, caseRef, fold: s.fold, version: s.version, hash: s.hash, state: JSON.stringify(s.state), updatedAt: new Date() };
      await snapshots.replaceOne({ _id: doc._id }, doc, { upsert: true });
    },

    recordedWith: byKey,

    async caseRefs() {
      return ((await commits.distinct('caseRef')) as string[]).sort();
    },

    anchors: () => anchors.list(),

    async anchorCase(caseRef) {
      const head = await headOf(caseRef);
      return head.hash ? anchors.record(caseRef, head.seq, head.hash) : null;
    },

    async findCases(q: CaseQuery) {
      // As on PostgreSQL, a limit of 0 is no rows (MongoDB's limit(0) would mean all of them).
      if (q.limit === 0) return [];
      const cursor = summaries.find(summaryFilter(q)).sort({ dueOrder: 1, _id: 1 });
      if (q.limit !== undefined) cursor.limit(q.limit);
      return (await cursor.toArray()).map((d) => d.summary);
    },

    async getDocument<T>(namespace: string, key: string) {
      const d = await documents.findOne({ namespace, key });
      return d ? { value: d.value as T, etag: d.etag } : null;
    },

    async putDocument(namespace, key, value, expectedEtag) {
      const etag = randomUUID();
      const fields = { value: plain(value), etag, updatedAt: new Date() };
      assertStorable(fields.value, `The ${namespace} document`);
      if (expectedEtag === undefined) {
        await documents.updateOne({ namespace, key }, { $set: fields, $setOnInsert: { _id: randomUUID() } }, { upsert: true });
        return { ok: true, etag };
      }
      if (expectedEtag === null) {
        try {
          await documents.insertOne({ _id: randomUUID(), namespace, key, ...fields });
          return { ok: true, etag };
        } catch (e) {
          if (isDuplicateKey(e)) return { ok: false, conflict: true };
          throw e;
        }
      }
      const r = await documents.updateOne({ namespace, key, etag: expectedEtag }, { $set: fields });
      return r.matchedCount === 1 ? { ok: true, etag } : { ok: false, conflict: true };
    },

    async deleteDocument(namespace, key) {
      await documents.deleteOne({ namespace, key });
    },

    ping: async () => void (await db.command({ ping: 1 })),
    close: options.close,
  };
}

/**
 * The indexes every query uses. Partial indexes filter on `$exists`, which an equality lookup
 * implies (one on `$type` it does not, so the server would never use the index).
 */
async function ensureIndexes(commits: Collection<CommitDoc>, summaries: Collection<SummaryDoc>, documents: Collection<Doc>): Promise<void> {
  // Commits from before the key was left out held a null one; "no key" is now an absent field.
  // Only that placeholder goes: the events, their hashes and any real key stay as recorded.
  await commits.updateMany({ idempotencyKey: { $type: 'null' } }, { $unset: { idempotencyKey: '' } });
  // Older indexes go first: one key pattern may hold only one such index.
  for (const name of OLD_INDEXES.commits) await dropIfThere(commits, name);
  await commits.createIndexes([
    { key: { caseRef: 1, firstSeq: 1 }, name: 'case_order' },
    { key: { caseRef: 1, idempotencyKey: 1 }, name: 'idempotency_key', unique: true, partialFilterExpression: { idempotencyKey: { $exists: true } } },
  ]);
  await summaries.createIndexes([
    { key: { participantIds: 1 }, name: 'participants' },
    { key: { escalatingAgencyId: 1 }, name: 'escalating' },
    { key: { receivingAgencyId: 1 }, name: 'receiving' },
    // Both the due-before filter and every query's sort.
    { key: { dueOrder: 1, _id: 1 }, name: 'due' },
  ]);
  await documents.createIndex({ namespace: 1, key: 1 }, { name: 'namespace_key', unique: true });
}

/** Drops an index made by an older version; one that is not there is fine. */
export async function dropIfThere<T extends Document>(collection: Collection<T>, name: string): Promise<void> {
  try {
    await collection.dropIndex(name);
  } catch (e) {
    // IndexNotFound, or NamespaceNotFound on a new database.
    const code = (e as { code?: unknown }).code;
    if (code !== 27 && code !== 26) throw e;
  }
}

/** The query as a filter on summaries; every condition given must hold. */
export function summaryFilter(q: CaseQuery): Filter<SummaryDoc> {
  const and: Filter<SummaryDoc>[] = [];
  if (q.participantId !== undefined) and.push({ participantIds: q.participantId });
  if (q.agencyId !== undefined) and.push({ $or: [{ escalatingAgencyId: q.agencyId }, { receivingAgencyId: q.agencyId }] });
  if (q.phases !== undefined) and.push({ phase: { $in: q.phases } });
  // On the indexed dueOrder: a case with nothing due sorts at the far future, after any instant asked.
  if (q.dueBefore !== undefined) and.push({ dueOrder: { $lte: new Date(q.dueBefore) } });
  // Comparisons match only values of the same type, so a null stage never matches.
  if (q.minStage !== undefined) and.push({ stage: { $gte: q.minStage } });
  return and.length ? { $and: and } : {};
}
