/**
 * The embedded database on its own thread (src/store/postgres/pglite-thread.ts, spoken to by
 * `openPglite`): what crosses between the threads must behave as PGlite did in the same thread.
 * The store's contract (postgres-store.test.ts) runs on it too, through test/support/pglite.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isUniqueViolation, openPglite, type Sql } from '../../src/store/postgres/sql.js';

let sql: Sql;
beforeAll(async () => {
  sql = await openPglite('memory://');
  await sql.exec('CREATE TABLE t (id int PRIMARY KEY, note text, at timestamptz, doc jsonb)');
});
afterAll(() => sql.close());

describe('the embedded database on its own thread', () => {
  it('returns rows with their types (dates, JSON) and counts the rows a statement changed', async () => {
    const at = new Date('2026-12-01T09:30:00.000Z');
    const inserted = await sql.query('INSERT INTO t VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)', [1, 'one', at, JSON.stringify({ a: [1, 2] }), 2, 'two', at, '{}']);
    expect(inserted.rowCount).toBe(2);
    const { rows } = await sql.query<{ id: number; at: Date; doc: unknown }>('SELECT id, at, doc FROM t WHERE id = $1', [1]);
    expect(rows).toEqual([{ id: 1, at, doc: { a: [1, 2] } }]);
    // A Date, though of the realm the message arrived in (Jest runs tests in a realm of its own).
    expect(Object.prototype.toString.call(rows[0]!.at)).toBe('[object Date]');
  });

  it('runs several statements without parameters and returns the last one’s rows', async () => {
    const { rows } = await sql.query<{ n: number }>('SELECT 1 AS n; SELECT 2 AS n');
    expect(rows).toEqual([{ n: 2 }]);
  });

  it("gives PostgreSQL's error with its code and constraint, which the store reads to tell a conflict", async () => {
    const error = await sql.query('INSERT INTO t (id) VALUES (1)').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(isUniqueViolation(error)).toBe(true);
    expect(error).toMatchObject({ code: '23505', constraint: 't_pkey', message: expect.stringContaining('duplicate key') as unknown });
  });

  it('commits a transaction that returns, and rolls back one that throws, with its error', async () => {
    const n = await sql.transaction(async (tx) => {
      await tx.query('INSERT INTO t (id) VALUES ($1)', [10]);
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE id = 10')).rows[0]!.n;
    });
    expect(n).toBe(1);
    const thrown = new Error('the work failed');
    await expect(
      sql.transaction(async (tx) => {
        await tx.query('INSERT INTO t (id) VALUES ($1)', [11]);
        throw thrown;
      }),
    ).rejects.toBe(thrown);
    const { rows } = await sql.query<{ id: number }>('SELECT id FROM t WHERE id IN (10, 11) ORDER BY id');
    expect(rows).toEqual([{ id: 10 }]);
  });

  it('keeps a statement outside a transaction waiting until the transaction ends, so it never sees half of it', async () => {
    let release = () => undefined as void;
    const held = new Promise<void>((r) => (release = r));
    const inside = sql.transaction(async (tx) => {
      await tx.query('INSERT INTO t (id) VALUES ($1)', [20]);
      await held;
      await tx.query('INSERT INTO t (id) VALUES ($1)', [21]);
    });
    // Sent while the transaction holds the database; answered after it commits.
    const outside = sql.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE id IN (20, 21)');
    let answered = false;
    void outside.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    release();
    await inside;
    expect((await outside).rows).toEqual([{ n: 2 }]);
  });

  it('refuses every statement once closed, with a plain sentence', async () => {
    const other = await openPglite('memory://');
    await other.close();
    await expect(other.query('SELECT 1')).rejects.toThrow('the embedded database is closed');
    await other.close(); // closing twice is harmless
  });
});

describe('a process using the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resolve-thread-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is not kept running by the idle thread, and what it wrote is in the folder afterwards', async () => {
    // A tool that forgets to close: it must still end once its work is done, as it did when
    // PGlite ran in its own thread. Its statements, awaited, keep it running until answered.
    const script = join(dir, 'tool.mts');
    const sqlModule = new URL('../../src/store/postgres/sql.ts', import.meta.url).href;
    writeFileSync(
      script,
      `import { openPglite } from ${JSON.stringify(sqlModule.replace(/\.ts$/, '.js'))};
       const sql = await openPglite(${JSON.stringify(join(dir, 'db'))});
       await sql.exec('CREATE TABLE kept (id int)');
       await sql.query('INSERT INTO kept VALUES ($1)', [7]);
       process.stdout.write('done');`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { timeout: 60_000 });
    expect(stdout).toBe('done');
    const again = await openPglite(join(dir, 'db'));
    try {
      expect((await again.query<{ id: number }>('SELECT id FROM kept')).rows).toEqual([{ id: 7 }]);
    } finally {
      await again.close();
    }
  });
});
