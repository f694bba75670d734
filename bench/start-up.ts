/**
 * Start-up: the real process, as `npm start` runs it (`node dist/main.js`, so build first), on a
 * fresh DATA_DIR (the embedded store is created) and then again on the same one (a restart),
 * timed from spawn until GET /readyz answers 200. The log's own timestamps show where the time
 * went: until the store is ready (Node, imports, PGlite, migrations), then the scheduler, then
 * listening.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuMs } from './process-cpu.js';

// BENCH_START_ENTRY: another build to measure (an older one, to compare).
const ENTRY = process.env.BENCH_START_ENTRY ?? join(process.cwd(), 'dist/main.js');

/** `cpu`: the process's user and system time until ready (on Linux), which a busy machine changes far less than the wall clock. */
export type StartUp = { ready: number; store: number; scheduler: number; listening: number; cpu: number };

async function startOnce(dataDir: string): Promise<StartUp> {
  const spawned = Date.now();
  const child = spawn(process.execPath, [ENTRY], { env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', DATA_DIR: dataDir, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const at: Record<string, number> = {};
  let port = 0;
  let buffered = '';
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const entry = JSON.parse(line) as { msg: string; time: number; port?: number };
      at[entry.msg] ??= entry.time - spawned;
      if (entry.port) port = entry.port;
    }
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the process exited with code ${child.exitCode} before it was ready`);
      if (port) {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
        if (res?.status === 200) break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const ready = Date.now() - spawned;
    const cpu = cpuMs(child.pid);
    const listening = Object.entries(at).find(([msg]) => msg.startsWith('Resolve is listening'))?.[1] ?? NaN;
    return { ready, store: at['store ready'] ?? NaN, scheduler: at['scheduler started'] ?? NaN, listening, cpu };
  } finally {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchStartUp(runs: number): Promise<string[]> {
  if (!existsSync(ENTRY)) return [`Start-up not measured: ${ENTRY} is missing (run \`npm run build\`).`];
  const fresh: StartUp[] = [];
  const restart: StartUp[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'resolve-bench-start-'));
    try {
      process.stderr.write(`start-up: run ${i + 1} of ${runs}...\n`);
      fresh.push(await startOnce(join(dir, 'data')));
      restart.push(await startOnce(join(dir, 'data')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const row = (name: string, xs: StartUp[]) => {
    const ready = xs.map((x) => x.ready);
    const s = (n: number) => `${(n / 1000).toFixed(2)} s`;
    return `| ${name} | ${xs.length} | ${s(median(ready))} | ${s(Math.min(...ready))} | ${s(Math.max(...ready))} | ${s(median(xs.map((x) => x.store)))} | ${s(median(xs.map((x) => x.scheduler)))} | ${s(median(xs.map((x) => x.listening)))} | ${s(median(xs.map((x) => x.cpu)))} |`;
  };
  return [
    `Start-up: \`node dist/main.js\` (what \`npm start\` runs) on the embedded store, from spawn until GET /readyz answers 200; the next three columns are medians from the log's timestamps, the last the median of the process's CPU time (user and system) until ready.`,
    '',
    '| start | runs | ready: median | min | max | store ready | scheduler started | listening | CPU until ready |',
    '|---|---|---|---|---|---|---|---|---|',
    row('fresh DATA_DIR (creates the database)', fresh),
    row('restart on the same DATA_DIR', restart),
  ];
}
