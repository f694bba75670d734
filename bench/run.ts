/**
 * `npm run bench`: how fast the store appends and how late the scheduler fires, on the embedded
 * store (PGlite) and on a PostgreSQL server (BENCH_POSTGRES_URL, else TEST_POSTGRES_URL, else
 * the local server; skipped with a note if it cannot be reached). Prints a Markdown report to
 * copy into BENCHMARKS.md. Each run uses a fresh directory or schema and removes it afterwards.
 *
 * - Appends: 50 cases written at once, each by its own writer, one event (with its case summary)
 *   per append, as the app records one action at a time; flat out, then paced.
 * - Job lateness: 50,000 jobs pending in the table (spread over the next 30 days), then deadline
 *   jobs coming due every 100 ms through the app's queue; lateness = start of the handler minus
 *   the job's time.
 * - Turns: Resolve against a bare Agents SDK echo bot, 50 conversations over HTTP (bench/turns.ts);
 *   `npm run bench -- turns` measures only this.
 * - Start-up: the built app as a process, until /readyz answers (bench/start-up.ts); BENCH_START_RUNS
 *   runs (default 5). `npm run bench -- start-up` measures only this.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { CaseSummary } from '../src/app/case-summary.js';
import type { JobQueue } from '../src/app/job-queue.js';
import type { Store } from '../src/app/store.js';
import type { CaseEvent } from '../src/domain/escalation/events.js';
import { postgresJobBackend } from '../src/jobs/agenda-backend.js';
import { agendaJobQueue } from '../src/jobs/agenda-queue.js';
import { postgresStore } from '../src/store/postgres/postgres-store.js';
import { openPglite, openPool, type Sql } from '../src/store/postgres/sql.js';
import { benchStartUp } from './start-up.js';
import { benchTurns } from './turns.js';

const CASES = 50;
const APPENDS_PER_CASE = Number(process.env.BENCH_APPENDS_PER_CASE ?? 40);
const PENDING = 50_000;
const DUE_JOBS = Number(process.env.BENCH_DUE_JOBS ?? 200);
const PACE_MS = 100;
const POLL_MS = 1000; // the app's default JOBS_POLL_MS

type Target = { name: string; open: () => Promise<{ sql: Sql; store: Store; cleanup: () => Promise<void> }> };

const actor = { kind: 'person' as const, personId: 'p1', name: 'P One', role: 'practitioner' as const, agencyId: 'health', agencyName: 'Health' };
const event = (n: number): CaseEvent => ({ type: 'message-posted', at: new Date().toISOString(), actor, stage: 1, data: { text: `message ${n}` } });
const summary = (ref: string, version: number): CaseSummary => ({
  ref, version, policyId: 'bscb', phase: 'stage-open', stage: 1, urgent: false, escalatingAgencyId: 'health', receivingAgencyId: 'police',
  participantIds: ['p1', 'p2'], nextDue: new Date(Date.now() + 86_400_000).toISOString(), overdueSince: null, outcome: null,
  openedAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

/**
 * `paceMs` 0: every writer appends again as soon as its last append returns (the most the store
 * can take; latency is then mostly waiting in line). Otherwise each case appends every `paceMs`,
 * the writers spread evenly, which is far busier than people clicking but not saturated.
 */
