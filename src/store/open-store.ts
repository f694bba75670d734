/**
 * Picks the store from the settings: no DATABASE_URL means embedded PGlite in DATA_DIR;
 * postgres:// or postgresql:// means a PostgreSQL server; mongodb:// or mongodb+srv:// means
 * MongoDB. A bad or unreachable URL is one clear sentence, never a stack trace. The scheduled
 * jobs' backend is on the same database. The embedded store's DATA_DIR is owner-only (0700), and
 * the audit chain's key comes from audit-key.ts.
 */
import { resolve } from 'node:path';
import type { AuditHasher } from '../app/audit.js';
import type { Store } from '../app/store.js';
import { postgresJobBackend, type JobBackend } from '../jobs/agenda-backend.js';
import { auditKeying, privateDir } from './audit-key.js';
import type { Connected, StoreLog } from './mongo/connect.js';
import { postgresStore } from './postgres/postgres-store.js';
import { openPglite, openPool } from './postgres/sql.js';

export type StoreSettings = {
  DATABASE_URL?: string | undefined;
  DATA_DIR: string;
  AUDIT_KEY?: string | undefined;
  /** How long a MongoDB operation waits for a primary (and a write for its majority), in ms. */
  MONGODB_TIMEOUT_MS?: number | undefined;
};

export class StoreError extends Error {}

/** `hasher`: how the audit chain is hashed; `auditWarning`: to log when it is not keyed. */
export type OpenedStore = { store: Store; jobs: JobBackend; hasher: AuditHasher; auditWarning: string | null };

/** `log` hears what the store must report while it runs (MongoDB's topology, a summary write that failed). */
export async function openStore(settings: StoreSettings, log?: StoreLog): Promise<OpenedStore> {
  const url = settings.DATABASE_URL;
  if (!url) {
    const dir = resolve(settings.DATA_DIR, 'pglite');
    try {
      await privateDir(settings.DATA_DIR);
      const { hasher, warning } = await auditKeying(settings);
      await privateDir(dir);
      const sql = await openPglite(dir);
      // The embedded database belongs to this process alone: its store may remember documents.
      return { store: await postgresStore(sql, 'pglite', { hasher, soleClient: true }), jobs: postgresJobBackend(sql), hasher, auditWarning: warning };
    } catch (e) {
      throw new StoreError(`cannot open the embedded database in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const scheme = /^([a-z+]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  const { hasher, warning } = await auditKeying(settings);
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const sql = openPool(url);
    try {
      return { store: await postgresStore(sql, 'postgres', { hasher }), jobs: postgresJobBackend(sql), hasher, auditWarning: warning };
    } catch (e) {
      await sql.close().catch(() => undefined);
      throw new StoreError(`cannot reach the PostgreSQL database at ${redact(url)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (scheme === 'mongodb' || scheme === 'mongodb+srv') {
    // The MongoDB driver is loaded only for a MongoDB store (about 0.3 s of every start otherwise).
    const [{ connectMongo, DEFAULT_TIMEOUT_MS, reportTopology }, { mongoStore }, { mongoJobBackend }] = await Promise.all([
      import('./mongo/connect.js'),
      import('./mongo/mongo-store.js'),
      import('../jobs/mongo-job-backend.js'),
    ]);
    let connected: Connected | undefined;
    try {
      connected = await connectMongo(url, mongoDatabaseName(url), settings.MONGODB_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS);
      const { client, db, topology } = connected;
      reportTopology(topology, log);
      const sessions = topology === 'standalone' ? null : client;
      return { store: await mongoStore(db, { close: () => client.close(), sessions, log, hasher }), jobs: mongoJobBackend(db), hasher, auditWarning: warning };
    } catch (e) {
      await connected?.client.close().catch(() => undefined);
      throw new StoreError(`cannot reach the MongoDB database at ${redact(url)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new StoreError(`DATABASE_URL must start with postgres://, postgresql://, mongodb:// or mongodb+srv:// (got "${redact(url)}").`);
}

/** The database named in the URL's path, or "resolve" (the driver's own default is "test"). */
function mongoDatabaseName(url: string): string {
  return /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]+)/i.exec(url)?.[1] ?? 'resolve';
}

/** Never print a password from a URL. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
