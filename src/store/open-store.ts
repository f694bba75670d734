/**
 * Picks the store from the settings: no DATABASE_URL means embedded PGlite in DATA_DIR;
 * postgres:// or postgresql:// means a PostgreSQL server. A bad or unreachable URL is one clear
 * sentence, never a stack trace. (MongoDB arrives with its adapter.)
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Store } from '../app/store.js';
import { postgresStore } from './postgres/postgres-store.js';
import { openPglite, openPool } from './postgres/sql.js';

export type StoreSettings = { DATABASE_URL?: string | undefined; DATA_DIR: string };

export class StoreError extends Error {}

export async function openStore(settings: StoreSettings): Promise<Store> {
  const url = settings.DATABASE_URL;
  if (!url) {
    const dir = resolve(settings.DATA_DIR, 'pglite');
    try {
      await mkdir(dir, { recursive: true });
      return await postgresStore(await openPglite(dir), 'pglite');
    } catch (e) {
      throw new StoreError(`cannot open the embedded database in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const scheme = /^([a-z+]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const sql = openPool(url);
    try {
      return await postgresStore(sql, 'postgres');
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
