/**
 * The little SQL surface the PostgreSQL adapter needs, met by both a `pg` pool (a PostgreSQL
 * server) and PGlite (PostgreSQL compiled to WebAssembly, embedded, keeping its data in a folder,
 * run on a thread of its own).
 * One adapter and one schema then serve both.
 */
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { CompiledPglite, ThreadError, ThreadReady, ThreadReply, ThreadRequest } from './pglite-thread.js';
import { seedFor } from './pglite-seed.js';

export interface Sql {
  /** Without parameters, text may hold several statements; the last one's rows are returned. */
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  /** Several statements at once, no parameters (migrations). */
  exec(text: string): Promise<void>;
  /** Runs `work` in one transaction on one connection: committed if it returns, rolled back if it throws. */
  transaction<T>(work: (tx: Omit<Sql, 'transaction' | 'close'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** PGlite's WebAssembly as the first thread compiled it, handed to every later one. */
let compiled: CompiledPglite | undefined;

/** Where the embedded database's thread is: its TypeScript source when this runs from source (tests, tools). */
const THREAD = new URL(import.meta.url.endsWith('.ts') ? './pglite-thread.ts' : './pglite-thread.js', import.meta.url);

/**
 * The embedded database, `dataDir` a folder or 'memory://' for a throw-away one. PGlite runs on
 * its own thread (pglite-thread.ts); this side sends it each statement and waits for the answer,
 * so the queries' work is done beside the turns rather than between them. The thread keeps the
 * process alive only while a statement is waiting for it.
 */
export async function openPglite(dataDir: string): Promise<Sql> {
  const seed = await (await seedFor(dataDir))?.arrayBuffer();
  const worker = new Worker(THREAD, { workerData: { dataDir, seed, compiled }, transferList: seed ? [seed] : [] });
  let gone: Error | undefined;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let last = 0;

  const opening = {
    message: (() => undefined) as (m: ThreadReady) => void,
    error: (() => undefined) as (e: Error) => void,
    exit: (() => undefined) as (code: number) => void,
  };
  await new Promise<void>((opened, failed) => {
    opening.message = (m: ThreadReady) => {
      if (!m.ready) return failed(fromThread(m.error));
      compiled ??= m.compiled;
      opened();
    };
    opening.error = failed;
    opening.exit = (code) => failed(new Error(`the embedded database stopped as it opened (exit code ${code})`));
    for (const [event, listener] of Object.entries(opening)) worker.once(event, listener);
  }).finally(() => {
    for (const [event, listener] of Object.entries(opening)) worker.off(event, listener);
  });
  worker.unref();
  const fail = (e: Error) => {
    gone ??= e;
    for (const w of waiting.values()) w.reject(gone);
    waiting.clear();
  };
  worker.on('error', (e) => fail(new Error(`the embedded database stopped: ${e.message}`)));
  worker.on('exit', (code) => fail(new Error(`the embedded database has stopped (exit code ${code})`)));
  worker.on('message', (m: ThreadReply) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (!waiting.size) worker.unref();
    if (m.ok) w.resolve(m.value);
    else w.reject(fromThread(m.error));
  });
  const call = <T>(request: DistributiveOmit<ThreadRequest, 'id'>) =>
    new Promise<T>((resolve, reject) => {
      if (gone) return reject(gone);
      const id = ++last;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (waiting.size === 1) worker.ref();
      worker.postMessage({ ...request, id });
    });
  const on = (tx: number | undefined): Omit<Sql, 'transaction' | 'close'> => ({
    query: <R>(text: string, params?: unknown[]) => call<{ rows: R[]; rowCount: number }>({ op: 'query', text, params, tx }),
    exec: (text) => call<void>({ op: 'exec', text, tx }),
  });
  return {
    ...on(undefined),
    async transaction(work) {
      const tx = await call<number>({ op: 'begin' });
      let result;
      try {
        result = await work(on(tx));
      } catch (e) {
        await call({ op: 'end', tx, commit: false }).catch(() => undefined);
        throw e;
      }
      await call({ op: 'end', tx, commit: true });
      return result;
    },
    async close() {
      if (gone) return;
      try {
        await call({ op: 'close' });
      } finally {
        gone = new Error('the embedded database is closed');
        await worker.terminate();
      }
    },
  };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An error from the database's thread as an Error again, with PostgreSQL's fields (code, constraint...) on it. */
function fromThread(e: ThreadError): Error {
  const { name: _name, stack: _stack, message: _message, ...fields } = e.fields;
  return Object.assign(new Error(e.message), fields);
}

export function openPool(connectionString: string, options: { schema?: string } = {}): Sql {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    // A test or a second tenant can live in its own schema of one database.
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle connection the server closes (restart, failover, admin) is dropped from the pool and
  // the next query opens a new one; without a listener the event would end the process.
  pool.on('error', () => undefined);
  return {
    query: async <R>(text: string, params?: unknown[]) => {
      const r = await pool.query(text, params);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
    exec: async (text) => void (await pool.query(text)),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          query: async <R>(text: string, params?: unknown[]) => {
            const r = await client.query(text, params);
            return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
          },
          exec: async (text) => void (await client.query(text)),
        });
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** PostgreSQL's code for a unique constraint that refused a row. */
export const UNIQUE_VIOLATION = '23505';
export const isUniqueViolation = (e: unknown): e is { code: string; constraint?: string } =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === UNIQUE_VIOLATION;
