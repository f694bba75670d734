/**
 * Turns: Resolve against a bare Agents SDK echo bot (bench/echo-bot.ts), side by side in one run,
 * both as processes on this machine, both anonymous, both driven over HTTP with the Activity
 * protocol by the same load generator, their replies caught by the same stand-in connector.
 * Resolve runs as `npm start` runs it (`node dist/main.js`, so build first) on the embedded store,
 * with an AUDIT_KEY (as production requires), logging at its default level.
 *
 * 50 conversations at once (one person each, all in the directory), each sending one turn to warm
 * up and then TURNS more, one after another; latency is from sending the POST until its answer.
 * - text: "my cases", typed.
 * - click: the "timeline" button of a case card (Action.Execute `case.timeline`).
 * - history: "reply <ref> <text>" (load, decide, record) on cases of 10 events against cases of
 *   1,000, Resolve only; each conversation has a case of each size.
 * Each side is measured once it has started and warmed up: Resolve from its "warmed up" log line
 * (its start-up warm-up, about 1 s of CPU a second after it is ready, left out of the turns'
 * latency and CPU), the echo bot (which has none) from its listening line. Text and click are
 * each measured twice: a first pass after start (the code still being compiled as it first runs,
 * and each conversation's first-contact work), then a second pass, warm, as a service that has
 * been running answers; the target is read on the second, and both are reported.
 * Rounds alternate which side goes first. Writes per turn: the growth of the write-ahead log over
 * the last Resolve run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Cases } from '../src/app/cases.js';
import { summarise } from '../src/app/case-summary.js';
import { loadPolicyCatalog } from '../src/app/policy-catalog.js';
import type { CaseEvent } from '../src/domain/escalation/events.js';
import { evolve, type CaseState } from '../src/domain/escalation/state.js';
import type { Participant } from '../src/domain/matching.js';
import { openStore } from '../src/store/open-store.js';
import { openPglite } from '../src/store/postgres/sql.js';
import { cpuMs } from './process-cpu.js';

// BENCH_RESOLVE_ENTRY: another build of Resolve to measure (an older one, to compare).
const ENTRY = process.env.BENCH_RESOLVE_ENTRY ?? join(process.cwd(), 'dist/main.js');
const CONVERSATIONS = 50;
const TURNS = Number(process.env.BENCH_TURNS ?? 20);
const ROUNDS = Number(process.env.BENCH_TURN_ROUNDS ?? 3);
const LARGE = 1000;
const SMALL = 10;
const AUDIT_KEY = 'bench-audit-key-0123456789abcdef-0123456789abcdef';

const aad = (i: number) => `10000000-0000-0000-0000-${String(i).padStart(12, '0')}`;
const personId = (i: number) => `bench-${i}`;

type Activity = Record<string, unknown>;
type Turn = (i: number, n: number) => Activity;

/** The stand-in for Teams' connector: every reply and roster question answered at once. */
async function connector(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"sent"}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return { server, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/` };
}

/** The demo directory with 50 practitioners added, each with a Teams identity. */
function benchDirectory(dir: string): string {
  const demo = parse(readFileSync(join(process.cwd(), 'demo/directory.yaml'), 'utf8')) as { people: unknown[] };
  for (let i = 1; i <= CONVERSATIONS; i++) {
    demo.people.push({ id: personId(i), name: `Practitioner ${i}`, agencyId: 'health', roles: ['practitioner'], jobTitle: 'Health visitor', lineManagerId: 'health-tm', identities: { teams: { aadObjectId: aad(i) } } });
  }
  const file = join(dir, 'directory.yaml');
  writeFileSync(file, stringify(demo));
  return file;
}

/** Each person's cases: one of SMALL events per round, and one of LARGE events. */
async function prefill(dataDir: string): Promise<void> {
  const { store } = await openStore({ DATA_DIR: dataDir, AUDIT_KEY });
  const policy = (await loadPolicyCatalog()).get('bscb')!;
  const cases = new Cases(store, { now: () => new Date() });
  try {
    for (let i = 1; i <= CONVERSATIONS; i++) {
      const p: Participant = { personId: personId(i), name: `Practitioner ${i}`, agencyId: 'health', agencyName: 'Riverside Health Trust', role: 'practitioner' };
      const actor = { kind: 'person' as const, ...p };
      const refs = [...Array.from({ length: ROUNDS }, (_, r) => [`BENCH-S${r + 1}-${i}`, SMALL] as const), [`BENCH-L-${i}`, LARGE] as const];
      for (const [ref, size] of refs) {
        const opened = await cases.execute(ref, {
          type: 'open-case', actor, ref, policy, practitioner: p, urgent: false,
          escalatingAgency: { id: 'health', name: 'Riverside Health Trust' }, receivingAgency: { id: 'police', name: 'County Police' },
          intake: { checks: Object.fromEntries(policy.preEscalationChecks.map((c) => [c.id, true])), discussedWithOtherProfessional: true, decisionChallenged: 'No further action', areaId: policy.areasOfDisagreement[0]!.id, aim: 'A strategy discussion', childRecordRef: 'HLT-555', reflections: {} },
        });
        if (!opened.ok) throw new Error(`cannot open ${ref}: ${opened.message}`);
        let state: CaseState = opened.state;
        for (let v = 1; v < size; v += 100) {
          const events: CaseEvent[] = Array.from({ length: Math.min(100, size - v) }, (_, k) => ({ type: 'message-posted', at: new Date().toISOString(), actor, stage: null, data: { text: `Note ${v + k}` } }));
          const next = events.reduce<CaseState>((s, e) => evolve(s, e), state);
          const r = await store.append(ref, state.version, events, { summary: summarise(next, new Date().toISOString()) });
          if (!r.ok) throw new Error(`cannot fill ${ref}`);
          state = next;
        }
      }
    }
  } finally {
    await store.close();
  }
}

/** Where the database's write-ahead log stands: every write appends to it, so its growth measures them. */
async function walPosition(dataDir: string): Promise<string> {
  const sql = await openPglite(join(dataDir, 'pglite'));
  try {
    return (await sql.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
  } finally {
    await sql.close();
  }
}

async function walBytes(dataDir: string, from: string, to: string): Promise<number> {
  const sql = await openPglite(join(dataDir, 'pglite'));
  try {
    return Number((await sql.query<{ n: string }>('SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::text AS n', [to, from])).rows[0]!.n);
  } finally {
    await sql.close();
  }
}

async function started(child: ChildProcess, find: (line: string) => number | undefined): Promise<number> {
  let buffered = '';
  return new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited with code ${code} before it was ready`)));
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const port = find(line);
        if (port) resolve(port);
      }
    });
  });
}

