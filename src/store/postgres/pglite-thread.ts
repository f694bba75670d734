/**
 * The embedded database's own thread: PGlite (PostgreSQL in WebAssembly, reading and writing its
 * folder) runs here, on a worker thread, so its work (about a third to a half of a turn's CPU when
 * it ran on the main thread) goes on beside the turns instead of between them, as a database
 * server's would. `openPglite` (sql.ts) starts it and speaks to it; nothing else does.
 *
 * This file is run by Node itself (as TypeScript source in the tests and tools, as dist's
 * JavaScript otherwise), so it imports nothing of the app and uses only syntax Node can strip.
 *
 * Requests come as messages with an id, answered once each with rows or an error as plain data
 * (PostgreSQL's fields, such as `code` and `constraint`, kept: the store reads them). A transaction
 * is begun, answered with its number, used by its statements, and ended with commit or rollback.
 */
import { PGlite, type PGliteOptions, type Transaction } from '@electric-sql/pglite';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

export type ThreadRequest =
  | { id: number; op: 'query'; text: string; params: unknown[] | undefined; tx: number | undefined }
  | { id: number; op: 'exec'; text: string; tx: number | undefined }
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };

export type ThreadError = { message: string; fields: Record<string, unknown> };
export type ThreadReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ThreadError };
/** PostgreSQL and initdb compiled from PGlite's WebAssembly: made once, then handed to each later thread. */
export type CompiledPglite = Required<Pick<PGliteOptions, 'pgliteWasmModule' | 'initdbWasmModule'>>;
/** The first message: the database is open (with the compiled code it used, for the next thread), or why it could not be. */
export type ThreadReady = { ready: true; compiled: CompiledPglite | undefined } | { ready: false; error: ThreadError };

type Run = Pick<PGlite, 'query' | 'exec'>;

/** Thrown inside a transaction to make PGlite roll it back. */
class RolledBack extends Error {}

/** An error as data that crosses the thread: its message and PostgreSQL's fields (code, constraint, detail...). */
function asData(e: unknown): ThreadError {
  if (!(e instanceof Error)) return { message: String(e), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (v === undefined || ['string', 'number', 'boolean'].includes(typeof v)) fields[k] = v;
  return { message: e.message, fields };
}

async function statement(run: Run, text: string, params: unknown[] | undefined) {
  // Like pg: no parameters means the simple protocol, which allows several statements.
  const result = params?.length ? await run.query(text, params) : (await run.exec(text)).at(-1);
  const rows = result?.rows ?? [];
  return { rows, rowCount: result?.affectedRows ?? rows.length };
}

/** A transaction in progress: its handle, and how to end it. */
type Open = { tx: Transaction; end: (commit: boolean) => void; ended: Promise<unknown> };

async function serve(port: NonNullable<typeof parentPort>, db: PGlite) {
  const open = new Map<number, Open>();
  let transactions = 0;
  const runIn = (tx: number | undefined): Run => {
    if (tx === undefined) return db;
    const t = open.get(tx);
    if (!t) throw new Error(`no transaction ${tx} is open`);
    return t.tx;
  };
  const answer = async (r: ThreadRequest): Promise<unknown> => {
    switch (r.op) {
      case 'query':
        return statement(runIn(r.tx), r.text, r.params);
      case 'exec':
        return void (await runIn(r.tx).exec(r.text));
      case 'begin': {
        const number = ++transactions;
        return new Promise<number>((begun, failed) => {
          const t = {} as Open;
          const decided = new Promise<boolean>((r) => (t.end = r));
          t.ended = db.transaction(async (tx) => {
            t.tx = tx;
            open.set(number, t);
            begun(number);
            // A thrown error makes PGlite roll the transaction back.
            if (!(await decided)) throw new RolledBack();
          });
          t.ended.catch(failed); // only heard before it began: it could not begin
        });
      }
      case 'end': {
        const t = open.get(r.tx);
        if (!t) throw new Error(`no transaction ${r.tx} is open`);
        open.delete(r.tx);
        t.end(r.commit);
        return t.ended.then(
          () => undefined,
          (e: unknown) => {
            if (!(e instanceof RolledBack)) throw e;
          },
        );
      }
      case 'close':
        await db.close();
        return undefined;
    }
  };
  port.on('message', (r: ThreadRequest) => {
    answer(r).then(
      (value) => port.postMessage({ id: r.id, ok: true, value } satisfies ThreadReply),
      (e: unknown) => port.postMessage({ id: r.id, ok: false, error: asData(e) } satisfies ThreadReply),
    );
  });
}

/**
 * PGlite's WebAssembly, compiled here: each new thread would otherwise compile its 9 MB again (a
 * process opening the database more than once, such as the tests, paid about a second each time).
 * Undefined if the files are not where this PGlite keeps them: PGlite then compiles its own.
 */
async function compile(): Promise<CompiledPglite | undefined> {
  // The global WebAssembly, typed here: the project's TypeScript libraries (ES and Node) leave it out.
  const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<CompiledPglite['pgliteWasmModule']> } }).WebAssembly;
  try {
    const dist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    const [pglite, initdb] = await Promise.all([readFile(join(dist, 'pglite.wasm')), readFile(join(dist, 'initdb.wasm'))]);
    return { pgliteWasmModule: await wasm.compile(pglite), initdbWasmModule: await wasm.compile(initdb) };
  } catch {
    return undefined;
  }
}

if (parentPort) {
  const port = parentPort;
  const given = workerData as { dataDir: string; seed: ArrayBuffer | undefined; compiled: CompiledPglite | undefined };
  const open = async () => {
    const compiled = given.compiled ?? (await compile());
    const db = await PGlite.create(given.dataDir, { ...(given.seed ? { loadDataDir: new Blob([given.seed]) } : {}), ...compiled });
    return { db, compiled };
  };
  open().then(
    async ({ db, compiled }) => {
      await serve(port, db);
      port.postMessage({ ready: true, compiled } satisfies ThreadReady);
    },
    (e: unknown) => port.postMessage({ ready: false, error: asData(e) } satisfies ThreadReady),
  );
}
