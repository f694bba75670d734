/**
 * The store on PostgreSQL (a server through `pg`, or embedded PGlite).
 *
 * An append is one statement: the INSERT of all its events and the upsert of the case's summary
 * together, so both land or neither does. The primary key (case_ref, seq) makes concurrent
 * appends to one case safe: the second writer of a sequence number is refused and reported as a
 * conflict. A unique index on the idempotency key makes a repeated delivery return the events
 * first recorded for it.
 */
import { randomUUID } from 'node:crypto';
import { eventHash } from '../../app/audit.js';
import type { CaseSummary } from '../../app/case-summary.js';
import type { AppendResult, CaseQuery, Store, StoredEvent } from '../../app/store.js';
import type { CaseEvent } from '../../domain/escalation/events.js';
import { migrate } from './migrations.js';
import { isUniqueViolation, type Sql } from './sql.js';

type Row = { case_ref: string; seq: number; event: CaseEvent | string; idempotency_key: string | null; prev_hash: string | null; hash: string };

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

const toStored = (r: Row): StoredEvent => ({
  caseRef: r.case_ref,
  seq: r.seq,
  event: json(r.event),
  idempotencyKey: r.idempotency_key,
  prevHash: r.prev_hash,
  hash: r.hash,
});

type Head = { seq: number; hash: string | null };
const HEADS_KEPT = 10_000;

