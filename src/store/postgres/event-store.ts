/**
 * The event store on PostgreSQL (a server through `pg`, or embedded PGlite).
 *
 * An append is one INSERT of all its rows, so it lands whole or not at all. The primary key
 * (case_ref, seq) makes concurrent appends to one case safe: the second writer of a sequence
 * number is refused and reported as a conflict. A unique index on the idempotency key makes a
 * repeated delivery return the events first recorded for it.
 */
import { eventHash } from '../../app/audit.js';
import type { AppendResult, EventStore, StoredEvent } from '../../app/event-store.js';
import type { CaseEvent } from '../../domain/escalation/events.js';
import { migrate } from './migrations.js';
import { isUniqueViolation, type Sql } from './sql.js';

type Row = { case_ref: string; seq: number; event: CaseEvent | string; idempotency_key: string | null; prev_hash: string | null; hash: string };

const toStored = (r: Row): StoredEvent => ({
  caseRef: r.case_ref,
  seq: r.seq,
  event: typeof r.event === 'string' ? (JSON.parse(r.event) as CaseEvent) : r.event,
  idempotencyKey: r.idempotency_key,
  prevHash: r.prev_hash,
  hash: r.hash,
});

export async function postgresEventStore(sql: Sql, kind: 'pglite' | 'postgres'): Promise<EventStore> {
  await migrate(sql);

  const byKey = async (caseRef: string, key: string) =>
    (await sql.query<Row>('SELECT * FROM case_events WHERE case_ref = $1 AND idempotency_key = $2 ORDER BY seq', [caseRef, key])).rows.map(toStored);

  return {
    kind,
    async append(caseRef, expectedVersion, events, idempotencyKey): Promise<AppendResult> {
      if (idempotencyKey) {
        const seen = await byKey(caseRef, idempotencyKey);
        if (seen.length) return { ok: true, stored: seen, duplicate: true };
      }
      const last = await sql.query<{ seq: number; hash: string }>('SELECT seq, hash FROM case_events WHERE case_ref = $1 ORDER BY seq DESC LIMIT 1', [caseRef]);
      const version = last.rows[0]?.seq ?? 0;
      if (version !== expectedVersion) {
        return { ok: false, conflict: true, message: `case ${caseRef} is at version ${version}, not ${expectedVersion}` };
      }
      if (events.length === 0) return { ok: true, stored: [], duplicate: false };
      let prev = last.rows[0]?.hash ?? null;
      const stored: StoredEvent[] = events.map((event, i) => {
        const seq = expectedVersion + i + 1;
        const hash = eventHash(prev, caseRef, seq, event);
        const s: StoredEvent = { caseRef, seq, event, idempotencyKey: idempotencyKey ?? null, prevHash: prev, hash };
        prev = hash;
        return s;
      });
      const params: unknown[] = [];
      const values = stored.map((s) => {
        params.push(s.caseRef, s.seq, s.event.type, s.event.at, JSON.stringify(s.event), s.idempotencyKey, s.prevHash, s.hash);
        const n = params.length;
        return `($${n - 7}, $${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}::jsonb, $${n - 2}, $${n - 1}, $${n})`;
      });
      try {
        await sql.query(`INSERT INTO case_events (case_ref, seq, type, at, event, idempotency_key, prev_hash, hash) VALUES ${values.join(', ')}`, params);
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        // Someone else appended first: the same action again (idempotency key) or another one.
        if (idempotencyKey) {
          const seen = await byKey(caseRef, idempotencyKey);
          if (seen.length) return { ok: true, stored: seen, duplicate: true };
        }
        return { ok: false, conflict: true, message: `case ${caseRef} changed while this was being recorded` };
      }
      return { ok: true, stored, duplicate: false };
    },
    async load(caseRef) {
      return (await sql.query<Row>('SELECT * FROM case_events WHERE case_ref = $1 ORDER BY seq', [caseRef])).rows.map(toStored);
    },
    recordedWith: byKey,
    async caseRefs() {
      return (await sql.query<{ case_ref: string }>('SELECT DISTINCT case_ref FROM case_events ORDER BY case_ref')).rows.map((r) => r.case_ref);
    },
    close: () => sql.close(),
  };
}
