/**
 * The store on MongoDB (>= 6, Atlas, Azure Cosmos DB for MongoDB vCore), through the official
 * driver. It needs no multi-document transactions, so it works on a standalone server too.
 *
 * An append is one document, a "commit" holding all its events, whose _id is the case reference
 * and the first sequence number it takes: inserting one document is atomic, and a second writer
 * of the same sequence number is refused by the _id, which is our conflict. A unique index on
 * (caseRef, idempotencyKey) makes a repeated delivery return the events first recorded for it.
 *
 * The case summary is written just after its commit (only ever replacing an older one). Without
 * a transaction, a crash between the two leaves the summary one change behind; the events are
 * whole, and the case's next change writes a summary from all of them.
 */
import { randomUUID } from 'node:crypto';
import type { Collection, Db, Filter } from 'mongodb';
import { eventHash } from '../../app/audit.js';
import type { CaseSummary } from '../../app/case-summary.js';
import type { AppendResult, CaseQuery, Store, StoredEvent } from '../../app/store.js';
import type { CaseEvent } from '../../domain/escalation/events.js';

type CommitEvent = { seq: number; event: CaseEvent; prevHash: string | null; hash: string };
export type CommitDoc = {
  _id: string;
  caseRef: string;
  firstSeq: number;
  lastSeq: number;
  idempotencyKey: string | null;
  events: CommitEvent[];
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
  nextDue: Date | null;
  /** nextDue, or the far future, so a plain ascending sort puts cases with nothing due last. */
  dueOrder: Date;
  summary: CaseSummary;
};
type Doc = { _id: string; namespace: string; key: string; value: unknown; etag: string; updatedAt: Date };

export const COLLECTIONS = { commits: 'case_commits', summaries: 'case_summaries', documents: 'documents' } as const;

const FAR_FUTURE = new Date(8.64e15);

/** JSON's own shape: the driver would store an undefined field as null, which changes the hash. */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const isDuplicateKey = (e: unknown) => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 11000;

const toStored = (c: CommitDoc): StoredEvent[] =>
  c.events.map((e) => ({ caseRef: c.caseRef, seq: e.seq, event: e.event, idempotencyKey: c.idempotencyKey, prevHash: e.prevHash, hash: e.hash }));

/** Creates the indexes (idempotent) and returns the store; `close` closes the client. */
export async function mongoStore(db: Db, close: () => Promise<void>): Promise<Store> {
  const commits: Collection<CommitDoc> = db.collection(COLLECTIONS.commits);
  const summaries: Collection<SummaryDoc> = db.collection(COLLECTIONS.summaries);
  const documents: Collection<Doc> = db.collection(COLLECTIONS.documents);
  await commits.createIndexes([
    { key: { caseRef: 1, firstSeq: 1 }, name: 'case_order' },
    { key: { caseRef: 1, idempotencyKey: 1 }, name: 'idempotency', unique: true, partialFilterExpression: { idempotencyKey: { $type: 'string' } } },
  ]);
  await summaries.createIndexes([
    { key: { participantIds: 1 }, name: 'participants' },
    { key: { escalatingAgencyId: 1 }, name: 'escalating' },
    { key: { receivingAgencyId: 1 }, name: 'receiving' },
    { key: { dueOrder: 1, _id: 1 }, name: 'due' },
  ]);
  await documents.createIndex({ namespace: 1, key: 1 }, { name: 'namespace_key', unique: true });

  const byKey = async (caseRef: string, key: string) => {
    const c = await commits.findOne({ caseRef, idempotencyKey: key });
    return c ? toStored(c) : [];
  };

  const writeSummary = async (s: CaseSummary) => {
    const doc: Omit<SummaryDoc, '_id'> = {
      version: s.version,
      phase: s.phase,
      stage: s.stage,
      escalatingAgencyId: s.escalatingAgencyId,
      receivingAgencyId: s.receivingAgencyId,
      participantIds: s.participantIds,
      nextDue: s.nextDue ? new Date(s.nextDue) : null,
      dueOrder: s.nextDue ? new Date(s.nextDue) : FAR_FUTURE,
      summary: plain(s),
    };
    try {
      await summaries.updateOne({ _id: s.ref, version: { $lt: s.version } }, { $set: doc }, { upsert: true });
    } catch (e) {
      // The summary is already at this version or newer: the upsert's insert met the _id.
      if (!isDuplicateKey(e)) throw e;
    }
  };

  return {
    kind: 'mongodb',
    async append(caseRef, expectedVersion, events, options = {}): Promise<AppendResult> {
      const { idempotencyKey, summary } = options;
      if (idempotencyKey) {
        const seen = await byKey(caseRef, idempotencyKey);
        if (seen.length) return { ok: true, stored: seen, duplicate: true };
      }
      const last = await commits.find({ caseRef }, { projection: { lastSeq: 1, events: { $slice: -1 } } }).sort({ firstSeq: -1 }).limit(1).next();
      const version = last?.lastSeq ?? 0;
      if (version !== expectedVersion) {
        return { ok: false, conflict: true, message: `case ${caseRef} is at version ${version}, not ${expectedVersion}` };
      }
      if (events.length === 0) return { ok: true, stored: [], duplicate: false };
      let prev = last?.events.at(-1)?.hash ?? null;
      const stored: StoredEvent[] = events.map((e, i) => {
        const seq = expectedVersion + i + 1;
        const event = plain(e);
        const hash = eventHash(prev, caseRef, seq, event);
        const s: StoredEvent = { caseRef, seq, event, idempotencyKey: idempotencyKey ?? null, prevHash: prev, hash };
        prev = hash;
        return s;
      });
      const firstSeq = expectedVersion + 1;
      try {
        await commits.insertOne({
          _id: `${caseRef}#${firstSeq}`,
          caseRef,
          firstSeq,
          lastSeq: expectedVersion + events.length,
          idempotencyKey: idempotencyKey ?? null,
          events: stored.map(({ seq, event, prevHash, hash }) => ({ seq, event, prevHash, hash })),
          recordedAt: new Date(),
        });
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        // Someone else appended first: the same action again (idempotency key) or another one.
        if (idempotencyKey) {
          const seen = await byKey(caseRef, idempotencyKey);
          if (seen.length) return { ok: true, stored: seen, duplicate: true };
        }
        return { ok: false, conflict: true, message: `case ${caseRef} changed while this was being recorded` };
      }
      if (summary) await writeSummary(summary);
      return { ok: true, stored, duplicate: false };
    },

    async load(caseRef) {
      return (await commits.find({ caseRef }).sort({ firstSeq: 1 }).toArray()).flatMap(toStored);
    },

    recordedWith: byKey,

    async caseRefs() {
      return ((await commits.distinct('caseRef')) as string[]).sort();
    },

    async findCases(q: CaseQuery) {
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
    close,
  };
}

/** The query as a filter on summaries; every condition given must hold. */
export function summaryFilter(q: CaseQuery): Filter<SummaryDoc> {
  const and: Filter<SummaryDoc>[] = [];
  if (q.participantId !== undefined) and.push({ participantIds: q.participantId });
  if (q.agencyId !== undefined) and.push({ $or: [{ escalatingAgencyId: q.agencyId }, { receivingAgencyId: q.agencyId }] });
  if (q.phases !== undefined) and.push({ phase: { $in: q.phases } });
  // Comparisons match only values of the same type, so a null nextDue or stage never matches.
  if (q.dueBefore !== undefined) and.push({ nextDue: { $lte: new Date(q.dueBefore) } });
  if (q.minStage !== undefined) and.push({ stage: { $gte: q.minStage } });
  return and.length ? { $and: and } : {};
}
