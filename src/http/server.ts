/**
 * The HTTP server: liveness (/healthz), readiness (/readyz), Prometheus metrics (/metrics), the
 * Teams endpoint and, when Slack is set up over HTTP, Slack's. Every request gets an id (in the
 * X-Request-Id header and on every log line written while handling it); a Teams or Slack request
 * is timed as a turn. Requests it does not know get a plain 404, never a stack trace.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { observeTurn, registry, stepLabel, type TurnChannel } from './metrics.js';
import { requestIdFrom, runInRequest } from './request-context.js';

/** Whether the app can take work: each check is "ok" or what is wrong, in plain words; details are for people. */
export type Readiness = () => Promise<{ ready: boolean; checks: Record<string, string>; details: Record<string, unknown> }>;
type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
type Deps = { ready: Readiness; log: Logger; teams?: Handler; slack?: Handler };

export function createHttpServer(deps: Deps): Server {
  return createServer((req, res) => {
    const context = { requestId: requestIdFrom(req.headers['x-request-id']), step: null };
    res.setHeader('x-request-id', context.requestId);
    runInRequest(context, () =>
      handle(req, res, deps, () => context.step).catch((err: unknown) => {
        deps.log.error({ err, path: pathOf(req) }, 'request failed');
        if (!res.headersSent) send(res, 500, { error: 'Something went wrong. It has been logged.' });
      }),
    );
  });
}

const pathOf = (req: IncomingMessage) => (req.url ?? '/').split('?')[0];

async function handle(req: IncomingMessage, res: ServerResponse, deps: Deps, step: () => string | null) {
  const path = pathOf(req);
  const read = req.method === 'GET' || req.method === 'HEAD';
  // Liveness: the process serves requests. Nothing else is asked, so it stays cheap.
  if (path === '/healthz' && read) return send(res, 200, { status: 'ok' });
  if (path === '/readyz' && read) {
    const { ready, checks, details } = await deps.ready();
    return send(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks, ...details });
  }
  if (path === '/metrics' && read) {
    res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
    return void res.end(await registry.metrics());
  }
  if (path === '/api/messages' && req.method === 'POST' && deps.teams) return turn('teams', deps.teams, res, deps.log, step);
  if (path === '/slack/events' && req.method === 'POST' && deps.slack) return turn('slack', deps.slack, res, deps.log, step);
  send(res, 404, { error: 'Not found' });
}

/**
 * A door's whole handling of one request, including any work after it has answered, timed and
 * logged as one line: channel, step, status and time, never what was said or who said it.
 */
async function turn(channel: TurnChannel, door: Handler, res: ServerResponse, log: Logger, step: () => string | null) {
  const started = performance.now();
  try {
    await door(res.req, res);
  } finally {
    const seconds = (performance.now() - started) / 1000;
    observeTurn(channel, step(), seconds);
    log.info({ channel, step: stepLabel(step()), status: res.statusCode, ms: Math.round(seconds * 1000) }, 'turn handled');
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export function listen(server: Server, port: number, host: string): Promise<{ port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve({ port: typeof addr === 'object' && addr ? addr.port : port });
    });
  });
}

/**
 * Stops taking connections and lets requests in progress finish: idle keep-alive connections are
 * closed at once, and each busy one as soon as its response is done. After `graceMs` any still
 * open are cut, so a stuck request cannot hold the stop past the process's own limit.
 */
export async function closeGracefully(server: Server, graceMs: number): Promise<{ cut: boolean }> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
  try {
    if ((await Promise.race([closed, late])) !== 'late') return { cut: false };
    server.closeAllConnections();
    await closed;
    return { cut: true };
  } finally {
    clearInterval(sweep);
    clearTimeout(timer);
  }
}
