/**
 * The Agenda backend that matches the store: the same PostgreSQL database (server or embedded
 * PGlite) or the same MongoDB database (mongo-job-backend.ts, loaded only for a MongoDB store), so
 * cases and their jobs live and are backed up together.
 */
import { PostgresBackend } from '@agendajs/postgres-backend';
import type { AgendaBackend } from 'agenda';
import type { Pool } from 'pg';
import { SCHEMA_LOCK } from '../store/postgres/migrations.js';
import type { Sql } from '../store/postgres/sql.js';

export type JobCounts = { pending: number; failed: number };

/**
 * `countJobs`: jobs waiting for a run (not running now) and jobs whose last run failed (Agenda's own
 * reading of a job's state), counted in the database: Agenda's overview reads every job.
 */
export type JobBackend = { backend: AgendaBackend; ensureUniqueKeys: () => Promise<void>; countJobs: () => Promise<JobCounts> };

const TABLE = 'agenda_jobs';

/**
 * The PostgreSQL backend takes a `pg` pool; it only calls query, connect/release (to create its
 * table) and end. Handing it our Sql lets one adapter serve a server pool and in-process PGlite,
 * which has no socket to connect to. LISTEN/NOTIFY needs a dedicated connection, so it is off:
 * Agenda polls every `processEvery` and then runs each job on a timer at its time.
 *
 * Agenda creates its table on the connection it checks out, with CREATE ... IF NOT EXISTS, which
 * still fails when two instances run it at the same moment. So a checked-out connection is a
 * transaction holding the schema lock, released (committed) when Agenda releases it.
 */
export function postgresJobBackend(sql: Sql): JobBackend {
  const query = (text: string, params?: unknown[]) => sql.query(text, params);
  const connect = () =>
    new Promise((checkedOut, failed) => {
      sql
        .transaction(async (tx) => {
          await tx.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
          await new Promise<void>((release) => checkedOut({ query: tx.query, release }));
        })
        .catch(failed);
    });
  const pool = { query, connect, end: async () => undefined, on: () => pool };
  return {
    backend: new PostgresBackend({ pool: pool as unknown as Pool, tableName: TABLE, disableNotifications: true }),
    ensureUniqueKeys: () =>
      sql.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
        await tx.query(`CREATE UNIQUE INDEX IF NOT EXISTS ${TABLE}_key ON ${TABLE} ((data->>'key')) WHERE data ? 'key'`);
        // Finding a case's jobs (data @> '{"ref": ...}') without reading them all.
        await tx.query(`CREATE INDEX IF NOT EXISTS ${TABLE}_data ON ${TABLE} USING gin (data jsonb_path_ops)`);
      }),
    countJobs: async () => {
      const { rows } = await sql.query<{ pending: string; failed: string }>(
        `SELECT count(*) FILTER (WHERE next_run_at IS NOT NULL AND locked_at IS NULL) AS pending,
                count(*) FILTER (WHERE failed_at IS NOT NULL AND (last_finished_at IS NULL OR failed_at >= last_finished_at)) AS failed
         FROM ${TABLE}`,
      );
      return { pending: Number(rows[0]?.pending ?? 0), failed: Number(rows[0]?.failed ?? 0) };
    },
  };
}
