/**
 * Test helpers for driving a Slack Bolt app over real HTTP without the real Slack:
 * - a recording fake of Slack's Web API for the app's WebClient to call, and
 * - signed request builders for posting slash commands, interactions and events to the app's receiver.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------
// The recording Web API
// ---------------------------------------------------------------------------------------------

export interface SlackApiCall {
  method: string;
  /** The body the client sent, with JSON-encoded objects (blocks, view, ...) parsed back, and without `token`. */
  params: Record<string, unknown>;
  /** From the Authorization header, or the `token` param when there is no header. */
  token?: string;
  /** What the recording server answered (e.g. the ts of a posted message). */
  response: Record<string, unknown>;
}

export interface RecordingSlackApi {
  /** Base URL for `clientOptions.slackApiUrl`, with the trailing slash WebClient expects. */
  url: string;
  calls: SlackApiCall[];
  callsOf(method: string): Record<string, unknown>[];
  /** The next call of `method` answers `{ ok: false, error }` (queued: call twice to fail twice). */
  failNext(method: string, error: string): void;
  /** users.info answers this work email in the user's profile (by default a profile has none). */
  setEmail(userId: string, email: string): void;
  waitFor(predicate: (calls: SlackApiCall[]) => boolean, timeoutMs?: number): Promise<void>;
  clear(): void;
  close(): Promise<void>;
}

