/**
 * Versioned schema migrations, run at start-up. Each runs once, in order, and is recorded in
 * `schema_migrations`; a migration is never edited once released, only followed by a new one.
 */
import type { Sql } from './sql.js';

const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'case events',
    sql: `
      CREATE TABLE case_events (
        case_ref        text        NOT NULL,
        seq             integer     NOT NULL CHECK (seq >= 1),
        type            text        NOT NULL,
        at              timestamptz NOT NULL,
        event           jsonb       NOT NULL,
        idempotency_key text,
        prev_hash       text,
        hash            text        NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_ref, seq)
      );
      -- A repeated delivery of the same action records once.
      CREATE UNIQUE INDEX case_events_idempotency ON case_events (case_ref, idempotency_key) WHERE idempotency_key IS NOT NULL;
    `,
  },
  {
    version: 2,
    name: 'case summaries and documents',
    sql: `
      CREATE TABLE case_summaries (
        case_ref           text        PRIMARY KEY,
        version            integer     NOT NULL,
        phase              text        NOT NULL,
        stage              integer,
        escalating_agency  text        NOT NULL,
        receiving_agency   text        NOT NULL,
        participant_ids    text[]      NOT NULL,
        next_due           timestamptz,
        summary            jsonb       NOT NULL
      );
      CREATE INDEX case_summaries_participants ON case_summaries USING gin (participant_ids);
      CREATE INDEX case_summaries_escalating ON case_summaries (escalating_agency);
      CREATE INDEX case_summaries_receiving ON case_summaries (receiving_agency);
      CREATE INDEX case_summaries_due ON case_summaries (next_due) WHERE next_due IS NOT NULL;
      CREATE TABLE documents (
        namespace  text        NOT NULL,
        key        text        NOT NULL,
        value      jsonb       NOT NULL,
        etag       text        NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (namespace, key)
      );
    `,
  },
  {
    version: 3,
    name: 'audit anchors and hashing schemes',
    // Events recorded so far were hashed with plain SHA-256, and say so; from now on each append
    // names its scheme. Every append also adds an anchor (src/app/audit.ts).
    sql: `
      ALTER TABLE case_events ADD COLUMN scheme text NOT NULL DEFAULT 'sha256';
      ALTER TABLE case_events ALTER COLUMN scheme DROP DEFAULT;
      CREATE TABLE audit_anchors (
        seq         integer     PRIMARY KEY CHECK (seq >= 1),
        case_ref    text        NOT NULL,
        case_events integer     NOT NULL,
        case_hash   text        NOT NULL,
        prev_mac    text,
        mac         text        NOT NULL,
        scheme      text        NOT NULL,
        key_id      text,
        recorded_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 4,
    name: 'case snapshots',
    // A cache of folded cases (src/app/cases.ts): one per case and fold version, safe to empty.
    sql: `
      CREATE TABLE case_snapshots (
        case_ref   text        NOT NULL,
        fold       integer     NOT NULL,
        version    integer     NOT NULL,
        hash       text        NOT NULL,
        state      jsonb       NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_ref, fold)
      );
    `,
  },
];

/** Held (per transaction) by anything that changes the schema, so instances starting together queue. */
export const SCHEMA_LOCK = 20261122;

export async function migrate(sql: Sql): Promise<number> {
  // All pending migrations in one transaction, under an advisory lock: two instances starting at
  // once against one server neither collide nor apply anything twice.
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    let applied = 0;
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied++;
    }
    return applied;
  });
}
