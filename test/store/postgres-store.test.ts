/**
 * The contract on embedded PGlite (always; each store on a fresh schema of the file's PGlite, see
 * test/support/pglite.ts) and on a PostgreSQL server (when TEST_POSTGRES_URL is set).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { postgresStore } from '../../src/store/postgres/postgres-store.js';
import { openPool, type Sql } from '../../src/store/postgres/sql.js';
import { freshPglite } from '../support/pglite.js';
import { auditHasher, verifyAudit, verifyChain, type AuditHasher } from '../../src/app/audit.js';
import { KEY, message, storeContract, summary, type Harness } from './store-contract.js';

/** A store on `sql`, and the database edited behind its back. */
const harness = async (sql: Sql, kind: 'pglite' | 'postgres', hasher?: AuditHasher): Promise<Harness> => ({
  // The embedded store as open-store opens it: its database's only client, remembering documents.
  store: await postgresStore(sql, kind, { ...(hasher ? { hasher } : {}), soleClient: kind === 'pglite' }),
  reopen: (other) => postgresStore(sql, kind, { hasher: other }),
  tamper: async (caseRef, seq, text) => {
    await sql.query(`UPDATE case_events SET event = jsonb_set(event, '{data,text}', to_jsonb($3::text)) WHERE case_ref = $1 AND seq = $2`, [caseRef, seq, text]);
  },
  deleteEvents: async (caseRef, fromSeq) => {
    await sql.query('DELETE FROM case_events WHERE case_ref = $1 AND seq >= $2', [caseRef, fromSeq]);
  },
  deleteAnchors: async ({ caseRef, fromSeq }) => {
    await sql.query('DELETE FROM audit_anchors WHERE ($1::text IS NULL OR case_ref = $1) AND seq >= $2', [caseRef ?? null, fromSeq ?? 1]);
  },
  replaceEvent: async (s) => {
    await sql.query('UPDATE case_events SET event = $3::jsonb, prev_hash = $4, hash = $5, scheme = $6 WHERE case_ref = $1 AND seq = $2', [s.caseRef, s.seq, JSON.stringify(s.event), s.prevHash, s.hash, s.scheme]);
  },
});

storeContract('PGlite (embedded)', async (hasher) => harness(await freshPglite(), 'pglite', hasher));

describe('an installation recorded before anchors (migration 3)', () => {
  it('keeps its events as plain SHA-256, names its cases unanchored, and verifies once they are sealed and keyed appends follow', async () => {
    const sql = await freshPglite();
    const before = await postgresStore(sql, 'pglite');
    await before.append('RES-OLD', 0, [message(1), message(2)]);
    // Back to the schema before migration 3, with the rows it held.
    await sql.exec(`DROP TABLE audit_anchors; ALTER TABLE case_events DROP COLUMN scheme; DELETE FROM schema_migrations WHERE version = 3;`);

    const keyed = auditHasher(KEY);
    const store = await postgresStore(sql, 'pglite', { hasher: keyed });
    expect((await store.load('RES-OLD')).map((e) => e.scheme)).toEqual(['sha256', 'sha256']);
    const first = await verifyAudit(store, keyed);
    expect(first.cases).toEqual([{ ref: 'RES-OLD', ok: false, sealable: true, reason: expect.stringMatching(/^not anchored: recorded before anchors existed/) as unknown }]);
    await store.anchorCase('RES-OLD');
    await store.append('RES-OLD', 2, [message(3)]);
    const after = await verifyAudit(store, keyed);
    expect(after.cases).toEqual([{ ref: 'RES-OLD', ok: true, events: 3 }]);
    expect((await store.anchors()).map((a) => [a.seq, a.events, a.scheme])).toEqual([[1, 2, 'hmac-sha256'], [2, 3, 'hmac-sha256']]);
    await sql.close();
  });
});

