/**
 * The express-like response the Agents SDK writes to, over Node's own: Resolve serves the SDK
 * from Node's HTTP server, not Express. (The turn benchmark's echo bot uses it too, so both sides
 * pay the same.)
 */
import type { ServerResponse } from 'node:http';

export function webResponse(res: ServerResponse) {
  const web = {
    status(code: number) {
      res.statusCode = code;
      return web;
    },
    setHeader(name: string, value: string) {
      res.setHeader(name, value);
      return web;
    },
    /**
     * Sends the body and ends the response, as Express's `send` does: in one write with its
     * length, which costs less than the same body sent in chunks (about 12 µs less for a card).
     */
    send(body?: unknown) {
      if (body === undefined) return web;
      if (typeof body === 'string' || Buffer.isBuffer(body)) res.end(body);
      else {
        if (!res.headersSent && !res.getHeader('content-type')) res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      }
      return web;
    },
    end() {
      if (!res.writableEnded) res.end();
      return web;
    },
    get headersSent() {
      return res.headersSent;
    },
    get writableEnded() {
      return res.writableEnded;
    },
  };
  return web;
}
