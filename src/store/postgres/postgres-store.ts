/**
 * The store on PostgreSQL (a server through `pg`, or embedded PGlite).
 *
 * An append is one statement: the INSERT of all its events, of its audit anchor
 * (src/app/audit.ts) and the upsert of the case's summary together, so all land or none does.
 * The primary key (case_ref, seq) makes concurrent appends to one case safe: the second writer of
 * a sequence number is refused and reported as a conflict. A unique index on the idempotency key
 * makes a repeated delivery return the events first recorded for it.
 *
 * An anchor's primary key is its place in the partnership-wide chain, so appends of one process
 * take turns at it; those that wait while one is written go together in the next statement (one
 * per case), so the chain costs no throughput. If such a statement is refused, each of its
 * appends is made again alone, so one case's conflict is never another's. An anchor another
 * instance took first fails the statement, which is made again on the new head.
 */
import { randomUUID } from 'node:crypto';
import { auditHasher, keyMismatch, type AuditHasher } from '../../app/audit.js';
import type { CaseSummary } from '../../app/case-summary.js';
import type { AppendOptions, AppendResult, AuditScheme, CaseQuery, CaseSnapshot, EventRange, PutResult, Store, StoredAnchor, StoredEvent } from '../../app/store.js';
import type { CaseEvent } from '../../domain/escalation/events.js';
import { DocumentCache } from './document-cache.js';
import { SummaryCache } from './summary-cache.js';
import { migrate } from './migrations.js';
import { isUniqueViolation, type Sql } from './sql.js';

type Row = { case_ref: string; seq: number; event: CaseEvent | string; idempotency_key: string | null; prev_hash: string | null; hash: string; scheme: AuditScheme };
type AnchorRow = { seq: number; case_ref: string; case_events: number; case_hash: string; prev_mac: string | null; mac: string; scheme: AuditScheme; key_id: string | null };

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/**
 * An event row, its JSON as text (parsed by `json`): PGlite turns a jsonb value into an object far
 * more slowly than JSON.parse does its text (about 2.5 ms against 0.7 ms for the 21 events a card
 * reads), and pg parses either the same way.
 */
const EVENT_ROW = 'case_ref, seq, event::text AS event, idempotency_key, prev_hash, hash, scheme';

const toStored = (r: Row): StoredEvent => ({
  caseRef: r.case_ref,
  seq: r.seq,
  event: json(r.event),
  idempotencyKey: r.idempotency_key,
  prevHash: r.prev_hash,
  hash: r.hash,
  scheme: r.scheme,
});

const toAnchor = (r: AnchorRow): StoredAnchor => ({
  seq: r.seq,
  caseRef: r.case_ref,
  events: r.case_events,
  caseHash: r.case_hash,
  prevMac: r.prev_mac,
  mac: r.mac,
  scheme: r.scheme,
  keyId: r.key_id,
});

type Head = { seq: number; hash: string | null };
const HEADS_KEPT = 10_000;
/** Tries at the anchor chain's head while other instances keep taking it first. */
const ANCHOR_TRIES = 20;
/** Appends written together in one statement at most. */
const BATCH_MAX = 50;

export type PostgresStoreOptions = {
  /** How events and anchors are hashed; plain SHA-256 when omitted (open-store gives the key). */
  hasher?: AuditHasher;
  /**
   * This store is the database's only client (the embedded store as open-store opens it), so it
   * may remember the documents it reads (document-cache.ts). Never for a database another store
   * or process also writes.
   */
  soleClient?: boolean;
};

