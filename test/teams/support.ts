/**
 * The app with its Teams door, driven over the Activity protocol as Teams drives it: activities
 * POSTed to /api/messages, and the bot's replies and proactive messages caught by a recording
 * connector on 127.0.0.1 (the conversation's serviceUrl).
 */
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/app/clock.js';
import { loadConfig } from '../../src/config.js';
import { startApp, type RunningApp } from '../../src/start-app.js';
import { capturedLog } from '../jobs/support.js';

export type Sent = { path: string; body: { type?: string; text?: string; attachments?: { contentType: string; content: Card }[] } };
export type Card = { type: string; body?: unknown[]; actions?: unknown[]; [k: string]: unknown };

export const SAM = '00000000-0000-0000-0000-000000000001';
export const PRIYA = '00000000-0000-0000-0000-000000000002';

/** The verbs of a card's buttons, in order. */
export const verbs = (card: Card) => ((card.actions ?? []) as { verb: string }[]).map((a) => a.verb);

export async function teamsHarness(options: { clock?: Clock; env?: (serviceUrl: string) => Record<string, string> } = {}) {
  const sent: Sent[] = [];
  /** The conversation roster: what GET .../members/<id> answers for a user id (else 404). */
  const roster = new Map<string, { email?: string; userPrincipalName?: string }>();
  const connector = createServer((req, res) => {
    const member = req.method === 'GET' ? /\/v3\/conversations\/[^/]+\/members\/([^/?]+)/.exec(req.url ?? '') : null;
    if (member) {
      const id = decodeURIComponent(member[1]!);
      const found = roster.get(id);
      res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(found ? { id, name: 'Someone', ...found } : { error: { code: 'MemberNotFoundInConversation' } }));
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      sent.push({ path: req.url ?? '', body: body ? (JSON.parse(body) as Sent['body']) : {} });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `activity-${sent.length}` }));
    });
  });
  await new Promise<void>((r) => connector.listen(0, '127.0.0.1', r));
  const address = connector.address();
  const serviceUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  const log = capturedLog();
  // On a fake clock the test runs due jobs itself. The queue compares due times with the real
  // clock, so a job due at a fake instant already past in real time would also fire on its own,
  // mid-test: the queue is only polled once a minute there (a test's own env can say otherwise).
  const quiet = options.clock ? { JOBS_POLL_MS: '60000' } : {};
  const loaded = loadConfig({ PORT: '0', LOG_LEVEL: 'info', DATA_DIR: join(mkdtempSync(join(tmpdir(), 'resolve-teams-')), 'data'), ...quiet, ...options.env?.(serviceUrl) });
  if (!loaded.ok) throw new Error(loaded.message);
  const config = loaded.config;
  let app: RunningApp = await startApp(config, { log: log.log, ...(options.clock ? { clock: options.clock } : {}) });

  const post = async (activity: Record<string, unknown>, aadObjectId: string) => {
    const res = await fetch(`http://127.0.0.1:${app.port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: `a-${Math.random()}`,
        channelId: 'msteams',
        serviceUrl,
        from: { id: `29:${aadObjectId}`, aadObjectId, name: 'Someone' },
        recipient: { id: '28:resolve-bot', name: 'Resolve' },
        conversation: { id: `personal-${aadObjectId}`, conversationType: 'personal' },
        ...activity,
      }),
    });
    const text = await res.text();
    return { status: res.status, text, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  return {
    sent,
    log,
    /** Puts a member in the recording connector's roster, keyed by their Teams user id ("29:<aadObjectId>" here). */
    rosterAdd(aadObjectId: string, member: { email?: string; userPrincipalName?: string }) {
      roster.set(`29:${aadObjectId}`, member);
    },
    /** The recording connector's URL (the serviceUrl of every activity posted). */
    serviceUrl,
    /** POSTs an activity as it is (the defaults above filled in) and returns the HTTP answer. */
    post,
    get app() {
      return app;
    },
    /** A message typed in the person's chat with the bot; returns what the bot sent back. */
    async say(text: string, aadObjectId = SAM) {
      const before = sent.length;
      const r = await post({ type: 'message', text }, aadObjectId);
      if (r.status >= 300) throw new Error(`POST /api/messages answered ${r.status}`);
      return sent.slice(before).map((s) => s.body);
    },
    /** Any other activity (e.g. the app installed in a team); returns what the bot sent back. */
    async send(activity: Record<string, unknown>, aadObjectId = SAM) {
      const before = sent.length;
      const r = await post(activity, aadObjectId);
      if (r.status >= 300) throw new Error(`POST /api/messages answered ${r.status}`);
      return sent.slice(before);
    },
    /** A click on an Action.Execute button; returns the card that replaces the one clicked. */
    async click(verb: string, data: Record<string, unknown>, aadObjectId = SAM): Promise<Card> {
      const r = await post({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } }, aadObjectId);
      const value = r.body.value as Card | undefined;
      if (r.status !== 200 || r.body.type !== 'application/vnd.microsoft.card.adaptive' || !value) throw new Error(`${verb}: unexpected invoke response ${r.status} ${JSON.stringify(r.body)}`);
      return value;
    },
    async restart() {
      await app.stop();
      app = await startApp(config, { log: log.log, ...(options.clock ? { clock: options.clock } : {}) });
    },
    async stop() {
      await app.stop();
      await new Promise((r) => connector.close(r));
    },
  };
}

/** Every TextBlock's text and every input of a card, in order, for assertions. */
export function cardText(card: Card): string[] {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    if (typeof o.type === 'string' && o.type.startsWith('Input.')) out.push(`[${o.type} ${String(o.id)}${o.label ? `: ${String(o.label)}` : ''}]`);
    Object.values(o).forEach(walk);
  };
  walk(card.body);
  return out;
}

export type Input = { type: string; id: string; choices?: { title: string; value: string }[] };

/** The step a card asks: its id (on the Next button) and its one input. */
export function stepOf(card: Card): { stepId: string; input: Input } {
  const next = (card.actions as { verb?: string; data?: { stepId?: string } }[]).find((a) => a.verb === 'intake.answer');
  let input: Input | undefined;
  const find = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(find);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Input.') && o.id === 'answer') input = o as unknown as Input;
    Object.values(o).forEach(find);
  };
  find(card.body);
  if (!next?.data?.stepId || !input) throw new Error(`not an intake step card: ${JSON.stringify(cardText(card))}`);
  return { stepId: next.data.stepId, input };
}

/** What a practitioner would answer: no to the urgent question and to another procedure's off-ramps, yes to the checks, the police. */
export function answerFor(stepId: string, input: Input): string {
  if (stepId === 'immediate-risk' || stepId.startsWith('off-ramp:')) return 'no';
  if (input.choices?.some((c) => c.value === 'yes')) return 'yes';
  if (stepId === 'other-agency') return 'police';
  if (input.choices) return input.choices[0]!.value;
  if (stepId === 'child-record-ref') return 'CSC-20417';
  return `About ${stepId}`;
}

/** Walks the intake from "escalate" to the summary card, answering as answerFor does. */
export async function walkToSummary(h: Awaited<ReturnType<typeof teamsHarness>>, aadObjectId = SAM, answers: Record<string, string> = {}): Promise<Card> {
  const [first] = await h.say('escalate', aadObjectId);
  let card = first!.attachments![0]!.content;
  for (let i = 0; (card.actions as { verb?: string }[]).some((a) => a.verb === 'intake.answer'); i++) {
    if (i > 40) throw new Error('the walk never ended');
    const { stepId, input } = stepOf(card);
    card = await h.click('intake.answer', { stepId, answer: answers[stepId] ?? answerFor(stepId, input) }, aadObjectId);
  }
  return card;
}