describe('appends written together', () => {
  it('writes appends waiting their turn in one statement, and a conflict among them refuses only its own case', async () => {
    const sql = await freshPglite();
    const writes: string[] = [];
    const counted: Sql = { ...sql, query: (text, params) => (text.includes('INSERT INTO audit_anchors') && writes.push(text), sql.query(text, params)) };
    const keyed = auditHasher(KEY);
    const [a, b] = [await postgresStore(counted, 'pglite', { hasher: keyed }), await postgresStore(sql, 'pglite', { hasher: keyed })];
    const refs = ['RES-1', 'RES-2', 'RES-3', 'RES-4', 'RES-5'];
    for (const ref of refs) await a.append(ref, 0, [message(1)]);
    // Another instance moves RES-3 on; a still holds it at event 1.
    await b.append('RES-3', 1, [message(2)]);
    writes.length = 0;
    const results = await Promise.all(refs.map((ref) => a.append(ref, 1, [message(2)])));
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true, true]);
    expect(results[2]).toMatchObject({ conflict: true });
    // Fewer statements than appends: they went together (then each again alone after the conflict).
    expect(writes.length).toBeLessThan(2 * refs.length);
    expect(writes.some((t) => (t.match(/INSERT INTO case_events/g) ?? []).length > 1)).toBe(true);
    const report = await verifyAudit(a, keyed);
    expect(report.chain.breaks).toEqual([]);
    expect(report.cases).toEqual(refs.map((ref) => ({ ref, ok: true, events: 2 })));
    await sql.close();
  });
});

describe('two stores on one database (two app instances)', () => {
  it('refuses an append made from an old view of the case, and chains the next one to the event the other store wrote', async () => {
    const sql = await freshPglite();
    const [a, b] = [await postgresStore(sql, 'pglite'), await postgresStore(sql, 'pglite')];
    await a.append('RES-1', 0, [message(1)]);
    expect(await a.load('RES-1')).toHaveLength(1);
    // b records event 2; a still remembers event 1 as the case's last.
    await b.append('RES-1', 1, [message(2)]);
    expect(await a.append('RES-1', 1, [message(3)])).toMatchObject({ ok: false, conflict: true });
    expect(await a.append('RES-1', 2, [message(3)])).toMatchObject({ ok: true });
    const stored = await b.load('RES-1');
    expect(stored.map((e) => e.event)).toEqual([message(1), message(2), message(3)]);
    expect(verifyChain('RES-1', stored)).toEqual({ ok: true, events: 3 });
    await sql.close();
  });
});

/** A store that is the database's only client, and the reads of `table` it sent to the database. */
const countedReads = async (table: string) => {
  const sql = await freshPglite();
  const reads: unknown[][] = [];
  const spy: Sql = { ...sql, query: (text, params) => (text.includes(`FROM ${table}`) && reads.push(params ?? []), sql.query(text, params)) };
  return { sql, reads, store: await postgresStore(spy, 'pglite', { soleClient: true }) };
};

describe("the embedded store's documents, remembered by its only client", () => {
  const counted = () => countedReads('documents');

  it('reads a document once, and again after every write or delete of it', async () => {
    const { sql, reads, store } = await counted();
    expect(await store.getDocument('directory', 'version')).toBeNull();
    expect(await store.getDocument('directory', 'version')).toBeNull();
    expect(reads).toHaveLength(1);
    const put = await store.putDocument('directory', 'version', { by: 'import', n: 1 });
    const first = await store.getDocument('directory', 'version');
    expect(first).toEqual({ value: { by: 'import', n: 1 }, etag: put.ok && put.etag });
    expect(await store.getDocument('directory', 'version')).toEqual(first);
    expect(reads).toHaveLength(2);
    // Each read is a fresh object: changing one changes nothing remembered.
    (first!.value as { n: number }).n = 99;
    expect((await store.getDocument('directory', 'version'))?.value).toEqual({ by: 'import', n: 1 });
    // A refused write changes nothing, and is read again all the same.
    expect(await store.putDocument('directory', 'version', { n: 2 }, 'not-the-etag')).toEqual({ ok: false, conflict: true });
    expect((await store.getDocument('directory', 'version'))?.value).toEqual({ by: 'import', n: 1 });
    expect(await store.putDocument('directory', 'version', { n: 3 }, first!.etag)).toMatchObject({ ok: true });
    expect((await store.getDocument('directory', 'version'))?.value).toEqual({ n: 3 });
    await store.deleteDocument('directory', 'version');
    expect(await store.getDocument('directory', 'version')).toBeNull();
    await sql.close();
  });

  it('keeps nothing a write overtook: a read started before a write never shadows it', async () => {
    const { sql, store } = await counted();
    await store.putDocument('directory', 'version', { n: 1 });
    for (let n = 2; n < 12; n++) {
      const [read] = await Promise.all([store.getDocument('directory', 'version'), store.putDocument('directory', 'version', { n })]);
      expect([n - 1, n]).toContain((read?.value as { n: number }).n);
      expect((await store.getDocument('directory', 'version'))?.value).toEqual({ n });
    }
    await sql.close();
  });

  it('is not kept by a store that shares its database (two instances): each reads what the other wrote', async () => {
    const sql = await freshPglite();
    const [a, b] = [await postgresStore(sql, 'pglite'), await postgresStore(sql, 'pglite')];
    await a.putDocument('directory', 'version', { n: 1 });
    expect((await b.getDocument('directory', 'version'))?.value).toEqual({ n: 1 });
    await a.putDocument('directory', 'version', { n: 2 });
    expect((await b.getDocument('directory', 'version'))?.value).toEqual({ n: 2 });
    await sql.close();
  });
});