export async function postgresStore(sql: Sql, kind: 'pglite' | 'postgres', options: PostgresStoreOptions = {}): Promise<Store> {
  await migrate(sql);
  const hasher = options.hasher ?? auditHasher();

  // The anchor chain's head as this process last wrote or read it (undefined: read it again).
  let anchorHead: StoredAnchor | null | undefined;
  const readAnchorHead = async () => {
    const row = (await sql.query<AnchorRow>('SELECT * FROM audit_anchors ORDER BY seq DESC LIMIT 1')).rows[0];
    const head = row ? toAnchor(row) : null;
    // Never extend a keyed chain without its key: every record after would fail verification.
    const problem = head && keyMismatch(head, hasher);
    if (problem) throw new Error(`cannot record: ${problem}`);
    return head;
  };
  const nextAnchor = async (caseRef: string, events: number, caseHash: string): Promise<StoredAnchor> => {
    anchorHead ??= await readAnchorHead();
    const fields = { seq: (anchorHead?.seq ?? 0) + 1, caseRef, events, caseHash, prevMac: anchorHead?.mac ?? null, keyId: hasher.keyId };
    return { ...fields, mac: hasher.anchorMac(fields), scheme: hasher.scheme };
  };
  const anchorInsert = (a: StoredAnchor, p: (v: unknown) => string) =>
    `INSERT INTO audit_anchors (seq, case_ref, case_events, case_hash, prev_mac, mac, scheme, key_id)
     VALUES (${p(a.seq)}::integer, ${p(a.caseRef)}, ${p(a.events)}::integer, ${p(a.caseHash)}, ${p(a.prevMac)}, ${p(a.mac)}, ${p(a.scheme)}, ${p(a.keyId)})`;
  const anchorTaken = (e: unknown) => isUniqueViolation(e) && e.constraint === 'audit_anchors_pkey';

  // Writers of this process take turns at the anchor chain, so they never race each other for it.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const run = turn.then(work, work);
    turn = run.catch(() => undefined);
    return run;
  };

  // The last event of recently used cases, so an append after a load (the app always loads a
  // case before deciding) skips re-reading it. A stale entry is harmless: the primary key
  // refuses a sequence number someone else has taken, and the entry is dropped.
  const heads = new Map<string, Head>();
  const remember = (caseRef: string, head: Head) => {
    heads.delete(caseRef);
    heads.set(caseRef, head);
    if (heads.size > HEADS_KEPT) heads.delete(heads.keys().next().value!);
  };

  // Documents as last read, for the database's only client: see document-cache.ts.
  const docs = options.soleClient ? new DocumentCache() : null;
  const writeDocument = <T>(namespace: string, key: string, work: () => Promise<T>) => (docs ? docs.write(namespace, key, work) : work());
  // Answers to summary queries as last read, for the database's only client: see summary-cache.ts.
  const summaries = options.soleClient ? new SummaryCache() : null;

  const byKey = async (caseRef: string, key: string) =>
    (await sql.query<Row>(`SELECT ${EVENT_ROW} FROM case_events WHERE case_ref = $1 AND idempotency_key = $2 ORDER BY seq`, [caseRef, key])).rows.map(toStored);

  /** What an append can tell before writing: its answer (a repeat, a conflict, nothing to do), or the case's head. */
  const precheck = async (caseRef: string, expectedVersion: number, events: CaseEvent[], idempotencyKey: string | undefined): Promise<AppendResult | Head> => {
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
    if (head.seq !== expectedVersion) return { ok: false, conflict: true, message: `case ${caseRef} is at version ${head.seq}, not ${expectedVersion}` };
    if (events.length === 0) return { ok: true, stored: [], duplicate: false };
    return head;
  };

  type Job = { caseRef: string; expectedVersion: number; events: CaseEvent[]; options: AppendOptions };
  type Part = { stored: StoredEvent[]; summary: CaseSummary | undefined };
  const chain = (job: Job, head: Head): Part => {
    let prev = head.hash;
    const stored = job.events.map((event, i): StoredEvent => {
      const seq = job.expectedVersion + i + 1;
      const hash = hasher.eventHash(prev, job.caseRef, seq, event);
      const s: StoredEvent = { caseRef: job.caseRef, seq, event, idempotencyKey: job.options.idempotencyKey ?? null, prevHash: prev, hash, scheme: hasher.scheme };
      prev = hash;
      return s;
    });
    return { stored, summary: job.options.summary };
  };

  /**
   * Writes appends to different cases in one statement, with one anchor each in turn: one data-
   * modifying WITH runs whole or not at all, so every case's events, anchor and summary land
   * together. A summary only replaces an older one. Another instance's anchor first: again on
   * the new head.
   */
  const write = async (parts: Part[]) => {
    for (let tries = 1; ; tries++) {
      anchorHead ??= await readAnchorHead();
      let prevAnchor = anchorHead;
      const anchors = parts.map(({ stored }) => {
        const last = stored.at(-1)!;
        const fields = { seq: (prevAnchor?.seq ?? 0) + 1, caseRef: last.caseRef, events: last.seq, caseHash: last.hash, prevMac: prevAnchor?.mac ?? null, keyId: hasher.keyId };
        prevAnchor = { ...fields, mac: hasher.anchorMac(fields), scheme: hasher.scheme };
        return prevAnchor;
      });
      const params: unknown[] = [];
      const p = (v: unknown) => `$${params.push(v)}`;
      const ctes = parts.flatMap(({ stored, summary }, i) => {
        const values = stored.map(
          (s) => `(${p(s.caseRef)}, ${p(s.seq)}, ${p(s.event.type)}, ${p(s.event.at)}, ${p(JSON.stringify(s.event))}::jsonb, ${p(s.idempotencyKey)}, ${p(s.prevHash)}, ${p(s.hash)}, ${p(s.scheme)})`,
        );
        const events = `e${i} AS (INSERT INTO case_events (case_ref, seq, type, at, event, idempotency_key, prev_hash, hash, scheme) VALUES ${values.join(', ')} RETURNING 1)`;
        if (!summary) return [events];
        return [
          events,
          `s${i} AS (INSERT INTO case_summaries (case_ref, version, phase, stage, escalating_agency, receiving_agency, participant_ids, next_due, summary)
           SELECT ${p(summary.ref)}, ${p(summary.version)}, ${p(summary.phase)}, ${p(summary.stage)}::integer, ${p(summary.escalatingAgencyId)}, ${p(summary.receivingAgencyId)},
                  ${p(summary.participantIds)}::text[], ${p(summary.nextDue)}::timestamptz, ${p(JSON.stringify(summary))}::jsonb
           WHERE EXISTS (SELECT 1 FROM e${i})
           ON CONFLICT (case_ref) DO UPDATE SET version = EXCLUDED.version, phase = EXCLUDED.phase, stage = EXCLUDED.stage,
             escalating_agency = EXCLUDED.escalating_agency, receiving_agency = EXCLUDED.receiving_agency,
             participant_ids = EXCLUDED.participant_ids, next_due = EXCLUDED.next_due, summary = EXCLUDED.summary
           WHERE case_summaries.version < EXCLUDED.version)`,
        ];
      });
      const anchorRows = anchors.map((a) => `(${p(a.seq)}::integer, ${p(a.caseRef)}, ${p(a.events)}::integer, ${p(a.caseHash)}, ${p(a.prevMac)}, ${p(a.mac)}, ${p(a.scheme)}, ${p(a.keyId)})`);
      const text = `WITH ${ctes.join(',\n')},
        anchored AS (INSERT INTO audit_anchors (seq, case_ref, case_events, case_hash, prev_mac, mac, scheme, key_id) VALUES ${anchorRows.join(', ')} RETURNING 1)
        SELECT 1`;
      try {
        await sql.query(text, params);
      } catch (e) {
        anchorHead = undefined;
        if (anchorTaken(e) && tries < ANCHOR_TRIES) continue;
        throw e;
      }
      anchorHead = prevAnchor;
      for (const { stored } of parts) remember(stored[0]!.caseRef, { seq: stored.at(-1)!.seq, hash: stored.at(-1)!.hash });
      return;
    }
  };

  /** One append on its own: the way back when appends written together were refused. */
  const appendAlone = async (job: Job): Promise<AppendResult> => {
    const { caseRef, options } = job;
    const pre = await precheck(caseRef, job.expectedVersion, job.events, options.idempotencyKey);
    if ('ok' in pre) return pre;
    const part = chain(job, pre);
    try {
      await write([part]);
    } catch (e) {
      heads.delete(caseRef);
      if (!isUniqueViolation(e)) throw e;
      // Someone else appended first: the same action again (idempotency key) or another one.
      if (options.idempotencyKey) {
        const seen = await byKey(caseRef, options.idempotencyKey);
        if (seen.length) return { ok: true, stored: seen, duplicate: true };
      }
      return { ok: false, conflict: true, message: `case ${caseRef} changed while this was being recorded` };
    }
    return { ok: true, stored: part.stored, duplicate: false };
  };

  // Appends of this process take turns at the anchor chain, so they never race each other for
  // it; those that wait while one is written go together in the next turn (one case each), so
  // the chain does not make them wait in line one statement at a time.
  type Waiting = Job & { resolve: (r: AppendResult) => void; reject: (e: unknown) => void };
  let waiting: Waiting[] = [];
  let flushing = false;
  const settle = (job: Waiting, result: Promise<AppendResult>) => result.then(job.resolve, job.reject);
  const flush = async () => {
    flushing = false;
    const batch: Waiting[] = [];
    const later: Waiting[] = [];
    for (const job of waiting) (batch.length < BATCH_MAX && !batch.some((b) => b.caseRef === job.caseRef) ? batch : later).push(job);
    waiting = later;
    if (waiting.length) schedule();
    try {
      // Each part from the head its precheck saw; a case that moved since is checked again alone.
      const ready = batch.filter((job) => heads.get(job.caseRef)?.seq === job.expectedVersion);
      const parts = ready.map((job) => chain(job, heads.get(job.caseRef)!));
      try {
        if (parts.length) await write(parts);
        ready.forEach((job, i) => job.resolve({ ok: true, stored: parts[i]!.stored, duplicate: false }));
      } catch {
        // One case's conflict or repeat must not be another's: each again on its own, from the
        // database's view of the case rather than this process's.
        for (const job of ready) heads.delete(job.caseRef);
        for (const job of ready) await settle(job, appendAlone(job));
      }
      for (const job of batch.filter((j) => !ready.includes(j))) await settle(job, appendAlone(job));
    } catch (e) {
      // Settled jobs ignore this; none is left waiting for good.
      for (const job of batch) job.reject(e);
    }
  };
  const schedule = () => {
    if (flushing) return;
    flushing = true;
    void inTurn(flush);
  };

  return {
    kind,
    soleClient: options.soleClient === true,
    append(caseRef, expectedVersion, events, options = {}) {
      const append = async () => {
        const pre = await precheck(caseRef, expectedVersion, events, options.idempotencyKey);
        if ('ok' in pre) return pre;
        return new Promise<AppendResult>((resolve, reject) => {
          waiting.push({ caseRef, expectedVersion, events, options, resolve, reject });
          schedule();
        });
      };
      return summaries ? summaries.append(append) : append();
    },

    anchors: async () => (await sql.query<AnchorRow>('SELECT * FROM audit_anchors ORDER BY seq')).rows.map(toAnchor),

    anchorCase: (caseRef) =>
      inTurn(async () => {
        for (let tries = 1; ; tries++) {
          const last = (await sql.query<{ seq: number; hash: string }>('SELECT seq, hash FROM case_events WHERE case_ref = $1 ORDER BY seq DESC LIMIT 1', [caseRef])).rows[0];
          if (!last) return null;
          const anchor = await nextAnchor(caseRef, last.seq, last.hash);
          const params: unknown[] = [];
          try {
            await sql.query(anchorInsert(anchor, (v) => `$${params.push(v)}`), params);
          } catch (e) {
            anchorHead = undefined;
            if (anchorTaken(e) && tries < ANCHOR_TRIES) continue;
            throw e;
          }
          anchorHead = anchor;
          return anchor;
        }
      }),

    async load(caseRef, range: EventRange = {}) {
      const params: unknown[] = [caseRef];
      const p = (v: unknown) => `$${params.push(v)}`;
      const where = ['case_ref = $1'];
      if (range.after !== undefined) where.push(`seq > ${p(range.after)}::integer`);
      if (range.upTo !== undefined) where.push(`seq <= ${p(range.upTo)}::integer`);
      const rows =
        range.last === undefined
          ? (await sql.query<Row>(`SELECT ${EVENT_ROW} FROM case_events WHERE ${where.join(' AND ')} ORDER BY seq`, params)).rows
          : (await sql.query<Row>(`SELECT ${EVENT_ROW} FROM case_events WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ${p(range.last)}::integer`, params)).rows.reverse();
      const stored = rows.map(toStored);
      // The case's head, when what was read reaches it (an append after a load then skips reading it).
      const last = stored.at(-1);
      if (last && range.upTo === undefined) remember(caseRef, { seq: last.seq, hash: last.hash });
      return stored;
    },

    async snapshot(caseRef, fold) {
      const { rows } = await sql.query<{ version: number; hash: string; state: unknown }>('SELECT version, hash, state::text AS state FROM case_snapshots WHERE case_ref = $1 AND fold = $2', [caseRef, fold]);
      const row = rows[0];
      return row ? { version: row.version, hash: row.hash, fold, state: json(row.state) } : null;
    },

    async saveSnapshot(caseRef, s: CaseSnapshot) {
      await sql.query(
        `INSERT INTO case_snapshots (case_ref, fold, version, hash, state) VALUES ($1, $2::integer, $3::integer, $4, $5::jsonb)
         ON CONFLICT (case_ref, fold) DO UPDATE SET version = EXCLUDED.version, hash = EXCLUDED.hash, state = EXCLUDED.state, updated_at = now()`,
        [caseRef, s.fold, s.version, s.hash, JSON.stringify(s.state)],
      );
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
      const read = async () =>
        (
          await sql.query<{ summary: string }>(
            `SELECT summary::text AS summary FROM case_summaries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY next_due ASC NULLS LAST, case_ref${limit}`,
            params,
          )
        ).rows.map((r) => r.summary);
      const texts = summaries ? await summaries.find(q, read) : await read();
      return texts.map((t) => json<CaseSummary>(t));
    },

    async getDocument<T>(namespace: string, key: string) {
      const read = async () => {
        // As text, parsed here: a driver hands jsonb back parsed, and a document that is itself a
        // string would otherwise be indistinguishable from JSON text still to parse.
        const { rows } = await sql.query<{ value: string; etag: string }>('SELECT value::text AS value, etag FROM documents WHERE namespace = $1 AND key = $2', [namespace, key]);
        return rows[0] ? { text: rows[0].value, etag: rows[0].etag } : null;
      };
      const known = docs?.get(namespace, key);
      const doc = known !== undefined ? known : docs ? await docs.read(namespace, key, read) : await read();
      return doc ? { value: JSON.parse(doc.text) as T, etag: doc.etag } : null;
    },

    putDocument: (namespace, key, value, expectedEtag) => writeDocument(namespace, key, () => putDocument(namespace, key, value, expectedEtag)),

    deleteDocument: (namespace, key) =>
      writeDocument(namespace, key, async () => void (await sql.query('DELETE FROM documents WHERE namespace = $1 AND key = $2', [namespace, key]))),

    ping: async () => void (await sql.query('SELECT 1')),
    close: () => sql.close(),
  };

  async function putDocument(namespace: string, key: string, value: unknown, expectedEtag: string | null | undefined): Promise<PutResult> {
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
  }
}