export async function postgresStore(sql: Sql, kind: 'pglite' | 'postgres'): Promise<Store> {
  await migrate(sql);

  // The last event of recently used cases, so an append after a load (the app always loads a
  // case before deciding) skips re-reading it. A stale entry is harmless: the primary key
  // refuses a sequence number someone else has taken, and the entry is dropped.
  const heads = new Map<string, Head>();
  const remember = (caseRef: string, head: Head) => {
    heads.delete(caseRef);
    heads.set(caseRef, head);
    if (heads.size > HEADS_KEPT) heads.delete(heads.keys().next().value!);
  };

  const byKey = async (caseRef: string, key: string) =>
    (await sql.query<Row>('SELECT * FROM case_events WHERE case_ref = $1 AND idempotency_key = $2 ORDER BY seq', [caseRef, key])).rows.map(toStored);

  return {
    kind,
    async append(caseRef, expectedVersion, events, options = {}): Promise<AppendResult> {
      const { idempotencyKey, summary } = options;
      if (idempotencyKey) {
        const seen = await byKey(caseRef, idempotencyKey);
        if (seen.length) return { ok: true, stored: seen, duplicate: true };
      }
      let head = heads.get(caseRef);
      if (head?.seq !== expectedVersion) {
        const last = await sql.query<{ seq: number; hash: string }>('SELECT seq, hash FROM case_events WHERE case_ref = $1 ORDER BY seq DESC LIMIT 1', [caseRef]);
        head = { seq: last.rows[0]?.seq ?? 0, hash: last.rows[0]?.hash ?? null };
        remember(caseRef, head);
      }
      if (head.seq !== expectedVersion) {
        return { ok: false, conflict: true, message: `case ${caseRef} is at version ${head.seq}, not ${expectedVersion}` };
      }
      if (events.length === 0) return { ok: true, stored: [], duplicate: false };
      let prev = head.hash;
      const stored: StoredEvent[] = events.map((event, i) => {
        const seq = expectedVersion + i + 1;
        const hash = eventHash(prev, caseRef, seq, event);
        const s: StoredEvent = { caseRef, seq, event, idempotencyKey: idempotencyKey ?? null, prevHash: prev, hash };
        prev = hash;
        return s;
      });
      const params: unknown[] = [];
      const p = (v: unknown) => `$${params.push(v)}`;
      const values = stored.map(
        (s) => `(${p(s.caseRef)}, ${p(s.seq)}, ${p(s.event.type)}, ${p(s.event.at)}, ${p(JSON.stringify(s.event))}::jsonb, ${p(s.idempotencyKey)}, ${p(s.prevHash)}, ${p(s.hash)})`,
      );
      const insert = `INSERT INTO case_events (case_ref, seq, type, at, event, idempotency_key, prev_hash, hash) VALUES ${values.join(', ')}`;
      // A data-modifying WITH runs whole or not at all, so the summary never runs ahead of or
      // behind the events; it only replaces an older summary.
      const text = summary
        ? `WITH inserted AS (${insert} RETURNING 1)
           INSERT INTO case_summaries (case_ref, version, phase, stage, escalating_agency, receiving_agency, participant_ids, next_due, summary)
           SELECT ${p(summary.ref)}, ${p(summary.version)}, ${p(summary.phase)}, ${p(summary.stage)}::integer, ${p(summary.escalatingAgencyId)}, ${p(summary.receivingAgencyId)},
                  ${p(summary.participantIds)}::text[], ${p(summary.nextDue)}::timestamptz, ${p(JSON.stringify(summary))}::jsonb
           WHERE EXISTS (SELECT 1 FROM inserted)
           ON CONFLICT (case_ref) DO UPDATE SET version = EXCLUDED.version, phase = EXCLUDED.phase, stage = EXCLUDED.stage,
             escalating_agency = EXCLUDED.escalating_agency, receiving_agency = EXCLUDED.receiving_agency,
             participant_ids = EXCLUDED.participant_ids, next_due = EXCLUDED.next_due, summary = EXCLUDED.summary
           WHERE case_summaries.version < EXCLUDED.version`
        : insert;
      try {
        await sql.query(text, params);
      } catch (e) {
        heads.delete(caseRef);
        if (!isUniqueViolation(e)) throw e;
        // Someone else appended first: the same action again (idempotency key) or another one.
        if (idempotencyKey) {
          const seen = await byKey(caseRef, idempotencyKey);
          if (seen.length) return { ok: true, stored: seen, duplicate: true };
        }
        return { ok: false, conflict: true, message: `case ${caseRef} changed while this was being recorded` };
      }
      remember(caseRef, { seq: stored.at(-1)!.seq, hash: stored.at(-1)!.hash });
      return { ok: true, stored, duplicate: false };
    },

    async load(caseRef) {
      const stored = (await sql.query<Row>('SELECT * FROM case_events WHERE case_ref = $1 ORDER BY seq', [caseRef])).rows.map(toStored);
      const last = stored.at(-1);
      if (last) remember(caseRef, { seq: last.seq, hash: last.hash });
      return stored;
    },

    recordedWith: byKey,

    async caseRefs() {
      return (await sql.query<{ case_ref: string }>('SELECT DISTINCT case_ref FROM case_events ORDER BY case_ref')).rows.map((r) => r.case_ref);
    },

    async findCases(q: CaseQuery) {
      const params: unknown[] = [];
      const p = (v: unknown) => `$${params.push(v)}`;
      const where: string[] = [];
      if (q.participantId !== undefined) where.push(`participant_ids @> ARRAY[${p(q.participantId)}]::text[]`);
      if (q.agencyId !== undefined) where.push(`(escalating_agency = ${p(q.agencyId)} OR receiving_agency = $${params.length})`);
      if (q.phases !== undefined) where.push(`phase = ANY(${p(q.phases)}::text[])`);
      if (q.dueBefore !== undefined) where.push(`next_due <= ${p(q.dueBefore)}::timestamptz`);
      if (q.minStage !== undefined) where.push(`stage >= ${p(q.minStage)}::integer`);
      const limit = q.limit !== undefined ? ` LIMIT ${p(q.limit)}::integer` : '';
      const { rows } = await sql.query<{ summary: CaseSummary | string }>(
        `SELECT summary FROM case_summaries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY next_due ASC NULLS LAST, case_ref${limit}`,
        params,
      );
      return rows.map((r) => json(r.summary));
    },

    async getDocument<T>(namespace: string, key: string) {
      // As text, parsed here: a driver hands jsonb back parsed, and a document that is itself a
      // string would otherwise be indistinguishable from JSON text still to parse.
      const { rows } = await sql.query<{ value: string; etag: string }>('SELECT value::text AS value, etag FROM documents WHERE namespace = $1 AND key = $2', [namespace, key]);
      const row = rows[0];
      return row ? { value: JSON.parse(row.value) as T, etag: row.etag } : null;
    },

    async putDocument(namespace, key, value, expectedEtag) {
      const etag = randomUUID();
      const v = JSON.stringify(value);
      if (expectedEtag === undefined) {
        await sql.query(
          `INSERT INTO documents (namespace, key, value, etag) VALUES ($1, $2, $3::jsonb, $4)
           ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value, etag = EXCLUDED.etag, updated_at = now()`,
          [namespace, key, v, etag],
        );
        return { ok: true, etag };
      }
      if (expectedEtag === null) {
        const { rows } = await sql.query(
          'INSERT INTO documents (namespace, key, value, etag) VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (namespace, key) DO NOTHING RETURNING etag',
          [namespace, key, v, etag],
        );
        return rows.length ? { ok: true, etag } : { ok: false, conflict: true };
      }
      const { rows } = await sql.query(
        'UPDATE documents SET value = $3::jsonb, etag = $4, updated_at = now() WHERE namespace = $1 AND key = $2 AND etag = $5 RETURNING etag',
        [namespace, key, v, etag, expectedEtag],
      );
      return rows.length ? { ok: true, etag } : { ok: false, conflict: true };
    },

    async deleteDocument(namespace, key) {
      await sql.query('DELETE FROM documents WHERE namespace = $1 AND key = $2', [namespace, key]);
    },

    ping: async () => void (await sql.query('SELECT 1')),
    close: () => sql.close(),
  };
}
