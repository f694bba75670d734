/**
 * Connecting to MongoDB the way the store needs it.
 *
 * - Durability lives on the database object, so a URL cannot weaken it: writes wait for a
 *   majority of the replica set and its journal, reads go to the primary and see only what a
 *   majority holds (nothing a failover could roll back). The scheduled jobs share the database
 *   object, so they get the same.
 * - Start-up waits a few seconds for a server, then stops with one line. Afterwards an operation
 *   waits up to `timeoutMs` for a primary (and a write for its majority): long enough for an
 *   election, so a failover slows requests rather than failing them. (The driver's per-operation
 *   `timeoutMS` has no effect in driver 7, so these are the bounds.)
 * - `hello` tells a replica set or sharded cluster, where an append is one transaction, from a
 *   standalone server, where it cannot be.
 */
import { MongoClient, ReadConcern, ReadPreference, type Db, type DbOptions } from 'mongodb';

export type Topology = 'replica-set' | 'sharded' | 'standalone';

/** The logger the store reports to (pino's fits). */
export type StoreLog = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

export const START_TIMEOUT_MS = 5000;
export const DEFAULT_TIMEOUT_MS = 30_000;

export function durableDbOptions(timeoutMs: number): DbOptions {
  return {
    writeConcern: { w: 'majority', journal: true, wtimeoutMS: timeoutMs },
    readConcern: new ReadConcern('majority'),
    readPreference: ReadPreference.primary,
  };
}

/** What `hello` says the server is. */
export function topologyOf(hello: { setName?: unknown; msg?: unknown }): Topology {
  if (typeof hello.setName === 'string') return 'replica-set';
  if (hello.msg === 'isdbgrid') return 'sharded';
  return 'standalone';
}

export type Connected = { client: MongoClient; db: Db; topology: Topology };

/** Connects, or rejects within START_TIMEOUT_MS; the caller words the failure. */
export async function connectMongo(url: string, databaseName: string, timeoutMs: number): Promise<Connected> {
  const client = new MongoClient(url, { appName: 'resolve', serverSelectionTimeoutMS: timeoutMs });
  const reached = (async () => {
    await client.connect();
    return topologyOf(await client.db('admin').command({ hello: 1 }));
  })();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no MongoDB server answered within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
  });
  try {
    const topology = await Promise.race([reached, late]);
    return { client, db: client.db(databaseName, durableDbOptions(timeoutMs)), topology };
  } catch (e) {
    // Closing ends the connect still under way; its rejection is this one.
    reached.catch(() => undefined);
    await client.close().catch(() => undefined);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** Says once, at start-up, what an append can promise on this server. */
export function reportTopology(topology: Topology, log: StoreLog | undefined): void {
  if (topology === 'standalone') {
    log?.warn(
      { mongodb: topology },
      'MongoDB is a standalone server: no transactions, so a case summary is written just after its events (a failure is logged and repaired at the next start), and one server is one copy of everything. Use a replica set in production.',
    );
  } else {
    log?.info({ mongodb: topology }, 'MongoDB is a replica set: each change is one transaction, written to a majority');
  }
}