async function benchAppends(store: Store, prefix: string, paceMs: number) {
  const latencies: number[] = [];
  let conflicts = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CASES }, async (_, c) => {
      const ref = `${prefix}-${c}`;
      for (let v = 0; v < APPENDS_PER_CASE; v++) {
        if (paceMs) {
          const at = started + v * paceMs + (c * paceMs) / CASES;
          await new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));
        }
        const t = performance.now();
        const r = await store.append(ref, v, [event(v)], { summary: summary(ref, v + 1) });
        latencies.push(performance.now() - t);
        if (!r.ok) conflicts++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  if (conflicts) throw new Error(`${conflicts} appends were refused: each case has one writer, so none should be`);
  return { appends: latencies.length, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function benchJobs(sql: Sql) {
  const backend = postgresJobBackend(sql);
  const queue: JobQueue = await agendaJobQueue({ ...backend, processEvery: POLL_MS, name: 'bench' });
  // The pending load, written in one statement (scheduling 50,000 through Agenda one by one
  // would measure the set-up, not the scheduler).
  await sql.query(
    `INSERT INTO agenda_jobs (name, next_run_at, type, data)
     SELECT 'response-deadline', at, 'normal', jsonb_build_object('key', 'PENDING-' || i, 'runAt', at, 'ref', 'PENDING-' || i, 'stage', 1, 'due', null)
     FROM generate_series(1, $1::integer) AS i, LATERAL (SELECT now() + interval '1 hour' + (i * interval '52 seconds') AS at) AS t`,
    [PENDING],
  );
  const lateness: number[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  await queue.start(async (job) => {
    lateness.push(Date.now() - new Date(job.runAt).getTime());
    if (lateness.length === DUE_JOBS) done();
  });
  const first = Date.now() + 3000;
  await queue.schedule(
    Array.from({ length: DUE_JOBS }, (_, i) => {
      const runAt = new Date(first + i * 100).toISOString();
      return { key: `DUE-${i}`, name: 'response-deadline' as const, runAt, data: { ref: `DUE-${i}`, stage: 1, due: runAt } };
    }),
  );
  const timeout = setTimeout(() => done(), 3000 + DUE_JOBS * 100 + 60_000);
  await finished;
  clearTimeout(timeout);
  await queue.stop();
  const { rows } = await sql.query<{ n: string }>('SELECT count(*) AS n FROM agenda_jobs WHERE next_run_at IS NOT NULL AND last_finished_at IS NULL');
  lateness.sort((a, b) => a - b);
  return { ran: lateness.length, pendingAfter: Number(rows[0]!.n), p50: percentile(lateness, 50), p99: percentile(lateness, 99), max: lateness.at(-1)! };
}

const targets: Target[] = [
  {
    name: 'PGlite (embedded, on disk)',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'resolve-bench-'));
      const sql = await openPglite(dir);
      return { sql, store: await postgresStore(sql, 'pglite'), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL server',
    open: async () => {
      const url = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
      const admin = openPool(url);
      const schema = `resolve_bench_${randomBytes(5).toString('hex')}`;
      await admin.query(`CREATE SCHEMA ${schema}`);
      const sql = openPool(url, { schema });
      const cleanup = async () => {
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.close();
      };
      return { sql, store: await postgresStore(sql, 'postgres'), cleanup };
    },
  },
];

const only = process.argv.slice(2);
const onlyStartUp = only.includes('start-up');
const onlyTurns = only.includes('turns');
const machine = `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`;
const lines: string[] = onlyStartUp || onlyTurns ? [machine] : [
  `${CASES} cases × ${APPENDS_PER_CASE} appends in each run; ${PENDING.toLocaleString('en-GB')} jobs pending, ${DUE_JOBS} falling due 100 ms apart, polled every ${POLL_MS} ms.`,
  machine,
  '',
  `| store | flat out: appends/s | p50 | p99 | one append per case every ${PACE_MS} ms: appends/s | p50 | p99 | jobs pending | due jobs run | lateness p50 | lateness p99 | lateness max |`,
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const target of onlyStartUp || onlyTurns ? [] : targets) {
  let opened;
  try {
    opened = await target.open();
  } catch (e) {
    lines.push(`| ${target.name} | not measured: ${e instanceof Error ? e.message : String(e)} |${' |'.repeat(11)}`);
    continue;
  }
  try {
    process.stderr.write(`${target.name}: appends...\n`);
    const a = await benchAppends(opened.store, 'FLAT-OUT', 0);
    const paced = await benchAppends(opened.store, 'PACED', PACE_MS);
    process.stderr.write(`${target.name}: jobs...\n`);
    const j = await benchJobs(opened.sql);
    lines.push(
      `| ${target.name} | ${a.perSecond.toFixed(0)} | ${ms(a.p50)} | ${ms(a.p99)} | ${paced.perSecond.toFixed(0)} | ${ms(paced.p50)} | ${ms(paced.p99)} | ${j.pendingAfter.toLocaleString('en-GB')} | ${j.ran}/${DUE_JOBS} | ${ms(j.p50)} | ${ms(j.p99)} | ${ms(j.max)} |`,
    );
  } finally {
    await opened.store.close();
    await opened.cleanup();
  }
}
if (!onlyStartUp) lines.push('', ...(await benchTurns()));
if (!onlyTurns) lines.push('', ...(await benchStartUp(Number(process.env.BENCH_START_RUNS ?? 5))));
process.stdout.write(`${lines.join('\n')}\n`);
