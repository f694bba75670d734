/**
 * The little SQL surface the PostgreSQL adapter needs, met by both a `pg` pool (a PostgreSQL
 * server) and PGlite (PostgreSQL compiled to WebAssembly, embedded, keeping its data in a folder).
 * One adapter and one schema then serve both.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
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

/** `dataDir` is a folder, or 'memory://' for a throw-away database. */
export async function openPglite(dataDir: string): Promise<Sql> {
  const db = await PGlite.create(dataDir, { loadDataDir: await seedFor(dataDir) });
  const query = async <R>(run: Pick<PGlite, 'query' | 'exec'>, text: string, params?: unknown[]) => {
    // Like pg: no parameters means the simple protocol, which allows several statements.
    const result = params?.length ? await run.query<R>(text, params) : (await run.exec(text)).at(-1);
    const rows = (result?.rows ?? []) as R[];
    return { rows, rowCount: result?.affectedRows ?? rows.length };
  };
  return {
    query: <R>(text: string, params?: unknown[]) => query<R>(db, text, params),
    exec: async (text) => void (await db.exec(text)),
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          query: <R>(text: string, params?: unknown[]) => query<R>(tx, text, params),
          exec: async (text) => void (await tx.exec(text)),
        }),
      ),
    close: () => db.close(),
  };
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
