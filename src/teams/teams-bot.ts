/**
 * The Teams door, on the Microsoft 365 Agents SDK: POST /api/messages in; what goes out to other
 * people goes through the Messenger (see teams-channel.ts for Teams' side of it).
 *
 * It greets people when the app is installed, remembers where each person can be reached (their
 * conversation reference, kept in the store, so prompts survive a restart), learns the Board's
 * channel, runs the intake walk on cards, and hands every other button and typed command to the
 * app's CaseFlow, showing the view it returns. Anyone not in the partnership directory is told
 * so and nothing else happens.
 */
import { AgentApplication, CardFactory, CloudAdapter, MessageFactory, authorizeJWT, type AuthConfiguration, type TurnContext, type TurnState } from '@microsoft/agents-hosting';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { CASE_VERBS, type CaseFlow, type Reply } from '../app/case-flow.js';
import { notice, type CardView } from '../app/case-views.js';
import type { IntakeSessions, IntakeView } from '../app/intake-sessions.js';
import type { Messenger } from '../app/messenger.js';
import type { Store } from '../app/store.js';
import { findPersonByTeamsId, type Directory, type Person } from '../domain/directory.js';
import type { AdaptiveCard } from '../cards/render-card.js';
import { adaptiveCardOf } from './case-cards.js';
import { intakeCard } from './intake-cards.js';
import { BOARD_CHANNEL, CHANNELS, CONVERSATIONS } from './teams-channel.js';
import { setTurnStep } from '../http/request-context.js';
import { typedStep } from '../http/metrics.js';

export type TeamsCredentials = { clientId?: string | undefined; clientSecret?: string | undefined; tenantId?: string | undefined };

const MAX_BODY = 512 * 1024;

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

type Deps = {
  adapter: CloudAdapter;
  authConfig: AuthConfiguration;
  store: Store;
  directory: Directory;
  intake: IntakeSessions;
  flow: CaseFlow;
  messenger: Messenger;
};

