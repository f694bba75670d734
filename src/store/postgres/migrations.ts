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
];

export async function migrate(sql: Sql): Promise<number> {
  await sql.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const { rows } = await sql.query<{ version: number }>('SELECT version FROM schema_migrations');
  const done = new Set(rows.map((r) => r.version));
  let applied = 0;
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    // One statement batch per migration, and the record of it, in one transaction.
    await sql.exec(`BEGIN; ${m.sql}; INSERT INTO schema_migrations (version, name) VALUES (${m.version}, '${m.name}'); COMMIT;`);
    applied++;
  }
  return applied;
}
