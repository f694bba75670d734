/**
 * The Slack door, on Bolt v5: slash commands, buttons, modals, the App Home and DMs in; each is
 * acked at once and then handed to the app (IntakeSessions for the walk, CaseFlow for everything
 * else), whose views are rendered as Block Kit. No rule about cases lives here.
 *
 * HTTP mode serves POST /slack/events on our own server (SlackHttpReceiver); with an app-level
 * token it uses Socket Mode instead. What it registers is listed in `registered`, which a test
 * holds against manifest/slack/manifest.yaml.
 */
import bolt from '@slack/bolt';
import type { App as BoltApp, Middleware, AnyMiddlewareArgs, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger as SlackLogger, LogLevel } from '@slack/logger';
import type { KnownBlock, ModalView } from '@slack/types';
import { WebClient } from '@slack/web-api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { SAYS_BOARD } from '../app/board-channel.js';
import type { Acted, CaseFlow, Reply } from '../app/case-flow.js';
import { Claims } from '../app/claims.js';
import { MAX_TEXT } from '../app/hostile-input.js';
import type { CardView } from '../app/case-views.js';
import type { Clock } from '../app/clock.js';
import type { IntakeSessions } from '../app/intake-sessions.js';
import type { LiveDirectory } from '../app/live-directory.js';
import type { Messenger } from '../app/messenger.js';
import type { Store } from '../app/store.js';
import { findPersonBySlackId, type Directory, type Person } from '../domain/directory.js';
import { actions, button, inputModal, inputsOf, MESSAGE_INPUTS, messageOf, sections, stepModal, type Origin } from './blocks.js';
import { STEPS } from '../app/steps/index.js';
import { asksInForm } from '../app/steps/step.js';
import { answerMention, NOT_A_CHANNEL, type ConfiguredBoards } from './board-choice.js';
import { homeView } from './home-view.js';
import { intakeModal } from './intake-modals.js';
import { slackChannel, THREAD_CASES, type SlackChannel } from './slack-channel.js';
import { SlackHttpReceiver } from './slack-receiver.js';
import { setTurnStep } from '../http/request-context.js';
import { typedStep } from '../http/metrics.js';

const { App, SocketModeReceiver } = bolt;

export type SlackSettings = { signingSecret: string; botToken: string; appToken?: string | undefined; apiUrl?: string | undefined; boardChannel?: string | undefined; boardChannels?: Record<string, string> | undefined };

const SEEN_EVENTS = 'slack-event';
/** Slack retries an event over a few minutes; one is held while worked on, then kept an hour. */
const EVENT_CLAIM = { leaseMs: 60_000, keepMs: 60 * 60_000 };
const TOO_LONG = `That message is longer than ${MAX_TEXT.toLocaleString('en-GB')} characters, so I have not read it and nothing was done. Please send something shorter.`;
const NOT_IN_DIRECTORY = "I can't find you in this partnership's directory, so I can't open or show cases for you. Please ask your safeguarding lead to add your Slack account.";
const SORRY = 'Sorry, something went wrong on our side. It has been logged; please try again.';

// Slack's payloads as they arrive: each field used is checked where it is read.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Payload = Record<string, any>;

/** The app's services the handlers use (they exist only after the channel is made). */
export type SlackServices = { flow: CaseFlow; intake: IntakeSessions; messenger: Messenger; store: Store; directory: Directory; live: LiveDirectory; clock: Clock };

type Registered = { commands: string[]; shortcuts: string[]; events: string[]; actions: string[]; views: string[] };