/** Handles POST /api/messages. */
export function teamsBot(deps: Deps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { adapter, store, directory, intake, flow, messenger } = deps;
  const app = new AgentApplication<TurnState>({ adapter, startTypingTimer: false });

  // What this process last stored for each person, so a click does not rewrite an unchanged reference.
  const remembered = new Map<string, string>();
  const remember = async (context: TurnContext, person: Person) => {
    // Without the message id, so a prompt later is a new message, not a reply to an old one.
    const { activityId: _reply, ...reference } = context.activity.getConversationReference();
    const json = JSON.stringify(reference);
    if (remembered.get(person.id) !== json) {
      await store.putDocument(CONVERSATIONS, person.id, reference);
      remembered.set(person.id, json);
    }
    await messenger.seen(person, 'Teams');
  };
  const personOf = (context: TurnContext) => {
    const id = context.activity.from?.aadObjectId;
    return id ? findPersonByTeamsId(directory, id) : undefined;
  };
  const sendCard = (context: TurnContext, card: AdaptiveCard) => context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  const show = (view: CardView, person: Person) => adaptiveCardOf(view, person);

  app.onConversationUpdate('membersAdded', async (context) => {
    for (const member of context.activity.membersAdded ?? []) {
      if (member.id === context.activity.recipient?.id) {
        // The app installed in a team: the first such channel is where Board notices go (not
        // overwritten by later installs in other agencies' teams; BOARD_CHANNEL_ID overrides it).
        if (context.activity.conversation?.conversationType === 'channel') {
          const { activityId: _reply, ...reference } = context.activity.getConversationReference();
          const put = await store.putDocument(CHANNELS, BOARD_CHANNEL, reference, null);
          await context.sendActivity(
            put.ok
              ? `Resolve will post here when a case reaches the stage at which ${directory.partnership.name} must be informed.`
              : `Resolve posts ${directory.partnership.name}'s notices in the team where it was first installed; set BOARD_CHANNEL_ID to use another channel.`,
          );
        }
        continue;
      }
      const person = member.aadObjectId ? findPersonByTeamsId(directory, member.aadObjectId) : undefined;
      if (!person) continue;
      await remember(context, person);
      await sendCard(context, show(flow.welcome(person), person));
    }
  });

  // Card buttons. Each answers with the card that replaces the one clicked.
  const onCard = (verb: string, run: (person: Person, data: Record<string, unknown>) => Promise<AdaptiveCard>) =>
    app.adaptiveCards.actionExecute<Record<string, unknown>>(verb, async (context, _state, action) => {
      setTurnStep(verb);
      const person = personOf(context);
      if (!person) return adaptiveCardOf(notice('Not in the directory', "I can't find you in this partnership's directory, so I can't act for you."), null);
      await remember(context, person);
      // The SDK hands over the action; the button's data (with the inputs) is inside it.
      const data = (action.data ?? action) as Record<string, unknown>;
      return run(person, data);
    });
  const walk = (view: Promise<IntakeView>) => view.then(intakeCard);
  onCard('intake.start', (person) => walk(intake.start(person)));
  onCard('intake.answer', (person, data) => walk(intake.answer(person, String(data.stepId ?? ''), data.answer)));
  onCard('intake.back', (person) => walk(intake.back(person)));
  onCard('intake.cancel', (person) => walk(intake.cancel(person)));
  onCard('intake.submit', async (person) => {
    const { view, said } = await flow.submit(person);
    return view.kind === 'opened' ? show(notice(`Case ${view.ref} is recorded`, said ?? ''), person) : intakeCard(view);
  });
  for (const verb of CASE_VERBS) onCard(verb, async (person, data) => show((await flow.act(person, verb, data)).view, person));
  // Universal Actions: Teams asks for the card again when someone listed in its refresh views
  // it, so a card already acted on shows where the case stands instead of live buttons.
  onCard('card.refresh', async (person, data) => show(await flow.currentCard(person, String(data.caseRef ?? ''), String(data.card ?? '')), person));

  const answer = async (context: TurnContext, reply: Reply, person: Person) => {
    if ('text' in reply) await context.sendActivity(reply.text);
    else if ('view' in reply) await sendCard(context, show(reply.view, person));
    else await sendCard(context, intakeCard(reply.intake));
  };
  app.onActivity('message', async (context) => {
    const person = personOf(context);
    if (!person) {
      await context.sendActivity("I can't find you in this partnership's directory, so I can't open or show cases for you. Please ask your safeguarding lead to add your Teams account.");
      return;
    }
    await remember(context, person);
    const text = (context.activity.text ?? '').replace(/<at>[^<]*<\/at>/g, '');
    setTurnStep(typedStep(text));
    await answer(context, await flow.command(person, text), person);
  });

  const authorize = authorizeJWT(deps.authConfig);
  return async (req, res) => {
    const body = await readJson(req);
    const web = webResponse(res);
    if (body === undefined) return void web.status(400).send({ error: 'The request body must be a JSON activity.' }).end();
    const request = { body, headers: req.headers as Record<string, string | string[] | undefined>, method: req.method ?? 'POST' } as Parameters<typeof adapter.process>[0];
    let allowed = false;
    await authorize(request, web, () => void (allowed = true));
    if (!allowed) return void (web.writableEnded ? undefined : web.end());
    await adapter.process(request, web, (context) => app.run(context));
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The express-like response the SDK writes to, over Node's own. */
function webResponse(res: ServerResponse) {
  const web = {
    status(code: number) {
      res.statusCode = code;
      return web;
    },
    setHeader(name: string, value: string) {
      res.setHeader(name, value);
      return web;
    },
    send(body?: unknown) {
      if (body === undefined) return web;
      if (typeof body === 'string' || Buffer.isBuffer(body)) res.write(body);
      else {
        if (!res.headersSent && !res.getHeader('content-type')) res.setHeader('content-type', 'application/json');
        res.write(JSON.stringify(body));
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
