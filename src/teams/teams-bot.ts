/**
 * The Teams door, on the Microsoft 365 Agents SDK: POST /api/messages in; what goes out to other
 * people goes through the Messenger (see teams-channel.ts for Teams' side of it).
 *
 * It greets people when the app is installed, remembers where each person can be reached (their
 * conversation reference, kept in the store, so prompts survive a restart), runs the intake walk
 * on cards, and hands every other button and typed command to the app's CaseFlow, showing the
 * view it returns. Anyone not in the partnership directory is told so and nothing else happens.
 *
 * Case content is only ever shown in a person's personal chat with the bot: in a team channel or
 * a group chat it answers with a pointer to that chat and remembers nothing, except that someone
 * holding a Board role may choose the channel for the Board's notices there.
 *
 * At the door, before the SDK sees it, a request must be an activity of the shape the bot relies
 * on (activity-check.ts; otherwise a plain 400, one log line) and is acted on once: its id is
 * claimed in the store, so a retry delivered here or to another instance does nothing twice.
 */
import type { ConversationReference } from '@microsoft/agents-activity';
import { AgentApplication, CardFactory, CloudAdapter, MessageFactory, authorizeJWT, type AuthConfiguration, type ConnectorClient, type TurnContext, type TurnState } from '@microsoft/agents-hosting';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { onlyShows, type CaseFlow, type Reply } from '../app/case-flow.js';
import { STEPS, stepOf } from '../app/steps/index.js';
import { chooseBoardChannel, SAYS_BOARD, type BoardChannelRecord } from '../app/board-channel.js';
import { Claims } from '../app/claims.js';
import type { Clock } from '../app/clock.js';
import { MAX_TEXT } from '../app/hostile-input.js';
import { notice, type CardView } from '../app/case-views.js';
import type { IntakeSessions, IntakeView } from '../app/intake-sessions.js';
import type { BindingMethod, LiveDirectory } from '../app/live-directory.js';
import type { Messenger } from '../app/messenger.js';
import type { Store } from '../app/store.js';
import type { Directory, Person } from '../domain/directory.js';
import type { AdaptiveCard } from '../cards/render-card.js';
import { adaptiveCardOf } from './case-cards.js';
import { intakeCard } from './intake-cards.js';
import { checkActivity, type CheckedActivity } from './activity-check.js';
import { webResponse } from './web-response.js';
import { appIdOf, boardReferenceOf, CHANNELS, CONVERSATIONS, type ChosenBoardChannel } from './teams-channel.js';
import { setTurnStep } from '../http/request-context.js';
import { typedStep } from '../http/metrics.js';

export type TeamsCredentials = { clientId?: string | undefined; clientSecret?: string | undefined; tenantId?: string | undefined };

const MAX_BODY = 512 * 1024;
/** Where each activity's claim is kept (conversation id/activity id). */
const SEEN_ACTIVITIES = 'teams-activity';
/**
 * Teams retries within seconds; an activity is remembered far longer than that. The claim is
 * written once, for the whole hour, so a turn writes it once rather than twice: a turn that
 * failed releases it (a retry may do the work), and one cut short by a crash holds it for the
 * hour, where a shorter lease would free it only long after Teams has stopped retrying.
 */
const ACTIVITY_CLAIM = { leaseMs: 60 * 60_000, keepMs: 60 * 60_000 };

const POINTER = "I only talk about cases in your personal chat with Resolve, so nothing about a case is shown or kept here. Open Resolve from Apps (or click its name) and ask me there.";
const TOO_LONG = `That message is longer than ${MAX_TEXT.toLocaleString('en-GB')} characters, so I have not read it and nothing was done. Please send something shorter.`;

/** A personal chat with the bot. Teams names every conversation's type; one without is not a group. */
function isPersonal(conversation: { conversationType?: string | undefined; isGroup?: boolean | undefined } | undefined): boolean {
  return conversation?.conversationType === 'personal' || (conversation?.conversationType === undefined && conversation?.isGroup !== true);
}

/** The SDK's adapter for these credentials (anonymous without a clientId, outside production only). */
export function teamsAdapter(credentials: TeamsCredentials, log: Logger): { adapter: CloudAdapter; authConfig: AuthConfiguration } {
  const authConfig: AuthConfiguration = {
    ...(credentials.clientId ? { clientId: credentials.clientId } : {}),
    ...(credentials.clientSecret ? { clientSecret: credentials.clientSecret } : {}),
    ...(credentials.tenantId ? { tenantId: credentials.tenantId } : {}),
  } as AuthConfiguration;
  const adapter = new CloudAdapter(authConfig);
  // A failure inside a turn is logged for the operator; the person gets a plain sentence.
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error }, 'teams turn failed');
    await context.sendActivity('Sorry, something went wrong on our side. It has been logged; please try again.');
  };
  return { adapter, authConfig };
}