export type SlackDoor = {
  channel: SlackChannel;
  /** POST /slack/events (HTTP mode); undefined in Socket Mode. */
  handle: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  /** Registers the handlers; the app's services exist only after the channel is made. */
  listen(deps: SlackServices): void;
  registered: Registered;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export function createSlack(settings: SlackSettings, deps: { store: Store; log: Logger }): SlackDoor {
  const { store, log } = deps;
  const logger = boltLogger(log);
  const clientOptions = { ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {}), retryConfig: { retries: 2 } };
  const receiver = settings.appToken
    ? new SocketModeReceiver({ appToken: settings.appToken, logger })
    : new SlackHttpReceiver({ signingSecret: settings.signingSecret, logger, store });
  const client = new WebClient(settings.botToken, { ...clientOptions, logger });
  // Bolt with a bare token checks it with auth.test in its constructor and keeps a failure for
  // good (an unhandled rejection, then every request refused). This asks on the first request
  // and asks again after a failure, so Slack being away at start-up is not fatal.
  let identity: Promise<{ botUserId: string; botId: string }> | null = null;
  const authorize = async () => {
    identity ??= client.auth.test().then(
      (r) => ({ botUserId: String(r.user_id), botId: String(r.bot_id) }),
      (err: unknown) => {
        identity = null;
        throw err;
      },
    );
    return { botToken: settings.botToken, ...(await identity) };
  };
  const app = new App({ authorize, receiver, logger, clientOptions });
  const channel = slackChannel({ client, store, boardChannel: settings.boardChannel, boardChannels: settings.boardChannels, log });
  const registered: Registered = { commands: [], shortcuts: [], events: [], actions: [], views: [] };
  app.error(async (err) => void log.error({ err }, 'slack request failed'));

  return {
    channel,
    handle: receiver instanceof SlackHttpReceiver ? (req, res) => receiver.handle(req, res) : undefined,
    registered,
    listen: (services) => register(app, client, registered, channel, services, log, { single: Boolean(settings.boardChannel), boards: settings.boardChannels ?? {} }),
    start: async () => {
      if (settings.appToken) await app.start();
    },
    stop: async () => {
      if (settings.appToken) await app.stop();
    },
  };
}

