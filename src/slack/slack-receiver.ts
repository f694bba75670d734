/**
 * POST /slack/events on our own HTTP server, for Bolt: a request dated more than five minutes
 * from now either way gets 401, then Slack's signature is checked (Bolt's own check: a forged or
 * missing one gets 401), a body that is not a Slack payload of the shape the handlers read gets
 * 400 (payload-check.ts), a signature seen before, on any instance, gets 401, and only then does
 * Bolt see it. Bolt's HTTPResponseAck answers Slack as soon as a handler acks, so the work after
 * ack() does not hold Slack's three seconds.
 */
import { HTTPModuleFunctions as http, HTTPResponseAck, type App, type Receiver } from '@slack/bolt';
import type { Logger as SlackLogger } from '@slack/logger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Claims } from '../app/claims.js';
import type { Store } from '../app/store.js';
import { checkPayload } from './payload-check.js';

/** How far a request's timestamp may be from now, either way (Slack's own rule). */
const FRESH_S = 5 * 60;
/**
 * A signature is remembered (in the store, so every instance sees it) while a request bearing it
 * could still be accepted: its timestamp is within five minutes of now, so ten minutes from first
 * sight covers it whichever side of now it was dated.
 */
const SIGNATURES = 'slack-signature';
const REMEMBER_MS = 2 * FRESH_S * 1000;

export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;
  private readonly signatures: Claims;

  constructor(private readonly opts: { signingSecret: string; logger: SlackLogger; store: Store; now?: () => number }) {
    this.signatures = new Claims(opts.store, SIGNATURES, { leaseMs: REMEMBER_MS, keepMs: REMEMBER_MS, ...(opts.now ? { now: opts.now } : {}) });
  }

  init(app: App): void {
    this.app = app;
  }
  // Our HTTP server listens; Bolt's start and stop have nothing to open or close.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { logger } = this.opts;
    const now = (this.opts.now ?? Date.now)() / 1000;
    const ts = Number(req.headers['x-slack-request-timestamp'] ?? NaN);
    if (!Number.isInteger(ts) || Math.abs(now - ts) > FRESH_S) {
      logger.warn('Refused a Slack request dated more than five minutes from now');
      return http.buildNoBodyResponse(res, 401);
    }
    let buffered;
    try {
      buffered = await http.parseAndVerifyHTTPRequest({ enabled: true, signingSecret: this.opts.signingSecret }, req);
    } catch (err) {
      if (http.isRawBodyError(err) && (err.type === 'entity.too.large' || err.statusCode === 413)) return http.buildNoBodyResponse(res, 413);
      logger.warn(`Refused a Slack request: ${(err as Error).message}`);
      return http.buildNoBodyResponse(res, 401);
    }
    let body: Record<string, unknown>;
    try {
      body = http.parseHTTPRequestBody(buffered) as Record<string, unknown>;
    } catch (err) {
      logger.warn(`Refused a malformed Slack request: ${(err as Error).message}`);
      return http.buildNoBodyResponse(res, 400);
    }
    if (body.ssl_check === '1') return http.buildSSLCheckResponse(res);
    if (body.type === 'url_verification') return http.buildUrlVerificationResponse(res, body);
    const checked = checkPayload(body);
    if (!checked.ok) {
      logger.warn(`Refused a Slack request that is not a command, event or interaction this app reads (${checked.reason})`);
      return http.buildNoBodyResponse(res, 400);
    }
    // A retried event carries the same event_id, which the app records once (it may be re-signed
    // or not); anything else seen before is a replay.
    const retried = req.headers['x-slack-retry-num'] !== undefined && checked.kind === 'event';
    if (!retried && !(await this.signatures.claim(http.getHeader(req, 'x-slack-signature')))) {
      logger.warn('Refused a replayed Slack request');
      return http.buildNoBodyResponse(res, 401);
    }
    const ack = new HTTPResponseAck({ logger, processBeforeResponse: false, httpRequest: buffered, httpRequestBody: body, httpResponse: res });
    const retryNum = http.extractRetryNumFromHTTPRequest(req);
    const retryReason = http.extractRetryReasonFromHTTPRequest(req);
    try {
      await this.app!.processEvent({ body, ack: ack.bind(), ...(retryNum !== undefined ? { retryNum } : {}), ...(retryReason ? { retryReason } : {}) });
    } catch (err) {
      logger.error('A Slack request failed', err);
      if (!res.headersSent) http.buildNoBodyResponse(res, 500);
    }
  }
}
