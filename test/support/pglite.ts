/**
 * An empty embedded database for each test, cheaply: one PGlite per test file (opened through the
 * app's own `openPglite`), and a new schema in it for each database a test asks for. Starting a
 * PGlite took 1.2 to 2.6 s a test on this 2-core machine (most of the embedded store tests' time);
 * a schema takes milliseconds. The store's SQL names no schema, so it runs unchanged on the
 * schema's tables, as on a server schema in the PostgreSQL contract tests.
 *
 * PGlite has one session, so each handle puts its schema first on the search path before each of
 * its statements; statements of all handles take turns, so two handles open at once never run
 * in each other's schema. Closing a handle drops its schema; the PGlite closes after the file.
 */
import { afterAll } from '@jest/globals';
import { openPglite, type Sql } from '../../src/store/postgres/sql.js';

let shared: Promise<Sql> | undefined;
let schemas = 0;
/** The schema the session's search path names now. */
let current: string | undefined;
/** Statements (and whole transactions) of all handles, one at a time. */
let turn: Promise<unknown> = Promise.resolve();

afterAll(async () => {
  if (shared) await (await shared).close();
  shared = undefined;
});

/** A fresh, empty database: its own schema in this file's PGlite. */
export async function freshPglite(): Promise<Sql> {
  shared ??= openPglite('memory://');
  const db = await shared;
  const schema = `test_${++schemas}`;
  let closed = false;
  let closing: Promise<void> | undefined;
  const inSchema = <T>(work: () => Promise<T>): Promise<T> => {
    const run = turn.then(async () => {
      if (closed) throw new Error(`the test database ${schema} is closed`);
      if (current !== schema) {
        await db.exec(`SET search_path TO ${schema}`);
        current = schema;
      }
      return work();
    });
    turn = run.catch(() => undefined);
    return run;
  };
  await db.exec(`CREATE SCHEMA ${schema}`);
  return {
    query: <R>(text: string, params?: unknown[]) => inSchema(() => db.query<R>(text, params)),
    exec: (text) => inSchema(() => db.exec(text)),
    transaction: (work) => inSchema(() => db.transaction(work)),
    close: () =>
      (closing ??= inSchema(async () => {
        await db.exec(`DROP SCHEMA ${schema} CASCADE`);
        closed = true;
      })),
  };
}