function register(app: BoltApp, client: WebClient, registered: Registered, channel: SlackChannel, deps: SlackServices, log: Logger, boardConfigured: ConfiguredBoards) {
  const { flow, intake, messenger, store, directory, live, clock } = deps;
  /**
   * Who a Slack user is: the person their id is bound to, or, on first contact, the person listed
   * with their profile's email (bound to them from then on); else why not, to tell them.
   */
  const identify = async (teamId: string | undefined, userId: string | undefined): Promise<{ person: Person } | { person?: undefined; refusal: string }> => {
    if (!teamId || !userId) return { refusal: NOT_IN_DIRECTORY };
    const known = await live.bySlackId(teamId, userId);
    if (known) return { person: known };
    // users:read.email: the profile's email is the work email the directory lists.
    const info = await client.users.info({ user: userId }).catch((err: unknown) => (log.warn({ err, user: userId }, 'slack users.info failed'), null));
    const email = info?.user?.profile?.email;
    if (!email || info?.user?.is_bot) return { refusal: NOT_IN_DIRECTORY };
    const bound = await live.bind('slack', `${teamId}/${userId}`, email, 'slack-profile-email', clock.now());
    if (!bound.ok) return (log.info({ platform: 'slack', user: userId }, 'an identity was not bound'), { refusal: bound.message });
    log.info({ platform: 'slack', user: userId, person: bound.person.id }, 'a Slack identity was bound by its profile email');
    return { person: bound.person };
  };
  const personOf = async (teamId: string | undefined, userId: string | undefined): Promise<Person | undefined> => {
    const { person } = await identify(teamId, userId);
    if (person) await messenger.seen(person, 'Slack');
    return person;
  };
  /** Work after ack: a failure is logged and the person told, never left silent. False if it failed. */
  const guard = async (person: Person, what: string, work: () => Promise<unknown>): Promise<boolean> => {
    setTurnStep(what);
    try {
      await work();
      return true;
    } catch (err) {
      log.error({ err, what, person: person.id }, 'slack step failed after it was acknowledged');
      await channel.post(person, { text: SORRY });
      return false;
    }
  };
  const windowOf = (view: CardView): ModalView => ({ type: 'modal', title: { type: 'plain_text', text: 'Resolve' }, close: { type: 'plain_text', text: 'Close' }, blocks: messageOf(view).blocks });
  const openWalk = async (triggerId: string, person: Person) => {
    const view = (await intake.resume(person)) ?? (await intake.start(person));
    await client.views.open({ trigger_id: triggerId, view: intakeModal(view) });
  };
  /** A command's answer, in the person's DM with the bot (never in a shared channel). */
  const answer = async (person: Person, reply: Reply, threadTs?: string) => {
    if ('text' in reply) return channel.post(person, { text: reply.text }, threadTs);
    if ('view' in reply) return channel.post(person, { view: reply.view }, threadTs);
    // A modal needs a click to open: the walk starts from a button.
    const blocks: KnownBlock[] = [...sections('The walk that records a disagreement opens in a window.'), actions(button('Open the walk', 'intake.start', '', 'primary'))];
    const dm = await channel.dmOf(person);
    await client.chat.postMessage({ channel: dm, text: 'Open the walk', blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
    return true;
  };
  /**
   * After a step on a message: the message becomes the outcome, so nobody can act on it twice. A
   * refusal leaves it as it was and is said where the click was, or in the case's thread if the
   * person has one: it never opens one (a stranger naming a reference must not get a thread).
   */
  const settle = async (person: Person, acted: Acted, origin: (Origin & { thread?: string | undefined }) | null, ref: string) => {
    if (acted.ok && origin) await client.chat.update({ channel: origin.channel, ts: origin.ts, ...messageOf(acted.view) });
    else if (acted.ok) await channel.post(person, { view: acted.view, ...(ref ? { caseRef: ref } : {}) });
    else await channel.post(person, { view: acted.view }, origin?.thread ?? (ref ? await channel.caseThread(person, ref) : undefined));
  };

  // Anything Slack sends that is not registered here gets a plain answer and changes nothing.
  const unknown: Middleware<AnyMiddlewareArgs> = async (args) => {
    const body = args.body as Payload;
    const ack = (args as unknown as { ack?: (r?: unknown) => Promise<void> }).ack;
    const refuse = async (what: string) => {
      log.warn({ what }, 'slack sent something this app does not handle');
      const person = findPersonBySlackId(directory, body.team?.id ?? body.team_id ?? body.user?.team_id, body.user?.id ?? body.user_id);
      if (person) await channel.post(person, { text: `I don't know ${what}; nothing was changed. Say \`help\` to see what I can do.` });
    };
    if (body.command && !registered.commands.includes(body.command)) return void (await ack?.({ response_type: 'ephemeral', text: `I don't know ${body.command}. Try /escalate, /resolve-cases or /resolve-status.` }));
    if (body.type === 'block_actions' && !registered.actions.includes(body.actions?.[0]?.action_id)) return void (await ack?.(), await refuse('that button'));
    if (body.type === 'view_submission' && !registered.views.includes(body.view?.callback_id)) return void (await ack?.(), await refuse('that form'));
    if ((body.type === 'shortcut' || body.type === 'message_action') && !registered.shortcuts.includes(body.callback_id)) return void (await ack?.(), await refuse('that shortcut'));
    await args.next();
  };
  app.use(unknown);

  const command = (name: string, run: (person: Person, text: string, triggerId: string) => Promise<unknown>) => {
    registered.commands.push(name);
    app.command(name, async ({ ack, command: c }) => {
      const { person, ...not } = await identify(c.team_id, c.user_id);
      if (!person) return void (await ack({ response_type: 'ephemeral', text: 'refusal' in not ? not.refusal : NOT_IN_DIRECTORY }));
      if (c.text.length > MAX_TEXT) return void (await ack({ response_type: 'ephemeral', text: TOO_LONG }));
      // Answers go to the DM with the bot; typed in a shared channel, say where to look.
      await ack(c.channel_id.startsWith('D') ? undefined : { response_type: 'ephemeral', text: 'I have answered in your direct messages with Resolve.' });
      await messenger.seen(person, 'Slack');
      await guard(person, name, () => run(person, c.text.trim(), c.trigger_id));
    });
  };
  command('/escalate', async (person, text, trigger) => (text ? answer(person, await flow.command(person, `escalate ${text}`)) : openWalk(trigger, person)));
  command('/resolve-cases', async (person) => answer(person, await flow.command(person, 'my cases')));
  command('/resolve-status', async (person, text) => {
    const [ref, ...paging] = text.split(/\s+/);
    return answer(person, { text: await flow.status(person, ref || undefined, paging) });
  });

  registered.shortcuts.push('intake.shortcut');
  app.shortcut('intake.shortcut', async ({ ack, body }) => {
    await ack();
    const person = await personOf(body.team?.id ?? body.user.team_id, body.user.id);
    if (person) await guard(person, 'intake.shortcut', () => openWalk(body.trigger_id, person));
  });

  const action = (verb: string, run: (person: Person, body: BlockAction, value: string) => Promise<unknown>) => {
    registered.actions.push(verb);
    app.action<BlockAction<ButtonAction>>(verb, async ({ ack, body, action: a }) => {
      await ack();
      const person = await personOf(body.team?.id ?? body.user.team_id, body.user.id);
      if (person) await guard(person, verb, () => run(person, body, a.value ?? ''));
    });
  };
  const originOf = (body: BlockAction) => (body.container?.type === 'message' && body.channel ? { channel: body.channel.id, ts: body.container.message_ts as string, thread: (body.message as { thread_ts?: string } | undefined)?.thread_ts } : null);
  for (const id of MESSAGE_INPUTS) {
    registered.actions.push(id);
    app.action(id, async ({ ack }) => ack());
  }
  // Every step of the table: a step that asks for inputs in a form opens a modal, whose submission
  // takes it; any other acts on the click (a step that only shows something opens it in a window).
  for (const step of STEPS) {
    const { verb } = step;
    if (!asksInForm(step)) {
      action(verb, async (person, body, ref) => {
        // What was picked in the message (an earlier response date on the approval) goes with the click.
        const picked = inputsOf((body.state?.values ?? {}) as Record<string, Record<string, unknown>>);
        const acted = await flow.act(person, verb, { ...picked, caseRef: ref });
        if (step.shows) return client.views.open({ trigger_id: body.trigger_id, view: windowOf(acted.view) });
        return settle(person, acted, originOf(body), ref);
      });
      continue;
    }
    action(verb, async (person, body, ref) => {
      if (!step.form?.fromCard) return client.views.open({ trigger_id: body.trigger_id, view: inputModal(verb, ref, originOf(body)) });
      // The form offers what the case holds: built from the step's card as it now stands for this
      // person; when the step is not (or no longer) theirs, that card says where the case stands.
      const card = await flow.currentCard(person, ref.toUpperCase(), step.card ?? '');
      return client.views.open({ trigger_id: body.trigger_id, view: stepModal(verb, card, originOf(body)) ?? windowOf(card) });
    });
    registered.views.push(verb);
    app.view(verb, async ({ ack, body, view }) => {
      await ack();
      const person = await personOf(body.team?.id ?? body.user.team_id, body.user.id);
      if (!person) return;
      const meta = parseMeta(view.private_metadata);
      await guard(person, verb, async () => settle(person, await flow.act(person, verb, { ...inputsOf(view.state.values as Record<string, Record<string, unknown>>), caseRef: meta.caseRef }), meta.origin, meta.caseRef));
    });
  }
  action('intake.start', (person, body) => openWalk(body.trigger_id, person));

  // The walk, in modals. A step's answer is checked before the ack, because Slack takes the next
  // step (or the inline error) only in the ack itself; that is one draft write, well within 3 s.
  registered.views.push('intake.step');
  app.view('intake.step', async ({ ack, body, view }) => {
    const person = await personOf(body.team?.id ?? body.user.team_id, body.user.id);
    if (!person) return void (await ack({ response_action: 'errors', errors: { answer: NOT_IN_DIRECTORY } }));
    const stepId = String(parseJson(view.private_metadata).stepId ?? '');
    const next = await intake.answer(person, stepId, inputsOf(view.state.values as Record<string, Record<string, unknown>>).answer ?? '');
    if (next.kind === 'step' && next.error) return void (await ack({ response_action: 'errors', errors: { answer: next.error } }));
    await ack({ response_action: 'update', view: intakeModal(next) });
  });
  registered.views.push('intake.submit');
  app.view('intake.submit', async ({ ack, body, view }) => {
    const person = await personOf(body.team?.id ?? body.user.team_id, body.user.id);
    if (!person) return void (await ack());
    // Opening the case asks others for the first stage: acked first with a holding window.
    await ack({ response_action: 'update', view: windowOf({ card: 'notice', data: { title: 'Recording your concern', text: 'One moment…' } }) });
    await guard(person, 'intake.submit', async () => {
      const { view: done, said } = await flow.submit(person);
      await client.views.update({ view_id: view.id, view: intakeModal(done) });
      if (done.kind === 'opened' && said) await channel.post(person, { text: said, caseRef: done.ref });
    });
  });
  for (const [verb, step] of [['intake.back', (p: Person) => intake.back(p)], ['intake.cancel', (p: Person) => intake.cancel(p)]] as const) {
    // These buttons live only in the walk's window; pressed anywhere else there is nothing to update.
    action(verb, async (person, body) => (body.view ? client.views.update({ view_id: body.view.id, view: intakeModal(await step(person)) }) : channel.post(person, { text: 'That button belongs to the walk window; nothing was changed.' })));
  }

  // Events. Slack retries an event it thinks was missed (X-Slack-Retry-Num): an event that
  // records or sends something claims its event_id in the store first, so a retry, on this
  // instance or another, records nothing twice, and marks it done only once what it caused is
  // recorded; if that fails the claim is released, so a retry can do it. The crash window: an
  // instance that dies between its claim and the record leaves a lease, and a retry of that event
  // within the lease (a minute) is dropped; Slack's later retries, or the person saying it again,
  // find it expired. (Showing the App Home again is harmless.)
  const events = new Claims(store, SEEN_EVENTS, EVENT_CLAIM);
  const event = (name: string, run: (args: { event: Payload; body: Payload; firstTime: () => Promise<boolean>; settle: (ok: boolean) => Promise<void> }) => Promise<unknown>, subscription = name) => {
    registered.events.push(subscription);
    app.event(name, async ({ event: e, body }) => {
      const id = String((body as { event_id?: unknown }).event_id ?? '');
      const firstTime = async () => {
        if (await events.claim(id)) return true;
        log.info({ eventId: id }, 'slack event already handled');
        return false;
      };
      const settle = (ok: boolean) => (ok ? events.done(id) : events.release(id));
      await run({ event: e as Payload, body: body as Payload, firstTime, settle });
    });
  };
  event('app_home_opened', async ({ event: e, body }) => {
    if (e.tab !== 'home') return;
    const who = await identify(body.team_id, e.user);
    if (who.person) await messenger.seen(who.person, 'Slack');
    const view = who.person
      ? homeView(who.person.name.split(' ')[0] ?? who.person.name, directory.partnership.name, await store.findCases({ participantId: who.person.id }))
      : { type: 'home' as const, blocks: sections(who.refusal) };
    await client.views.publish({ user_id: e.user, view });
  });
  event('message', async ({ event: e, body, firstTime, settle }) => {
    // Only what a person types in their DM with the bot: not the bot's own posts, not edits.
    if (e.channel_type !== 'im' || e.bot_id || (e.subtype && e.subtype !== 'thread_broadcast') || typeof e.text !== 'string') return;
    if (!(await firstTime())) return;
    let done = false;
    try {
      done = await dm(e, body);
    } finally {
      await settle(done);
    }
  }, 'message.im');
  // A mention in a channel (Slack sends none for DMs, which come as messages above): a pointer to
  // the DM, or the Board's channel chosen. Never a person's conversation, so nothing of theirs is kept.
  const mentioned = answerMention({ client, store, directory, clock: deps.clock, boardConfigured, log });
  event('app_mention', async ({ event: e, body, firstTime, settle }) => {
    if (e.bot_id || typeof e.user !== 'string' || typeof e.text !== 'string' || typeof e.channel !== 'string' || e.channel.startsWith('D')) return;
    if (!(await firstTime())) return;
    setTurnStep('app_mention');
    let done = false;
    try {
      await mentioned({ channel: e.channel, user: e.user, text: e.text, teamId: body.team_id ?? e.team });
      done = true;
    } finally {
      await settle(done);
    }
  });
  /** A message in someone's DM with the bot; false if what it should cause failed. */
  const dm = async (e: Payload, body: Payload): Promise<boolean> => {
    const who = await identify(body.team_id ?? e.team, e.user);
    if (!who.person) {
      await client.chat.postMessage({ channel: e.channel, text: who.refusal });
      return true;
    }
    const person = who.person;
    await messenger.seen(person, 'Slack');
    if (e.text.length > MAX_TEXT) return channel.post(person, { text: TOO_LONG });
    const text = e.text.replace(/<@[A-Z0-9]+>/g, '').trim();
    if (SAYS_BOARD.test(text)) return channel.post(person, { text: NOT_A_CHANNEL });
    setTurnStep(typedStep(text));
    return guard(person, 'message', async () => {
      const inThread = typeof e.thread_ts === 'string' && e.thread_ts !== e.ts ? e.thread_ts : undefined;
      const ref = inThread ? (await store.getDocument<string>(THREAD_CASES, `${e.channel}/${inThread}`))?.value : undefined;
      // In a case's thread, what they write goes to everyone taking part (and the timeline).
      if (ref) return channel.post(person, { text: await flow.post(person, ref, text) }, inThread);
      return answer(person, await flow.command(person, text), inThread);
    });
  };
}

function parseJson(text: string | undefined): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text ?? '');
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function parseMeta(text: string | undefined): { caseRef: string; origin: Origin } {
  const m = parseJson(text);
  const o = m.origin as { channel?: unknown; ts?: unknown } | null | undefined;
  return { caseRef: typeof m.caseRef === 'string' ? m.caseRef : '', origin: o && typeof o.channel === 'string' && typeof o.ts === 'string' ? { channel: o.channel, ts: o.ts } : null };
}

/**
 * Bolt's logger interface over ours, so Slack's warnings land in the same structured log. What
 * Bolt and the WebClient log can hold what people wrote (request bodies, message text, API
 * arguments), so only their words are kept: debug lines (which print whole bodies) are dropped,
 * objects are left out, and an error keeps its message.
 */
export function boltLogger(log: Logger): SlackLogger {
  let level = 'info' as LogLevel;
  const words = (m: unknown) => (m instanceof Error ? m.message : typeof m === 'string' ? m.slice(0, 300) : typeof m === 'number' || typeof m === 'boolean' ? String(m) : '[details left out]');
  const line = (fn: 'info' | 'warn' | 'error') => (...msg: unknown[]) => log[fn]({ slack: true }, msg.map(words).join(' '));
  return { debug: () => {}, info: line('info'), warn: line('warn'), error: line('error'), setLevel: (l) => void (level = l), getLevel: () => level, setName: () => {} };
}
