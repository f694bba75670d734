/**
 * Picks the store from the settings: no DATABASE_URL means embedded PGlite in DATA_DIR;
 * postgres:// or postgresql:// means a PostgreSQL server. A bad or unreachable URL is one clear
 * sentence, never a stack trace. The scheduled jobs' backend is on the same database.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Store } from '../app/store.js';
import { postgresJobBackend, type JobBackend } from '../jobs/agenda-backend.js';
import { postgresStore } from './postgres/postgres-store.js';
import { openPglite, openPool } from './postgres/sql.js';

export type StoreSettings = { DATABASE_URL?: string | undefined; DATA_DIR: string };

export class StoreError extends Error {}

export type OpenedStore = { store: Store; jobs: JobBackend };

export async function openStore(settings: StoreSettings): Promise<OpenedStore> {
  const url = settings.DATABASE_URL;
  if (!url) {
    const dir = resolve(settings.DATA_DIR, 'pglite');
    try {
      await mkdir(dir, { recursive: true });
      const sql = await openPglite(dir);
      return { store: await postgresStore(sql, 'pglite'), jobs: postgresJobBackend(sql) };
    } catch (e) {
      throw new StoreError(`cannot open the embedded database in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const scheme = /^([a-z+]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const sql = openPool(url);
    try {
      return { store: await postgresStore(sql, 'postgres'), jobs: postgresJobBackend(sql) };
    } catch (e) {
      await sql.close().catch(() => undefined);
      throw new StoreError(`cannot reach the PostgreSQL database at ${redact(url)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (scheme === 'mongodb' || scheme === 'mongodb+srv') {
    throw new StoreError('MongoDB is not supported yet; leave DATABASE_URL empty for the embedded store or give a postgres:// URL.');
  }
  throw new StoreError(`DATABASE_URL must start with postgres:// or postgresql:// (got "${redact(url)}").`);
}

/** Never print a password from a URL. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
