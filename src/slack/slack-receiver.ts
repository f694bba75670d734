/**
 * POST /slack/events on our own HTTP server, for Bolt: Slack's signature and timestamp are checked
 * (Bolt's own check: a forged or missing signature, or a request more than five minutes old, gets
 * 401), a request seen before gets 401 too, a body that is not a Slack payload gets 400, and only
 * then does Bolt see it. Bolt's HTTPResponseAck answers Slack as soon as a handler acks, so the
 * work after ack() does not hold Slack's three seconds.
 */
import { HTTPModuleFunctions as http, HTTPResponseAck, type App, type Receiver } from '@slack/bolt';
import type { Logger as SlackLogger } from '@slack/logger';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a signature stays fresh for Slack (and so how long it must be remembered). */
const FRESH_MS = 5 * 60 * 1000;
const KNOWN_TYPES = new Set(['event_callback', 'block_actions', 'view_submission', 'view_closed', 'shortcut', 'message_action', 'block_suggestion']);

export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;
  /** Signatures accepted in the last five minutes: one replayed inside that window is refused. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly opts: { signingSecret: string; logger: SlackLogger; now?: () => number }) {}

  init(app: App): void {
    this.app = app;
  }
  // Our HTTP server listens; Bolt's start and stop have nothing to open or close.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { logger } = this.opts;
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
    if (!isSlackPayload(body)) {
      logger.warn('Refused a Slack request that is not a command, event or interaction');
      return http.buildNoBodyResponse(res, 400);
    }
    // A retried event carries the same event_id, which the app records once (it may be re-signed
    // or not); anything else seen before is a replay.
    const retried = req.headers['x-slack-retry-num'] !== undefined && body.type === 'event_callback';
    if (!retried && !this.firstSight(http.getHeader(req, 'x-slack-signature'))) {
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

  private firstSight(signature: string): boolean {
    const now = (this.opts.now ?? Date.now)();
    // Oldest first (a Map keeps insertion order): forget what can no longer be replayed.
    for (const [sig, at] of this.seen) {
      if (now - at <= FRESH_MS) break;
      this.seen.delete(sig);
    }
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, now);
    return true;
  }
}

function isSlackPayload(body: Record<string, unknown>): boolean {
  if (typeof body.command === 'string') return typeof body.user_id === 'string';
  if (typeof body.type !== 'string' || !KNOWN_TYPES.has(body.type)) return false;
  if (body.type === 'event_callback') return typeof body.event === 'object' && body.event !== null && typeof body.event_id === 'string';
  const user = body.user as { id?: unknown } | undefined;
  return typeof user?.id === 'string';
}