type Bot = { port: number; cpu: () => number; mainCpu: () => number; stop: () => Promise<void> };

async function startResolve(dataDir: string, directoryFile: string): Promise<Bot> {
  // BENCH_RESOLVE_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile Resolve's turns.
  const args = process.env.BENCH_RESOLVE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...args, ENTRY], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, DATABASE_URL: '', DIRECTORY_FILE: directoryFile, AUDIT_KEY, NODE_ENV: 'development', clientId: '', SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Watched from the start: the warm-up's line comes about a second after the listening one.
  const warmedUp = started(child, (line) => (line.includes('"msg":"warmed up"') ? 1 : undefined));
  warmedUp.catch(() => undefined); // an exit before listening is reported by the wait for the port
  const port = await started(child, (line) => (line.includes('Resolve is listening') ? (JSON.parse(line) as { port: number }).port : undefined));
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // Its start-up warm-up (the identity guard's language model, the card engine: about 0.6 s of
  // CPU) done before the first measured turn, as the echo bot, which has none, is done once it
  // listens: both sides are measured from a steady state.
  await warmedUp;
  return { port, cpu: () => cpuMs(child.pid), mainCpu: () => cpuMs(child.pid, { mainThread: true }), stop: () => stop(child) };
}

async function startEcho(): Promise<Bot> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'bench/echo-bot.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await started(child, (line) => (line.startsWith('{"port"') ? (JSON.parse(line) as { port: number }).port : undefined));
  return { port, cpu: () => cpuMs(child.pid), mainCpu: () => cpuMs(child.pid, { mainThread: true }), stop: () => stop(child) };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/**
 * 50 conversations at once, each a warm-up turn then TURNS turns in a row; the latencies of those,
 * and the bot's CPU time per turn (warm-up included), which a busy machine changes far less.
 */
async function drive(bot: Bot, serviceUrl: string, turn: Turn, answered?: (i: number, body: string) => boolean): Promise<Latencies> {
  const { port } = bot;
  const latencies: Latencies = [];
  const cpuBefore = bot.cpu();
  const mainBefore = bot.mainCpu();
  await Promise.all(
    Array.from({ length: CONVERSATIONS }, async (_, c) => {
      const i = c + 1;
      for (let n = 0; n <= TURNS; n++) {
        const body = JSON.stringify({
          id: `a-${i}-${n}-${Math.random().toString(36).slice(2)}`,
          channelId: 'msteams',
          serviceUrl,
          from: { id: `29:${aad(i)}`, aadObjectId: aad(i), name: `Practitioner ${i}` },
          recipient: { id: '28:resolve-bot', name: 'Resolve' },
          conversation: { id: `personal-${aad(i)}`, conversationType: 'personal' },
          ...turn(i, n),
        });
        const t = performance.now();
        const res = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`POST /api/messages answered ${res.status}: ${text.slice(0, 200)}`);
        if (answered && !answered(i, text)) throw new Error(`POST /api/messages did not answer the turn as expected: ${text.slice(0, 300)}`);
        if (n > 0) latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.cpu = (bot.cpu() - cpuBefore) / (CONVERSATIONS * (TURNS + 1));
  latencies.mainCpu = (bot.mainCpu() - mainBefore) / (CONVERSATIONS * (TURNS + 1));
  return latencies.sort((a, b) => a - b);
}

type Latencies = number[] & { cpu?: number; mainCpu?: number };

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;
type Stats = { p50: number; p99: number; n: number; cpu: number; mainCpu: number };
const stats = (xs: Latencies): Stats => ({ p50: percentile(xs, 50), p99: percentile(xs, 99), n: xs.length, cpu: xs.cpu ?? NaN, mainCpu: xs.mainCpu ?? NaN });

const TEXT: Turn = () => ({ type: 'message', text: 'my cases' });
// The button's data as the cards send it (`caseRef`). Until 2026-11-30 this sent `ref`, which
// Resolve answered with its refusal (no case named): the click rows before then measured that.
const CLICK: Turn = (i) => ({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'case.timeline', data: { caseRef: `BENCH-L-${i}` } }, trigger: 'manual' } });
/** A click must be answered with its case's timeline (the echo bot's answer repeats the data), not a refusal. */
const showsCase = (i: number, body: string) => body.includes(`BENCH-L-${i}`) && !body.includes('There is no case');
const REPLY = (ref: (i: number) => string): Turn => (i, n) => ({ type: 'message', text: `reply ${ref(i)} Checking in on this, update ${n}.` });

export async function benchTurns(): Promise<string[]> {
  if (!existsSync(ENTRY)) return [`Turns not measured: ${ENTRY} is missing (run \`npm run build\`).`];
  const dir = mkdtempSync(join(tmpdir(), 'resolve-bench-turns-'));
  const { server, url } = await connector();
  const dataDir = join(dir, 'data');
  const rows: string[] = [];
  // Each kind of turn twice on each side: first from a fresh start (the code compiled and the
  // first turns' one-off work as they come), then again, warm, as a running service answers.
  const kinds = ['text, first pass after start', 'click, first pass after start', 'text', 'click'] as const;
  type Kind = (typeof kinds)[number];
  const all = Object.fromEntries(kinds.map((k) => [k, { echo: [] as number[], resolve: [] as number[] }])) as Record<Kind, { echo: number[]; resolve: number[] }>;
  const history = { small: [] as number[], large: [] as number[] };
  /** The four passes, in the order of `kinds`. */
  const passes = async (bot: Bot) => [await drive(bot, url, TEXT), await drive(bot, url, CLICK, showsCase), await drive(bot, url, TEXT), await drive(bot, url, CLICK, showsCase)];
  let walPerTurn = NaN;
  try {
    const directoryFile = benchDirectory(dir);
    process.stderr.write(`turns: filling ${CONVERSATIONS} cases of ${LARGE} events and ${CONVERSATIONS * ROUNDS} of ${SMALL}...\n`);
    await prefill(dataDir);
    for (let round = 1; round <= ROUNDS; round++) {
      process.stderr.write(`turns: round ${round} of ${ROUNDS}...\n`);
      const sides = round % 2 ? (['echo', 'resolve'] as const) : (['resolve', 'echo'] as const);
      const result: Record<'echo' | 'resolve', Stats[]> = { echo: [], resolve: [] };
      let small: Stats | undefined, large: Stats | undefined;
      for (const side of sides) {
        if (side === 'echo') {
          const echo = await startEcho();
          try {
            const measured = await passes(echo);
            measured.forEach((xs, k) => all[kinds[k]!].echo.push(...xs));
            result.echo = measured.map(stats);
          } finally {
            await echo.stop();
          }
        } else {
          const before = await walPosition(dataDir);
          const app = await startResolve(dataDir, directoryFile);
          try {
            const measured = await passes(app);
            measured.forEach((xs, k) => all[kinds[k]!].resolve.push(...xs));
            result.resolve = measured.map(stats);
            const s10 = await drive(app, url, REPLY((i) => `BENCH-S${round}-${i}`));
            const l1000 = await drive(app, url, REPLY((i) => `BENCH-L-${i}`));
            history.small.push(...s10);
            history.large.push(...l1000);
            [small, large] = [stats(s10), stats(l1000)];
          } finally {
            await app.stop();
          }
          walPerTurn = (await walBytes(dataDir, before, await walPosition(dataDir))) / (6 * CONVERSATIONS * (TURNS + 1));
        }
      }
      const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
      const row = (name: string, a: Stats, b: Stats) =>
        `| ${round} | ${name} | ${ms(a.p50)} | ${ms(b.p50)} | ${x(b.p50, a.p50)} | ${ms(a.p99)} | ${ms(b.p99)} | ${x(b.p99, a.p99)} | ${ms(a.cpu)} | ${ms(b.cpu)} | ${ms(a.mainCpu)} | ${ms(b.mainCpu)} |`;
      rows.push(...kinds.map((k, n) => row(k, result.echo[n]!, result.resolve[n]!)), row('reply: 10 events, then 1,000', small!, large!));
    }
  } finally {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
  const pooled = (name: string, base: number[], other: number[]) => {
    const [b, o] = [stats(base.sort((p, q) => p - q)), stats(other.sort((p, q) => p - q))];
    return `| all | ${name} | ${ms(b.p50)} | ${ms(o.p50)} | ${(o.p50 / b.p50).toFixed(2)}× | ${ms(b.p99)} | ${ms(o.p99)} | ${(o.p99 / b.p99).toFixed(2)}× | | | | |`;
  };
  return [
    `Turns: ${CONVERSATIONS} conversations at once, each ${TURNS} turns in a row after one to warm up, ${ROUNDS} rounds; text and click twice, a first pass after start and then a second, warm; Resolve (\`node dist/main.js\`, embedded store, AUDIT_KEY set) against a bare Agents SDK echo bot, both over HTTP, each measured once it has started and warmed up (Resolve from its "warmed up" log line). For the reply rows the two sides are Resolve on cases of ${SMALL} events, then of ${LARGE.toLocaleString('en-GB')}. CPU per turn: the process's user and system time over the turns, and of its main thread alone (where every turn's JavaScript runs; Resolve's embedded database has a thread of its own).`,
    '',
    '| round | turn | echo bot p50 | Resolve p50 | ratio | echo bot p99 | Resolve p99 | ratio | echo bot CPU per turn | Resolve CPU per turn | echo bot main thread | Resolve main thread |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    ...kinds.map((k) => pooled(k, all[k].echo, all[k].resolve)),
    pooled('reply: 10 events, then 1,000', history.small, history.large),
    '',
    `Written per Resolve turn (last round, the six passes together, start and stop included): ${(walPerTurn / 1024).toFixed(1)} KiB of write-ahead log.`,
  ];
}