describe("the embedded store's answers to case queries, remembered by its only client", () => {
  const counted = () => countedReads('case_summaries');

  it('answers a query asked again from memory, and reads again after any append', async () => {
    const { sql, reads, store } = await counted();
    await store.append('RES-1', 0, [message(1)], { summary: summary('RES-1', 1, { participantIds: ['p1'] }) });
    const mine = await store.findCases({ participantId: 'p1' });
    expect(mine.map((c) => c.ref)).toEqual(['RES-1']);
    // The same conditions in another order are the same question.
    expect(await store.findCases({ phases: ['stage-open'], participantId: 'p1' })).toEqual(mine);
    expect(await store.findCases({ participantId: 'p1', phases: ['stage-open'] })).toEqual(mine);
    expect(await store.findCases({ participantId: 'p1' })).toEqual(mine);
    expect(reads).toHaveLength(2);
    // Each answer is a fresh object: changing one changes nothing remembered.
    mine[0]!.stage = 9;
    expect((await store.findCases({ participantId: 'p1' }))[0]!.stage).toBe(1);
    // Another case's append changes the answer: it is read again.
    await store.append('RES-2', 0, [message(1)], { summary: summary('RES-2', 1, { participantIds: ['p1'], nextDue: null }) });
    expect((await store.findCases({ participantId: 'p1' })).map((c) => c.ref)).toEqual(['RES-1', 'RES-2']);
    // A refused append changes nothing, and is read again all the same.
    expect(await store.append('RES-2', 0, [message(2)], { summary: summary('RES-2', 1, { participantIds: ['p1', 'p2'] }) })).toMatchObject({ ok: false });
    expect(await store.findCases({ participantId: 'p2' })).toEqual([]);
    expect((await store.findCases({ participantId: 'p1' })).map((c) => c.version)).toEqual([1, 1]);
    expect(reads).toHaveLength(5);
    await sql.close();
  });

  it('keeps nothing an append overtook: an answer read while a case changed never shadows the change', async () => {
    const { sql, store } = await counted();
    await store.append('RES-1', 0, [message(1)], { summary: summary('RES-1', 1, { stage: 1 }) });
    for (let v = 1; v < 11; v++) {
      const [read] = await Promise.all([store.findCases({ participantId: 'p1' }), store.append('RES-1', v, [message(v + 1)], { summary: summary('RES-1', v + 1, { stage: v + 1 }) })]);
      expect([v, v + 1]).toContain(read[0]!.stage);
      expect((await store.findCases({ participantId: 'p1' }))[0]!.stage).toBe(v + 1);
    }
    await sql.close();
  });

  it('is not kept by a store that shares its database (two instances): each sees what the other recorded', async () => {
    const sql = await freshPglite();
    const [a, b] = [await postgresStore(sql, 'pglite'), await postgresStore(sql, 'pglite')];
    await a.append('RES-1', 0, [message(1)], { summary: summary('RES-1', 1, { stage: 1 }) });
    expect((await b.findCases({ participantId: 'p1' }))[0]!.stage).toBe(1);
    await a.append('RES-1', 1, [message(2)], { summary: summary('RES-1', 2, { stage: 2 }) });
    expect((await b.findCases({ participantId: 'p1' }))[0]!.stage).toBe(2);
    await sql.close();
  });
});

const url = process.env.TEST_POSTGRES_URL;
if (url) {
  // Each store gets its own schema, dropped at the end, so runs never see each other's rows.
  const schemas: string[] = [];
  const admin = openPool(url);
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await admin.close();
  });
  storeContract('PostgreSQL server', async (hasher) => {
    const schema = `resolve_test_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    await admin.query(`CREATE SCHEMA ${schema}`);
    const sql = openPool(url, { schema });
    return harness(sql, 'postgres', hasher);
  });
} else {
  describe('event store contract: PostgreSQL server', () => {
    it.skip('SKIPPED: TEST_POSTGRES_URL is not set, so the PostgreSQL server adapter was not tested', () => undefined);
  });
}