export async function startRecordingSlackApi(): Promise<RecordingSlackApi> {
  const calls: SlackApiCall[] = [];
  const failures = new Map<string, string[]>();
  const emails = new Map<string, string>();
  let counter = 100; // one counter for message ts and view ids keeps them unique and increasing

  function answer(method: string, params: Record<string, unknown>): Record<string, unknown> {
    const error = failures.get(method)?.shift();
    if (error !== undefined) return { ok: false, error };
    counter += 1;
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0DEMO', team: 'Demo', user: 'resolve', url: 'https://demo.slack.com/' };
      case 'users.info': {
        const id = String(params.user);
        const email = emails.get(id);
        return { ok: true, user: { id, team_id: 'T0DEMO', is_bot: false, profile: email ? { email } : {} } };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: typeof params.users === 'string' ? `D${params.users}` : params.channel } };
      case 'chat.postMessage': {
        const ts = `1700000000.${String(counter).padStart(6, '0')}`;
        const { text, blocks, thread_ts } = params;
        return { ok: true, channel: params.channel, ts, message: { text, blocks, ts, thread_ts } };
      }
      case 'conversations.info': {
        // A test's ids say what they are: D… a DM, G… a group DM, C… a channel.
        const id = String(params.channel);
        return { ok: true, channel: { id, is_im: id.startsWith('D'), is_mpim: id.startsWith('G'), is_channel: id.startsWith('C'), is_group: false } };
      }
      case 'chat.update':
        return { ok: true, channel: params.channel, ts: params.ts, text: params.text };
      case 'views.open':
      case 'views.update':
      case 'views.push':
      case 'views.publish': {
        const view = typeof params.view === 'object' && params.view !== null ? params.view : {};
        // views.update keeps the id it was given, as Slack does; the others get a fresh one.
        const id = typeof params.view_id === 'string' ? params.view_id : `V${counter}`;
        return { ok: true, view: { id, hash: `h${counter}`, ...view } };
      }
      default:
        return { ok: true };
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = url.pathname.replace(/^\/api\//, '');
      const params = await readParams(req);
      for (const [key, value] of url.searchParams) params[key] ??= value;
      const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const token = auth ?? (typeof params.token === 'string' ? params.token : undefined);
      delete params.token;
      const response = answer(method, params);
      calls.push(token === undefined ? { method, params, response } : { method, params, token, response });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(response));
    })().catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method).map((c) => c.params),
    failNext(method, error) {
      failures.set(method, [...(failures.get(method) ?? []), error]);
    },
    setEmail(userId, email) {
      emails.set(userId, email);
    },
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(calls)) {
        if (Date.now() > deadline) {
          throw new Error(`Timed out after ${timeoutMs} ms waiting for Slack API calls; called so far: ${calls.map((c) => c.method).join(', ') || '(none)'}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    clear() {
      calls.length = 0; // in place, so a reference to `api.calls` stays live
      failures.clear();
    },
    close() {
      // Bolt's client keeps connections alive; without this, close() would wait for them to time out.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/** Parses a form, multipart or JSON body; WebClient JSON-encodes object params inside forms, so those are parsed too. */
async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const contentType = req.headers['content-type'] ?? '';
  if (raw.length === 0) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  // Response.formData() reads both urlencoded and multipart bodies (file uploads use multipart).
  const form = await new Response(raw, { headers: { 'content-type': contentType || 'application/x-www-form-urlencoded' } }).formData();
  const params: Record<string, unknown> = {};
  for (const [key, value] of form) params[key] = typeof value === 'string' ? parseJsonish(value) : `<file ${value.name}>`;
  return params;
}

function parseJsonish(value: string): unknown {
  if (!/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value; // text that merely starts with a bracket
  }
}

// ---------------------------------------------------------------------------------------------
// Signed requests to the app's receiver
// ---------------------------------------------------------------------------------------------

export const SIGNING_SECRET = 'test-signing-secret';
const APP_ID = 'A0RESOLVE';
const VERIFICATION_TOKEN = 'legacy-verification-token'; // Slack still sends it; Bolt ignores it
const RESPONSE_URL = 'http://127.0.0.1:9/response'; // port 9 (discard): nothing should post there unnoticed

export type SlackBodyType = 'form' | 'json';
export interface SlackRequestBody {
  body: string;
  contentType: SlackBodyType;
}

/** Slack's request signature, as Bolt's verifySlackRequest checks it. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface PostSignedOptions {
  /** Defaults to the builder's type, or for a plain string to json when it looks like JSON, else form. */
  contentType?: SlackBodyType;
  secret?: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** Sent instead of the computed signature, to test rejection. */
  signature?: string;
  headers?: Record<string, string>;
}

export interface SignedResponse {
  status: number;
  text: string;
  /** The parsed body, or undefined when it is not JSON (Bolt often acks with an empty body). */
  json: unknown;
}

/** Posts a body signed as Slack would; `body` may be a string or what one of the builders below returns. */
/** Requests posted to each URL, so a harness can wait until the app has finished them all. */
const posted = new Map<string, number>();
export const postsTo = (url: string): number => posted.get(url) ?? 0;

export async function postSigned(url: string, body: string | SlackRequestBody, options: PostSignedOptions = {}): Promise<SignedResponse> {
  posted.set(url, postsTo(url) + 1);
  const text = typeof body === 'string' ? body : body.body;
  const type = options.contentType ?? (typeof body === 'string' ? (text.trimStart().startsWith('{') ? 'json' : 'form') : body.contentType);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': type === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? signature(options.secret ?? SIGNING_SECRET, timestamp, text),
      ...options.headers,
    },
    body: text,
  });
  const responseText = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(responseText) as unknown;
  } catch {
    json = undefined;
  }
  return { status: res.status, text: responseText, json };
}

const randomId = () => randomUUID().slice(0, 8);
const nowTs = () => (Date.now() / 1000).toFixed(6);
const form = (fields: Record<string, string>): SlackRequestBody => ({ body: new URLSearchParams(fields).toString(), contentType: 'form' });
/** Interactive payloads arrive as a form with a single JSON `payload` field. */
const payload = (value: Record<string, unknown>) => form({ payload: JSON.stringify(value) });
const common = (userId: string, teamId: string) => ({
  token: VERIFICATION_TOKEN,
  api_app_id: APP_ID,
  team: { id: teamId, domain: 'demo' },
  user: { id: userId, team_id: teamId },
  is_enterprise_install: false,
  enterprise: null,
});

export function slashCommand(o: { userId: string; teamId?: string; command: string; text?: string; triggerId?: string; channelId?: string }): SlackRequestBody {
  const channelId = o.channelId ?? `D${o.userId}`;
  return form({
    token: VERIFICATION_TOKEN,
    team_id: o.teamId ?? 'T0DEMO',
    team_domain: 'demo',
    channel_id: channelId,
    channel_name: channelId.startsWith('D') ? 'directmessage' : channelId.toLowerCase(),
    user_id: o.userId,
    user_name: o.userId.toLowerCase(),
    command: o.command,
    text: o.text ?? '',
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: RESPONSE_URL,
    trigger_id: o.triggerId ?? `trig-${randomId()}`,
  });
}

export type StateValues = Record<string, Record<string, Record<string, unknown>>>;

export interface ModalRef {
  id: string;
  callback_id?: string;
  private_metadata?: string;
  state?: { values: StateValues };
}

export function blockAction(o: {
  userId: string;
  teamId?: string;
  actionId: string;
  value?: string;
  blockId?: string;
  channelId?: string;
  messageTs?: string;
  /** For an action inside a modal. */
  view?: ModalRef;
  stateValues?: StateValues;
  triggerId?: string;
}): SlackRequestBody {
  const body: Record<string, unknown> = {
    type: 'block_actions',
    ...common(o.userId, o.teamId ?? 'T0DEMO'),
    trigger_id: o.triggerId ?? `trig-${randomId()}`,
    actions: [{ action_id: o.actionId, block_id: o.blockId ?? 'b', value: o.value, type: 'button', action_ts: nowTs() }],
  };
  if (o.view) {
    body.container = { type: 'view', view_id: o.view.id };
    body.view = { type: 'modal', ...o.view, state: { values: o.stateValues ?? o.view.state?.values ?? {} } };
  } else if (o.channelId !== undefined || o.messageTs !== undefined) {
    body.container = { type: 'message', message_ts: o.messageTs, channel_id: o.channelId };
    body.channel = { id: o.channelId };
    body.message = { ts: o.messageTs, text: '' };
    body.response_url = RESPONSE_URL; // Slack sends one for actions on messages
  }
  if (!o.view && o.stateValues) body.state = { values: o.stateValues };
  return payload(body);
}

interface ViewPayloadOptions {
  userId: string;
  teamId?: string;
  callbackId: string;
  privateMetadata?: string;
  stateValues?: StateValues;
  viewId?: string;
}

function viewPayload(type: 'view_submission' | 'view_closed', o: ViewPayloadOptions, extra: Record<string, unknown>): SlackRequestBody {
  return payload({
    type,
    ...common(o.userId, o.teamId ?? 'T0DEMO'),
    view: {
      id: o.viewId ?? 'V1',
      type: 'modal',
      callback_id: o.callbackId,
      private_metadata: o.privateMetadata ?? '',
      state: { values: o.stateValues ?? {} },
    },
    ...extra,
  });
}

export function viewSubmission(o: ViewPayloadOptions & { triggerId?: string }): SlackRequestBody {
  // Empty response_urls: Bolt only offers respond() when the modal asked for a response URL.
  return viewPayload('view_submission', o, { trigger_id: o.triggerId ?? `trig-${randomId()}`, response_urls: [] });
}

export function viewClosed(o: ViewPayloadOptions): SlackRequestBody {
  return viewPayload('view_closed', o, { is_cleared: false });
}

export function globalShortcut(o: { userId: string; teamId?: string; callbackId: string; triggerId?: string }): SlackRequestBody {
  return payload({
    type: 'shortcut',
    ...common(o.userId, o.teamId ?? 'T0DEMO'),
    callback_id: o.callbackId,
    trigger_id: o.triggerId ?? `trig-${randomId()}`,
    action_ts: nowTs(),
  });
}

export function eventCallback(event: Record<string, unknown>, o: { eventId?: string; teamId?: string } = {}): SlackRequestBody {
  const teamId = o.teamId ?? 'T0DEMO';
  const body = {
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: APP_ID,
    type: 'event_callback',
    event_id: o.eventId ?? `Ev${randomId()}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
    // Bolt takes the team (and enterprise install flag) for authorize() from here when present.
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
  };
  return { body: JSON.stringify(body), contentType: 'json' };
}

// ---------------------------------------------------------------------------------------------
// state.values, as Slack reports the inputs of a modal or message
// ---------------------------------------------------------------------------------------------

const state = (blockId: string, actionId: string, element: Record<string, unknown>): StateValues => ({ [blockId]: { [actionId]: element } });
const option = (value: string) => ({ value, text: { type: 'plain_text', text: value } });

export const textState = (blockId: string, actionId: string, value: string) => state(blockId, actionId, { type: 'plain_text_input', value });
export const selectState = (blockId: string, actionId: string, value: string) => state(blockId, actionId, { type: 'static_select', selected_option: option(value) });
export const radioState = (blockId: string, actionId: string, value: string) => state(blockId, actionId, { type: 'radio_buttons', selected_option: option(value) });
/** `date` as Slack sends it: YYYY-MM-DD. */
export const dateState = (blockId: string, actionId: string, date: string) => state(blockId, actionId, { type: 'datepicker', selected_date: date });

/** Combines states; several actions in one block are kept side by side. */
export function mergeStates(...states: StateValues[]): StateValues {
  const merged: StateValues = {};
  for (const s of states) for (const [blockId, actions] of Object.entries(s)) merged[blockId] = { ...merged[blockId], ...actions };
  return merged;
}
