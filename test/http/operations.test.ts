/**
 * What the people who run Resolve rely on: liveness and readiness (a store that has gone away is
 * reported), Prometheus metrics (a turn is counted under its channel and step), and one request id
 * on every log line of a request and in its answer. In-process, on the embedded store, and on a
 * PostgreSQL server reached through a proxy this test can cut.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import type { CaseEvent } from '../../src/domain/escalation/events.js';
import { typedStep } from '../../src/http/metrics.js';
import { appLog, startApp, type RunningApp } from '../../src/start-app.js';
import { slashCommand } from '../slack/support-slack-api.js';
import { OWEN, slackHarness } from '../slack/support.js';
import { SAM } from '../teams/support.js';

type Line = Record<string, unknown>;

function logLines() {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Line);
      done();
    },
  });
  return { lines, log: appLog('info', stream) };
}

async function start(env: Record<string, string> = {}) {
  const { lines, log } = logLines();
  const loaded = loadConfig({ PORT: '0', DATA_DIR: join(mkdtempSync(join(tmpdir(), 'resolve-ops-')), 'data'), ...env });
  if (!loaded.ok) throw new Error(loaded.message);
  const app = await startApp(loaded.config, { log });
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${app.port}${path}`);
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  return { app, lines, get };
}

/** The value of the sample `name` whose labels include `labels`, or undefined when there is none. */
function sample(metrics: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of metrics.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const has = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => has[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('on the embedded store', () => {
  let connector: Server;
  let serviceUrl: string;
  let running: Awaited<ReturnType<typeof start>>;
  let app: RunningApp;

  beforeAll(async () => {
    // Where the bot's replies go (the conversation's serviceUrl): answered and forgotten.
    connector = createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"1"}')));
    await new Promise<void>((r) => connector.listen(0, '127.0.0.1', r));
    const address = connector.address();
    serviceUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    running = await start();
    app = running.app;
  }, 60_000);

  afterAll(async () => {
    // The last test closed the store itself, so stop's own closing of it fails; the rest stops.
    await app.stop().catch(() => undefined);
    await new Promise((r) => connector.close(r));
  });

  const say = (text: string) =>
    fetch(`http://127.0.0.1:${app.port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message', text, id: `a-${Math.random()}`, channelId: 'msteams', serviceUrl,
        from: { id: `29:${SAM}`, aadObjectId: SAM, name: 'Someone' },
        recipient: { id: '28:resolve-bot', name: 'Resolve' },
        conversation: { id: `personal-${SAM}`, conversationType: 'personal' },
      }),
    });

  it('answers liveness with nothing else asked, and readiness with every check and the details', async () => {
    const live = await running.get('/healthz');
    expect(live.status).toBe(200);
    expect(JSON.parse(live.text)).toEqual({ status: 'ok' });
    const ready = await running.get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toMatchObject({
      status: 'ready',
      checks: { store: 'ok', scheduler: 'ok', teams: 'ok', slack: 'ok' },
      store: 'pglite',
      jobs: { running: true, overdue: 0, failed: 0 },
      slack: 'off',
      partnership: { policy: 'bscb' },
    });
  });

  it('counts a turn under its channel and step, and lists every named series', async () => {
    const turns = (text: string) => sample(text, 'resolve_turn_duration_seconds_count', { channel: 'teams', step: 'help' });
    const before = turns((await running.get('/metrics')).text) ?? 0;
    expect((await say('help')).status).toBe(200);
    const metrics = await running.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(turns(metrics.text)).toBe(before + 1);
    // Typed text is never a label: an unknown command is "other".
    expect(metrics.text).not.toContain('step="help me"');
    for (const name of ['resolve_turn_duration_seconds', 'resolve_jobs_pending', 'resolve_jobs_overdue', 'resolve_jobs_failed', 'resolve_prompts_undeliverable_total', 'resolve_store_append_duration_seconds', 'process_cpu_seconds_total', 'nodejs_heap_size_used_bytes']) {
      expect(metrics.text).toContain(`# TYPE ${name} `);
    }
    expect(sample(metrics.text, 'resolve_jobs_failed')).toBe(0);
    expect(sample(metrics.text, 'resolve_jobs_pending')).toBeGreaterThanOrEqual(0);
  }, 30_000);

  it('times each append to the store by outcome', async () => {
    const appends = (text: string) => sample(text, 'resolve_store_append_duration_seconds_count', { outcome: 'recorded' });
    const before = appends((await running.get('/metrics')).text) ?? 0;
    const actor = { kind: 'person' as const, personId: 'p1', name: 'P One', role: 'practitioner' as const, agencyId: 'health', agencyName: 'Health' };
    const event: CaseEvent = { type: 'message-posted', at: new Date().toISOString(), actor, stage: 1, data: { text: 'x' } };
    const r = await app.store.append('RES-OPS-1', 0, [event]);
    expect(r.ok).toBe(true);
    expect(appends((await running.get('/metrics')).text)).toBe(before + 1);
  });

  it('puts one request id on every log line of a request and in its answer, and none outside requests', async () => {
    const from = running.lines.length;
    const res = await say('status RES-NOT-A-CASE-42');
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const lines = running.lines.slice(from);
    expect(lines.find((l) => l.msg === 'turn handled')).toMatchObject({ requestId: id, channel: 'teams', step: 'status', status: 200 });
    expect(lines.every((l) => l.requestId === id)).toBe(true);
    // Nothing a person typed is logged.
    expect(JSON.stringify(lines)).not.toContain('RES-NOT-A-CASE-42');
    expect(running.lines.find((l) => l.msg === 'scheduler started')).not.toHaveProperty('requestId');
    // A proxy's own id is kept when it is a plain token; anything else is replaced.
    const kept = await fetch(`http://127.0.0.1:${app.port}/healthz`, { headers: { 'x-request-id': 'lb-1234' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-1234');
    const replaced = await fetch(`http://127.0.0.1:${app.port}/healthz`, { headers: { 'x-request-id': 'a b\u00e9' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  }, 30_000);

  it('names the step of a typed message by its command word only', () => {
    expect(typedStep('  My Cases please')).toBe('my cases');
    expect(typedStep('escalate RES-1')).toBe('escalate');
    expect(typedStep('the child at 4 Elm Road')).toBe('other');
    expect(typedStep('')).toBe('other');
  });

  it('is not ready, and says why, once its store has gone away', async () => {
    await app.store.close();
    const ready = await running.get('/readyz');
    expect(ready.status).toBe(503);
    const body = JSON.parse(ready.text) as { status: string; checks: Record<string, string> };
    expect(body.status).toBe('not ready');
    expect(body.checks.store).toMatch(/^the pglite store cannot be reached: /);
    // Liveness is not readiness: the process still serves.
    expect((await running.get('/healthz')).status).toBe(200);
  });
});

describe('with Slack on', () => {
  it('counts a Slack request under the slack channel and its command, once its work is done', async () => {
    const h = await slackHarness();
    try {
      const metrics = async () => (await fetch(`http://127.0.0.1:${h.teams.app.port}/metrics`)).text();
      const turns = (text: string) => sample(text, 'resolve_turn_duration_seconds_count', { channel: 'slack', step: '/resolve-cases' });
      const before = turns(await metrics()) ?? 0;
      await h.send(slashCommand({ userId: OWEN, command: '/resolve-cases' }), (calls) => calls.some((c) => c.method === 'chat.postMessage'));
      // Slack was answered at the ack; the turn is timed until the answer in the DM has been sent.
      const until = Date.now() + 20_000;
      while ((turns(await metrics()) ?? 0) === before && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(turns(await metrics())).toBe(before + 1);
      const ready = (await (await fetch(`http://127.0.0.1:${h.teams.app.port}/readyz`)).json()) as Record<string, unknown>;
      expect(ready).toMatchObject({ status: 'ready', checks: { slack: 'ok' }, slack: 'http', channels: ['Teams', 'Slack'] });
    } finally {
      await h.stop();
    }
  }, 60_000);
});

/** A TCP proxy to the PostgreSQL server that the test can cut (every connection) and restore. */
async function cuttableProxy(target: URL) {
  const sockets = new Set<Socket>();
  let server = createTcpServer();
  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      server = createTcpServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        const a = server.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });
  const port = await listen(0);
  return {
    port,
    async cut() {
      await new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      });
    },
    restore: () => listen(port),
  };
}

const url = process.env.TEST_POSTGRES_URL;
describe('on a PostgreSQL server', () => {
  if (!url) {
    it.skip('SKIPPED: TEST_POSTGRES_URL is not set, so readiness against a PostgreSQL server that goes away was not tested', () => undefined);
    return;
  }

  it('is not ready while the server cannot be reached, and ready again when it can', async () => {
    const target = new URL(url);
    const proxy = await cuttableProxy(target);
    const through = new URL(url);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    const running = await start({ DATABASE_URL: through.toString() });
    try {
      expect((await running.get('/readyz')).status).toBe(200);
      await proxy.cut();
      const ready = await running.get('/readyz');
      expect(ready.status).toBe(503);
      expect((JSON.parse(ready.text) as { checks: Record<string, string> }).checks.store).toMatch(/^the postgres store cannot be reached: /);
      expect((await running.get('/healthz')).status).toBe(200);
      await proxy.restore();
      expect((await running.get('/readyz')).status).toBe(200);
    } finally {
      await running.app.stop();
      await proxy.cut();
    }
  }, 60_000);
});
