/** The contract on embedded PGlite (always) and on a PostgreSQL server (when TEST_POSTGRES_URL is set). */
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { postgresStore } from '../../src/store/postgres/postgres-store.js';
import { openPglite, openPool, type Sql } from '../../src/store/postgres/sql.js';
import { verifyChain } from '../../src/app/audit.js';
import { message, storeContract } from './store-contract.js';

const tamperWith = (sql: Sql) => async (caseRef: string, seq: number, text: string) => {
  await sql.query(`UPDATE case_events SET event = jsonb_set(event, '{data,text}', to_jsonb($3::text)) WHERE case_ref = $1 AND seq = $2`, [caseRef, seq, text]);
};

storeContract('PGlite (embedded)', async () => {
  const sql = await openPglite('memory://');
  return { store: await postgresStore(sql, 'pglite'), tamper: tamperWith(sql) };
});

describe('two stores on one database (two app instances)', () => {
  it('refuses an append made from an old view of the case, and chains the next one to the event the other store wrote', async () => {
    const sql = await openPglite('memory://');
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

const url = process.env.TEST_POSTGRES_URL;
if (url) {
  // Each store gets its own schema, dropped at the end, so runs never see each other's rows.
  const schemas: string[] = [];
  const admin = openPool(url);
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await admin.close();
  });
  storeContract('PostgreSQL server', async () => {
    const schema = `resolve_test_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    await admin.query(`CREATE SCHEMA ${schema}`);
    const sql = openPool(url, { schema });
    return { store: await postgresStore(sql, 'postgres'), tamper: tamperWith(sql) };
  });
} else {
  describe('event store contract: PostgreSQL server', () => {
    it.skip('SKIPPED: TEST_POSTGRES_URL is not set, so the PostgreSQL server adapter was not tested', () => undefined);
  });
}
