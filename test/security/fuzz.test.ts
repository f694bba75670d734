/**
 * Hostile input at both doors, generated with fast-check: Teams activities with wrong types, deep
 * nesting, bad serviceUrls, NUL and lone-surrogate text, objects where references belong and huge
 * words; Slack commands, interactions and events of the same kinds, signed correctly so they reach
 * the handlers. Against the running app: no 5xx, no crash, nothing internal said to anyone (the
 * HTTP answers and every message the app sent through the Teams connector or Slack's API), no
 * error logged, no message text in the log, and /healthz up at the end.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { STEP_VERBS } from '../../src/app/steps/index.js';
import { postSigned } from '../slack/support-slack-api.js';
import { AISHA, BETHAN, OWEN, slackHarness } from '../slack/support.js';
import { PRIYA, SAM } from '../teams/support.js';

jest.setTimeout(120_000);

const SEED = 20261130;
const TEAMS_RUNS = 1100;
const SLACK_RUNS = 900;
const CONCURRENCY = 6;
/** Put in generated text, so the log can be searched for it. */
const CANARY = 'CANARYWORD';

/** What must never reach a person or an HTTP answer: stack frames, JS internals, file paths. */
const INTERNAL = [/Error:/, /\n\s+at /, /\bat .+:\d+:\d+/, /\[object Object\]/, /\bundefined\b/, /\bNaN\b/, /\/src\//, /node_modules/, /\.ts:\d+/];
const leaks = (text: string) => INTERNAL.filter((p) => p.test(text)).map(String);

// ---- building blocks ---------------------------------------------------------------------------

const nasty = fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udc00y', '\udfff\ud800', '%00', '\u202e', '<at>Resolve</at>', '${x}', '{{x}}', '<script>', '../../etc/passwd', 'RES-2026-0001', 'res-2026-0001');
const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), nasty, fc.string({ maxLength: 10 })).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: 3990, max: 6000 }).map((n) => `${CANARY}${'w'.repeat(n)}`) },
);
const deep = fc.integer({ min: 8, max: 1000 }).map((n) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
});
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1e308, [], {}, { toString: 'x' }, ['RES-2026-0001'], { ref: 'RES-2026-0001' }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
/** Sets a dotted path in a copy of obj (copying only the objects on the path), creating objects on the way. */
function withPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [key, ...rest] = path.split('.');
  const inner = obj[key!];
  return { ...obj, [key!]: rest.length ? withPath(inner && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {}, rest.join('.'), value) : value };
}
const mutate = (base: fc.Arbitrary<Record<string, unknown>>, paths: string[]) =>
  fc.tuple(base, fc.array(fc.tuple(fc.constantFrom(...paths), hostileValue), { minLength: 0, maxLength: 3 })).map(([b, changes]) => changes.reduce((o, [p, v]) => withPath(o, p, v), b));

const COMMANDS = ['help', 'hello', 'my cases', 'escalate', 'status', 'reply', 'withdraw', 'tried', 'resolve', 'use this channel for Board notices'];
const typed = fc.tuple(fc.constantFrom(...COMMANDS), hostileString, fc.oneof(fc.constant(''), hostileString)).map(([c, a, b]) => `${c} ${a} ${b}`.trim());

// ---- Teams -------------------------------------------------------------------------------------