const NOT_LISTED = "I can't find you in this partnership's directory, so I can't open or show cases for you. Please ask your safeguarding lead to add your Teams account.";

type Deps = {
  adapter: CloudAdapter;
  authConfig: AuthConfiguration;
  /** The Board channels set in the configuration (BOARD_CHANNEL_ID; BOARD_CHANNEL_IDS per Board agency id), not chosen in Teams. */
  boardConfigured: { single: boolean; boards: Record<string, string> };
  production: boolean;
  clock: Clock;
  log: Logger;
  store: Store;
  directory: Directory;
  live: LiveDirectory;
  intake: IntakeSessions;
  flow: CaseFlow;
  messenger: Messenger;
};

/** POST /api/messages, and the card verbs it has handlers for (a test holds them against the step table). */
export type TeamsBot = ((req: IncomingMessage, res: ServerResponse) => Promise<void>) & { verbs: ReadonlySet<string> };

/** Handles POST /api/messages. */
export function teamsBot(deps: Deps): TeamsBot {
  const { adapter, store, directory, live, intake, flow, messenger, log } = deps;
  const app = new AgentApplication<TurnState>({ adapter, startTypingTimer: false });
  const anonymous = !deps.authConfig.clientId;
  const claims = new Claims(store, SEEN_ACTIVITIES, ACTIVITY_CLAIM);
  const verbs = new Set<string>();

  // What this process last stored for each person, so a turn neither reads nor rewrites an unchanged reference.
  const remembered = new Map<string, { json: string; serviceUrl: string | undefined }>();
  const remember = async (context: TurnContext, person: Person) => {
    // Without the message id, so a prompt later is a new message, not a reply to an old one.
    const { activityId: _reply, ...reference } = context.activity.getConversationReference();
    if (anonymous) {
      // Nobody vouches for an unauthenticated request's serviceUrl: it may not redirect where a
      // person's messages go once they have a chat.
      const stored = remembered.get(person.id)?.serviceUrl ?? (await store.getDocument<ConversationReference>(CONVERSATIONS, person.id))?.value.serviceUrl;
      if (stored) reference.serviceUrl = stored;
    }
    const json = JSON.stringify(reference);
    if (remembered.get(person.id)?.json !== json) {
      await store.putDocument(CONVERSATIONS, person.id, reference);
      remembered.set(person.id, { json, serviceUrl: reference.serviceUrl });
    }
    await messenger.seen(person, 'Teams');
  };
  /**
   * Who is writing: the person their Entra object id is bound to, or, on first contact, the person
   * listed with the email (else the UPN) the conversation's roster gives for them, bound to them
   * from then on; else why not, to tell them. (Without a bot registration nobody vouches for the
   * roster either: development only, as the rest of an unauthenticated door.)
   */
  const identify = async (context: TurnContext): Promise<{ person: Person } | { person?: undefined; refusal: string }> => {
    const from = context.activity.from;
    if (!from?.aadObjectId) return { refusal: NOT_LISTED };
    const known = await live.byTeamsId(from.aadObjectId);
    if (known) return { person: known };
    const member = await rosterMember(context).catch((err: unknown) => (log.warn({ err }, 'teams roster lookup failed'), null));
    const [email, how]: [string | undefined, BindingMethod] = member?.email ? [member.email, 'teams-roster-email'] : [member?.userPrincipalName, 'teams-roster-upn'];
    if (!email) return { refusal: NOT_LISTED };
    const bound = await live.bind('teams', from.aadObjectId, email, how, deps.clock.now());
    if (!bound.ok) return (log.info({ platform: 'teams', aadObjectId: from.aadObjectId }, 'an identity was not bound'), { refusal: bound.message });
    log.info({ platform: 'teams', aadObjectId: from.aadObjectId, person: bound.person.id, how }, 'a Teams identity was bound by the roster');
    return { person: bound.person };
  };
  /** The writer as the conversation's roster describes them (Teams adds email and userPrincipalName). */
  const rosterMember = async (context: TurnContext): Promise<{ email?: string; userPrincipalName?: string } | null> => {
    const client = context.turnState.get<ConnectorClient>(adapter.ConnectorClientKey);
    const { from, conversation } = context.activity;
    if (!client || !from?.id || !conversation?.id) return null;
    return (await client.getConversationMember(from.id, conversation.id)) as { email?: string; userPrincipalName?: string };
  };
  const personOf = async (context: TurnContext) => (await identify(context)).person;
  const sendCard = (context: TurnContext, card: AdaptiveCard) => context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  const show = (view: CardView, person: Person) => adaptiveCardOf(view, person);

  app.onConversationUpdate('membersAdded', async (context) => {
    const personal = isPersonal(context.activity.conversation);
    for (const member of context.activity.membersAdded ?? []) {
      if (member.id === context.activity.recipient?.id) {
        // Installed in a team: that never makes it the Board's channel (any agency can install it).
        if (!personal) await context.sendActivity(`Resolve talks about cases only in each person's personal chat with it. To have ${directory.partnership.name}'s notices posted in this channel, someone with a Board role says "@Resolve use this channel for Board notices" here.`);
        continue;
      }
      // A person joining a team or group chat is welcomed in their own chat, once they open it.
      if (!personal) continue;
      const person = member.aadObjectId ? await live.byTeamsId(member.aadObjectId) : undefined;
      if (!person) continue;
      await remember(context, person);
      await sendCard(context, show(flow.welcome(person), person));
    }
  });

  // Card buttons. Each answers with the card that replaces the one clicked.
  // (The verbs are kept so the door refuses a button the bot does not have.)
  const cardRuns = new Map<string, (person: Person, data: Record<string, unknown>) => Promise<AdaptiveCard>>();
  const onCard = (verb: string, run: (person: Person, data: Record<string, unknown>) => Promise<AdaptiveCard>) => {
    verbs.add(verb);
    cardRuns.set(verb, run);
  };
  const walk = (view: Promise<IntakeView>) => view.then(intakeCard);
  onCard('intake.start', (person) => walk(intake.start(person)));
  onCard('intake.answer', (person, data) => walk(intake.answer(person, String(data.stepId ?? ''), data.answer)));
  onCard('intake.back', (person) => walk(intake.back(person)));
  onCard('intake.cancel', (person) => walk(intake.cancel(person)));
  onCard('intake.submit', async (person) => {
    const { view, said } = await flow.submit(person);
    return view.kind === 'opened' ? show(notice(`Case ${view.ref} is recorded`, said ?? ''), person) : intakeCard(view);
  });
  // Every step of the table is a button: the step runs and its view replaces the card.
  for (const { verb } of STEPS) onCard(verb, async (person, data) => show((await flow.act(person, verb, data)).view, person));
  // Universal Actions: Teams asks for the card again when someone listed in its refresh views
  // it, so a card already acted on shows where the case stands instead of live buttons.
  onCard('card.refresh', async (person, data) => show(await flow.currentCard(person, String(data.caseRef ?? ''), String(data.card ?? '')), person));
  // One route for all the buttons, which finds the button's own: the SDK tries a click against
  // each route in turn, building and running a schema for every one it tries, so a route per
  // button cost a click up to thirty of those before its own.
  const anyVerb = new RegExp(`^(?:${[...cardRuns.keys()].map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
  app.adaptiveCards.actionExecute<Record<string, unknown>>(anyVerb, async (context, _state, action) => {
    const verb = String((action as { verb?: unknown }).verb);
    const run = cardRuns.get(verb)!;
    setTurnStep(verb);
    if (!isPersonal(context.activity.conversation)) return adaptiveCardOf(notice('Open your chat with Resolve', POINTER), null);
    const who = await identify(context);
    if (!who.person) return adaptiveCardOf(notice('Not in the directory', who.refusal), null);
    const person = who.person;
    await remember(context, person);
    // The SDK hands over the action; the button's data (with the inputs) is inside it.
    const data = (action.data ?? action) as Record<string, unknown>;
    return run(person, data);
  });

  const answer = async (context: TurnContext, reply: Reply, person: Person) => {
    if ('text' in reply) await context.sendActivity(reply.text);
    else if ('view' in reply) await sendCard(context, show(reply.view, person));
    else await sendCard(context, intakeCard(reply.intake));
  };
  app.onActivity('message', async (context) => {
    const text = (context.activity.text ?? '').replace(/<at>[^<]*<\/at>/g, '').trim();
    if (!isPersonal(context.activity.conversation)) {
      await (SAYS_BOARD.test(text) ? sayBoardChannel(context) : context.sendActivity(POINTER));
      return;
    }
    const who = await identify(context);
    if (!who.person) return void (await context.sendActivity(who.refusal));
    const person = who.person;
    if (text.length > MAX_TEXT) return void (await context.sendActivity(TOO_LONG));
    await remember(context, person);
    setTurnStep(typedStep(text));
    await answer(context, await flow.command(person, text), person);
  });

  /** "use this channel for Board notices", said in a team channel by someone with a Board role. */
  const boardRecord: BoardChannelRecord<ConversationReference> = {
    namespace: CHANNELS,
    read: boardReferenceOf,
    write: (reference, by): ChosenBoardChannel => ({ reference, ...by }),
    same: (a, b) => a.conversation?.id === b.conversation?.id,
  };
  const sayBoardChannel = async (context: TurnContext) => {
    const { activityId: _reply, ...reference } = context.activity.getConversationReference();
    const { single, boards } = deps.boardConfigured;
    const answer = await chooseBoardChannel({ store, clock: deps.clock, directory }, boardRecord, {
      person: await personOf(context),
      where: reference,
      notAChannel: context.activity.conversation?.conversationType === 'channel' ? null : "The Board's notices go to a team channel: say this in the channel you mean. Nothing was changed.",
      configuredBy: (boardId) => (boardId ? (boards[boardId] ? 'BOARD_CHANNEL_IDS' : null) : single ? 'BOARD_CHANNEL_ID' : null),
    });
    await context.sendActivity(answer.reply);
    if (!answer.tellOld) return;
    try {
      await adapter.continueConversation(appIdOf(deps.authConfig.clientId), answer.tellOld.where, (ctx) => ctx.sendActivity(answer.tellOld!.text).then(() => undefined));
    } catch (err) {
      log.error({ err }, 'could not tell the old Board channel that the notices have moved');
    }
  };

  const authorize = authorizeJWT(deps.authConfig);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readJson(req);
    const web = webResponse(res);
    // One line per refusal, without the request's content: bad input is not our failure.
    const refuse = (reason: string) => {
      log.warn({ reason }, 'refused a Teams request');
      web.status(400).send({ error: 'This is not an activity Resolve accepts; nothing was done.' }).end();
    };
    if (body === undefined) return refuse('not a JSON activity');
    const request = { body, headers: req.headers as Record<string, string | string[] | undefined>, method: req.method ?? 'POST' } as Parameters<typeof adapter.process>[0];
    let allowed = false;
    await authorize(request, web, () => void (allowed = true));
    if (!allowed) return void (web.writableEnded ? undefined : web.end());
    const checked = checkActivity(body, { anonymous, production: deps.production, verbs });
    if (!checked.ok) return refuse(checked.reason);
    const { activity } = checked;
    // What only shows something (a card's timeline, `my cases`) records nothing, so a retry of it
    // may simply be answered again: it is not claimed, which spares the turn a write.
    if (showsOnly(activity)) return adapter.process(request, web, (context) => app.run(context).then(() => undefined));
    const key = `${activity.conversation.id}/${activity.id}`;
    if (!(await claims.claim(key))) {
      log.info({ type: activity.type }, 'teams activity already handled');
      // A repeated button press still gets a card back; anything else is simply acknowledged.
      if (activity.type === 'invoke') web.status(200).send({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: adaptiveCardOf(notice('Already received', 'That was already received; nothing was done twice.'), null) });
      return void web.status(200).end();
    }
    // The claim holds only once the turn has run: a turn that failed may be retried.
    let failed = false;
    await adapter.process(request, web, (context) => app.run(context).catch((err: unknown) => ((failed = true), Promise.reject(err))));
    await (failed ? claims.release(key) : claims.done(key));
  };
  return Object.assign(handle, { verbs: verbs as ReadonlySet<string> });
}

/**
 * An activity that only shows something, in a personal chat: a button whose step only shows
 * (the step table's `shows`), or typed words that only show (`onlyShows`). Anything else, and
 * anything in a channel (where a Board role may choose the Board's channel), is claimed.
 */
function showsOnly(activity: CheckedActivity): boolean {
  if (!isPersonal(activity.conversation)) return false;
  if (activity.type === 'message') return onlyShows((activity.text ?? '').replace(/<at>[^<]*<\/at>/g, ''));
  if (activity.type !== 'invoke') return false;
  const verb = (activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
  return typeof verb === 'string' && stepOf(verb)?.shows === true;
}

/**
 * The request's body as a JSON object; undefined when it is not one, or when it is longer than
 * MAX_BODY (then the request is cut off there, unread). Read with the stream's events: an async
 * iterator over it cost each request some 10 µs more.
 */
function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const data = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) return void chunks.push(chunk);
      req.off('data', data);
      req.destroy();
      resolve(undefined);
    };
    req.on('data', data);
    req.once('end', () => resolve(parseObject(Buffer.concat(chunks))));
    req.once('error', reject);
    // Closed before its end (the client went away): not a body to act on.
    req.once('close', () => (req.complete ? undefined : reject(new Error('the request was closed before its end'))));
  });
}

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
