/**
 * The HTTP server: the health check, the Teams endpoint and, when Slack is set up over HTTP, Slack's.
 * Requests it does not know get a plain 404, never a stack trace.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export type Health = () => Promise<Record<string, unknown>> | Record<string, unknown>;
type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
type Deps = { health: Health; log: Logger; teams?: Handler; slack?: Handler };

export function createHttpServer(deps: Deps): Server {
  return createServer((req, res) => {
    handle(req, res, deps).catch((err: unknown) => {
      deps.log.error({ err, url: req.url }, 'request failed');
      if (!res.headersSent) send(res, 500, { error: 'Something went wrong. It has been logged.' });
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: Deps) {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
    return send(res, 200, { status: 'ok', ...(await deps.health()) });
  }
  if (path === '/api/messages' && req.method === 'POST' && deps.teams) return deps.teams(req, res);
  if (path === '/slack/events' && req.method === 'POST' && deps.slack) return deps.slack(req, res);
  send(res, 404, { error: 'Not found' });
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