function teamsActivities(serviceUrl: string) {
  const person = fc.constantFrom(SAM, PRIYA, '99999999-0000-0000-0000-000000000000');
  const conversation = fc.constantFrom('personal', 'personal', 'channel', 'groupChat', undefined);
  const base = fc.record({ aad: person, kind: conversation, n: fc.nat() }).map(({ aad, kind, n }) => ({
    id: `fuzz-${n}-${Math.random()}`,
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${aad}`, aadObjectId: aad, name: 'Someone' },
    recipient: { id: '28:resolve-bot', name: 'Resolve' },
    conversation: { id: kind === 'personal' || kind === undefined ? `personal-${aad}` : `19:${kind}@thread.tacv2`, ...(kind ? { conversationType: kind } : {}), ...(kind && kind !== 'personal' ? { isGroup: true } : {}) },
  }));
  const message = fc.tuple(base, fc.oneof(typed, hostileString)).map(([b, text]) => ({ ...b, type: 'message', text }));
  const verbs = ['intake.start', 'intake.answer', 'intake.back', 'intake.cancel', 'intake.submit', 'card.refresh', ...STEP_VERBS, 'case.delete'];
  const invoke = fc
    .tuple(base, fc.constantFrom(...verbs), fc.dictionary(fc.constantFrom('caseRef', 'stage', 'stepId', 'answer', 'comment', 'card', 'position', 'rationale'), hostileValue, { maxKeys: 4 }))
    .map(([b, verb, data]) => ({ ...b, type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } }));
  const update = base.map((b) => ({ ...b, type: 'conversationUpdate', membersAdded: [{ id: '28:resolve-bot' }, { id: b.from.id, aadObjectId: b.from.aadObjectId }] }));
  const paths = ['type', 'id', 'channelId', 'serviceUrl', 'from', 'from.id', 'from.aadObjectId', 'recipient', 'conversation', 'conversation.id', 'conversation.conversationType', 'text', 'name', 'value', 'value.action', 'value.action.verb', 'value.action.data', 'value.action.data.caseRef', 'membersAdded', 'entities', 'channelData', 'attachments'];
  const badUrl = base.chain((b) => fc.constantFrom('https://evil.example/', 'http://evil.example/', 'javascript:alert(1)', 'ftp://127.0.0.1/', 'not a url', 'http://[::1', 'file:///etc/passwd').map((serviceUrl) => ({ ...b, type: 'message', text: 'help', serviceUrl })));
  return fc.oneof(
    { weight: 4, arbitrary: mutate(message, paths) },
    { weight: 3, arbitrary: mutate(invoke, paths) },
    { weight: 1, arbitrary: mutate(update, paths) },
    { weight: 1, arbitrary: badUrl },
  );
}

// ---- Slack -------------------------------------------------------------------------------------

const slackUser = fc.constantFrom(OWEN, BETHAN, AISHA, 'U0STRANGER');
const slackCommand = fc
  .record({ user: slackUser, command: fc.constantFrom('/escalate', '/resolve-cases', '/resolve-status', '/frobnicate'), text: fc.oneof(typed, hostileString), channel: fc.constantFrom('D', 'C', 'G'), n: fc.nat() })
  .map(({ user, command, text, channel, n }) => ({ kind: 'form' as const, fields: { team_id: 'T0DEMO', channel_id: `${channel}${user}`, user_id: user, command, text, trigger_id: `trig-${n}`, api_app_id: 'A0RESOLVE' } as Record<string, string> }));
const ACTIONS = ['case.timeline', 'cases.mine', 'help', 'intake.start', 'intake.back', 'intake.cancel', 'escalation.approve', 'escalation.return', 'stage.respond', 'case.delete', ...STEP_VERBS];
const common = (user: string, n: number) => ({ api_app_id: 'A0RESOLVE', team: { id: 'T0DEMO' }, user: { id: user, team_id: 'T0DEMO' }, trigger_id: `trig-${n}` });
const blockActions = fc
  .record({ user: slackUser, action: fc.constantFrom(...ACTIONS), value: hostileValue, n: fc.nat(), inView: fc.boolean() })
  .map(({ user, action, value, n, inView }) => ({
    type: 'block_actions',
    ...common(user, n),
    actions: [{ action_id: action, block_id: 'b', value, type: 'button' }],
    ...(inView ? { container: { type: 'view', view_id: 'V1' }, view: { id: 'V1', state: { values: {} } } } : { container: { type: 'message', message_ts: '1.2', channel_id: `D${user}` }, channel: { id: `D${user}` }, message: { ts: '1.2' } }),
  }));
const VIEWS = ['intake.step', 'intake.submit', 'escalation.return', 'stage.respond', 'resolution.propose', 'case.rewrite'];
const viewSubmission = fc
  .record({ user: slackUser, callback: fc.constantFrom(...VIEWS), meta: fc.oneof(hostileString, fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v))), answer: hostileValue, n: fc.nat() })
  .map(({ user, callback, meta, answer, n }) => ({
    type: 'view_submission',
    ...common(user, n),
    view: { id: `V${n}`, type: 'modal', callback_id: callback, private_metadata: meta, state: { values: { answer: { answer: { type: 'plain_text_input', value: answer } }, comment: { comment: { type: 'radio_buttons', selected_option: { value: answer } } } } } },
  }));
const dmEvent = fc
  .record({ user: slackUser, text: fc.oneof(typed, hostileString), n: fc.nat(), thread: fc.boolean(), type: fc.constantFrom('message', 'message', 'app_home_opened', 'app_mention', 'reaction_added') })
  .map(({ user, text, n, thread, type }) => ({
    type: 'event_callback',
    api_app_id: 'A0RESOLVE',
    team_id: 'T0DEMO',
    event_id: `EvFuzz${n}${Math.random()}`,
    event: { type, channel_type: 'im', channel: `D${user}`, user, text, tab: 'home', ts: `${n}.1`, ...(thread ? { thread_ts: '1700000000.000101' } : {}) },
    authorizations: [{ team_id: 'T0DEMO', user_id: 'UBOT', is_bot: true }],
  }));
const interactionPaths = ['type', 'user', 'user.id', 'team', 'actions', 'view', 'view.state', 'view.state.values', 'view.private_metadata', 'view.callback_id', 'container', 'channel', 'trigger_id', 'callback_id'];
const eventPaths = ['event', 'event.type', 'event.text', 'event.user', 'event.channel', 'event.ts', 'event.thread_ts', 'event_id', 'team_id'];
const slackPayloads = fc.oneof(
  { weight: 2, arbitrary: slackCommand },
  { weight: 3, arbitrary: mutate(blockActions, interactionPaths).map((p) => ({ kind: 'form' as const, fields: { payload: JSON.stringify(p) } })) },
  { weight: 2, arbitrary: mutate(viewSubmission, interactionPaths).map((p) => ({ kind: 'form' as const, fields: { payload: JSON.stringify(p) } })) },
  { weight: 3, arbitrary: mutate(dmEvent, eventPaths).map((p) => ({ kind: 'json' as const, body: JSON.stringify(p) })) },
);

// ---- the run -----------------------------------------------------------------------------------

async function inBatches<T>(items: T[], run: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await run(items[next++]!);
  }));
}

describe('hostile input at the doors', () => {
  let h: Awaited<ReturnType<typeof slackHarness>>;
  beforeAll(async () => {
    h = await slackHarness();
  });
  afterAll(async () => h?.stop());

  it(`survives ${TEAMS_RUNS} Teams activities and ${SLACK_RUNS} Slack payloads with no 5xx and nothing internal said`, async () => {
    const failures: string[] = [];
    const note = (what: string, input: unknown) => failures.length < 20 && failures.push(`${what}: ${JSON.stringify(input).slice(0, 300)}`);
    const statuses = new Map<number, number>();
    const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);

    const started = Date.now();
    const teams = fc.sample(teamsActivities(h.teams.serviceUrl), { numRuns: TEAMS_RUNS, seed: SEED });
    await inBatches(teams, async (activity) => {
      const res = await fetch(`http://127.0.0.1:${h.teams.app.port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      const text = await res.text();
      count(res.status);
      if (res.status >= 500) note(`Teams ${res.status}`, activity);
      if (leaks(text).length) note(`Teams answer leaks ${leaks(text).join(' ')}: ${text.slice(0, 200)}`, activity);
    });

    const teamsMs = Date.now() - started;
    const slack = fc.sample(slackPayloads, { numRuns: SLACK_RUNS, seed: SEED });
    await inBatches(slack, async (p) => {
      const body = p.kind === 'json' ? p.body : new URLSearchParams(p.fields).toString();
      const r = await postSigned(h.url(), body, { contentType: p.kind });
      count(r.status);
      if (r.status >= 500) note(`Slack ${r.status}`, p);
      if (leaks(r.text).length) note(`Slack answer leaks ${leaks(r.text).join(' ')}: ${r.text.slice(0, 200)}`, p);
    });

    const slackMs = Date.now() - started - teamsMs;
    // Work after Slack's ack goes on: wait until the app has stopped sending.
    for (let last = -1; last !== h.api.calls.length + h.teams.sent.length; ) {
      last = h.api.calls.length + h.teams.sent.length;
      await new Promise((r) => setTimeout(r, 750));
    }
    for (const s of h.teams.sent) if (leaks(JSON.stringify(s.body)).length) note(`Teams message leaks ${leaks(JSON.stringify(s.body)).join(' ')}`, s.body);
    for (const c of h.api.calls) if (leaks(JSON.stringify(c.params)).length) note(`Slack message leaks ${leaks(JSON.stringify(c.params)).join(' ')}`, c.params);
    const errors = h.teams.log.lines.filter((l) => (l.level as number) >= 50);
    for (const e of errors.slice(0, 5)) note('error logged', { msg: e.msg, err: (e.err as { message?: string } | undefined)?.message });
    const canary = h.teams.log.lines.filter((l) => JSON.stringify(l).includes(CANARY));
    for (const l of canary.slice(0, 5)) note('message text logged', l);

    console.log(`fuzz: ${teams.length} Teams activities and ${slack.length} Slack payloads (${teams.length + slack.length} inputs, seed ${SEED}); answers ${JSON.stringify(Object.fromEntries(statuses))}; ${h.teams.sent.length} Teams and ${h.api.calls.length} Slack API calls checked; Teams ${teamsMs} ms, Slack ${slackMs} ms`);
    expect(failures).toEqual([]);
    expect(teams.length + slack.length).toBeGreaterThanOrEqual(2000);
    // Refusals did happen (the generators reach the checks) and so did real answers.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);

    const health = await fetch(`http://127.0.0.1:${h.teams.app.port}/healthz`);
    expect(health.status).toBe(200);
  });
});
