/**
 * The Teams door, on the Microsoft 365 Agents SDK: POST /api/messages in, replies and proactive
 * messages out through the connector named in each conversation's serviceUrl.
 *
 * What it does so far: greets people with the welcome card when the app is installed, remembers
 * where each person can be reached (their conversation reference, kept in the store, so prompts
 * survive a restart), runs the intake walk on cards (Action.Execute; each answer replaces the
 * card for the person who clicked), answers `help`, `my cases` and `status <ref>` from the
 * store, and delivers the scheduler's prompts. Anyone not in the partnership directory is told
 * so and nothing else happens.
 */
import type { ConversationReference } from '@microsoft/agents-activity';
import { AgentApplication, CardFactory, CloudAdapter, MessageFactory, authorizeJWT, type AuthConfiguration, type TurnContext, type TurnState } from '@microsoft/agents-hosting';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../app/clock.js';
import type { Escalations } from '../app/escalations.js';
import type { IntakeSessions, IntakeView } from '../app/intake-sessions.js';
import type { Notification, Notifier } from '../app/notifier.js';
import type { Store } from '../app/store.js';
import type { EscalationReason } from '../domain/escalation/events.js';
import type { CaseState } from '../domain/escalation/state.js';
import { findPersonByTeamsId, type Directory, type Person } from '../domain/directory.js';
import { renderCard, type AdaptiveCard } from '../cards/render-card.js';
import { approvalCard, boardNoticeCard, decidedCard, lapseCard, resolutionCard, resolutionConfirmCard, responseCard } from './escalation-cards.js';
import { intakeCard } from './intake-cards.js';
import { caseStateLine, caseStatusText, helpText, londonTime, myCasesText } from './replies.js';

/** Where the conversation reference of each person is kept. */
export const CONVERSATIONS = 'teams-conversation';
/** Where the Board's channel is kept, learned when the app is installed in the Board's team. */
export const CHANNELS = 'teams-channel';
const BOARD_CHANNEL = 'board';

export type TeamsCredentials = { clientId?: string | undefined; clientSecret?: string | undefined; tenantId?: string | undefined };
/** A Board channel set in the configuration (BOARD_CHANNEL_ID, BOARD_SERVICE_URL). */
export type BoardChannel = { channelId: string; serviceUrl: string };

export type TeamsBot = {
  /** Handles POST /api/messages. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Sends a prompt to a person in their chat with the bot; false if the bot cannot reach them. */
  notifier: Notifier & { reach(n: Notification): Promise<boolean> };
};

const MAX_BODY = 512 * 1024;

type Deps = { store: Store; directory: Directory; intake: IntakeSessions; escalations: Escalations; clock: Clock; credentials: TeamsCredentials; boardChannel?: BoardChannel | undefined; log: Logger };

export function createTeamsBot(deps: Deps): TeamsBot {
  const { store, directory, intake, escalations, clock, log } = deps;
  const authConfig: AuthConfiguration = {
    ...(deps.credentials.clientId ? { clientId: deps.credentials.clientId } : {}),
    ...(deps.credentials.clientSecret ? { clientSecret: deps.credentials.clientSecret } : {}),
    ...(deps.credentials.tenantId ? { tenantId: deps.credentials.tenantId } : {}),
  } as AuthConfiguration;
  const adapter = new CloudAdapter(authConfig);
  // A failure inside a turn is logged for the operator; the person gets a plain sentence.
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error }, 'teams turn failed');
    await context.sendActivity('Sorry, something went wrong on our side. It has been logged; please try again.');
  };
  const app = new AgentApplication<TurnState>({ adapter, startTypingTimer: false });

  // What this process last stored for each person, so a click does not rewrite an unchanged reference.
  const remembered = new Map<string, string>();
  const remember = async (context: TurnContext, person: Person) => {
    // Without the message id, so a prompt later is a new message, not a reply to an old one.
    const { activityId: _reply, ...reference } = context.activity.getConversationReference();
    const json = JSON.stringify(reference);
    if (remembered.get(person.id) === json) return;
    await store.putDocument(CONVERSATIONS, person.id, reference);
    remembered.set(person.id, json);
  };
  const personOf = (context: TurnContext) => {
    const id = context.activity.from?.aadObjectId;
    return id ? findPersonByTeamsId(directory, id) : undefined;
  };
  const agencyName = (person: Person) => directory.agencies.find((a) => a.id === person.agencyId)?.name ?? person.agencyId;
  const notInDirectory = (context: TurnContext) =>
    context.sendActivity(
      "I can't find you in this partnership's directory, so I can't open or show cases for you. Please ask your safeguarding lead to add your Teams account.",
    );

  const sendCard = (context: TurnContext, card: AdaptiveCard) => context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  const welcome = (person: Person) => renderCard('welcome', { firstName: person.name.split(' ')[0], partnership: directory.partnership.name });
  const notice = (title: string, text: string) => renderCard('notice', { title, text });

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
      await sendCard(context, welcome(person));
    }
  });

  // Card buttons. Each answers with the card that replaces the one clicked.
  const onCard = (verb: string, run: (person: Person, data: Record<string, unknown>) => Promise<AdaptiveCard>) =>
    app.adaptiveCards.actionExecute<Record<string, unknown>>(verb, async (context, _state, action) => {
      const person = personOf(context);
      if (!person) return notice('Not in the directory', "I can't find you in this partnership's directory, so I can't act for you.");
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
    const view = await intake.submit(person);
    if (view.kind !== 'opened') return intakeCard(view);
    return notice(`Case ${view.ref} is recorded`, await firstStage(view.ref, view.startStage, person));
  });

  /** Asks for the case's first stage and tells the practitioner who has been asked. */
  const firstStage = async (ref: string, stage: number, person: Person): Promise<string> => {
    const state = await escalations.load(ref);
    if (state?.phase === 'informal') {
      // The procedure asks the professionals to talk first.
      return `Your concern is recorded under ${ref}. ${state.policy.informalAttempt?.description ?? 'First talk it through with the professional in the other agency.'} Then tell me how it went: \`tried ${ref} resolved <what was agreed>\` or \`tried ${ref} not resolved <why>\`.`;
    }
    const asked = await askForStage(ref, stage, person, '');
    return `Your concern is recorded under ${ref}. ${asked}`;
  };

  /** Asks for a stage: the approver gets the approval card, or the stage opens at once. */
  const askForStage = async (ref: string, stage: number, person: Person, note: string, why?: EscalationReason): Promise<string> => {
    const requested = await escalations.request(ref, person, stage, note, why);
    if (!requested.ok) return `Stage ${stage} could not be asked for: ${requested.message}`;
    const state = requested.state;
    if (state.phase === 'stage-open' && state.current?.number === stage) {
      await announceStage(state);
      const reached = await sendResponseCard(state);
      return `Stage ${stage} is open with ${state.current.receiver.name} (${state.current.receiver.agencyName}).${reached ? '' : ' I cannot reach them in Teams yet; please contact them and ask them to open Resolve.'}`;
    }
    const approver = escalations.approverOf(state);
    if (state.phase !== 'awaiting-approval' || !approver) return `Say \`status ${ref}\` to follow it.`;
    const card = approvalCard(state, (await store.load(ref)).map((e) => e.event), clock.now(), teamsIdsOf([approver.personId]));
    const reached = await deliverCard(approver.personId, card);
    const asked = `${approver.name} (${approver.agencyName}) to approve raising Stage ${stage} with ${state.receivingAgency.name}`;
    return reached
      ? `I have asked ${asked}; you will hear when they decide.`
      : `I need ${asked}, but I cannot reach them in Teams yet: please ask them to open Resolve in Teams and say \`status ${ref}\`.`;
  };

  onCard('lapse.escalate', async (person, data) => {
    const ref = String(data.caseRef ?? '');
    const state = await escalations.load(ref);
    if (!state?.current) return notice(`Case ${ref}`, `Case ${ref} has no stage open.`);
    const next = escalations.nextStage(state);
    return notice(`Case ${ref}: Stage ${next}`, await askForStage(ref, next, person, `No response by ${state.current.responseDue ? londonTime(state.current.responseDue) : 'the due date'}.`, 'no-response'));
  });

  onCard('lapse.chase', async (person, data) => {
    const ref = String(data.caseRef ?? '');
    const state = await escalations.load(ref);
    const cur = state?.current;
    if (!state || !cur || !state.participantIds.includes(person.id)) return notice(`Case ${ref}`, `You are not taking part in a case ${ref}, or it has no stage open.`);
    if (cur.response) return notice(`Case ${ref}`, `${cur.receiver.name} has already responded.`);
    const reached = await tell(cur.receiver.personId, `${ref}: ${person.name} (${state.escalatingAgency.name}) is still waiting for your response at Stage ${cur.number}. Please respond on the case card, or say \`status ${ref}\`.`);
    if (reached) await sendResponseCard(state);
    return notice(`Case ${ref}`, reached ? `I have reminded ${cur.receiver.name} and sent them the response card again.` : `I cannot reach ${cur.receiver.name} in Teams yet; please contact them directly.`);
  });

  onCard('lapse.extend', async (person, data) => {
    // More time is the receiving side's to propose (with a date) and the escalating side's to
    // accept: so this asks them for it.
    const ref = String(data.caseRef ?? '');
    const state = await escalations.load(ref);
    const cur = state?.current;
    if (!state || !cur || !state.participantIds.includes(person.id)) return notice(`Case ${ref}`, `You are not taking part in a case ${ref}, or it has no stage open.`);
    const until = typeof data.newDue === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(data.newDue) ? ` until ${data.newDue}` : '';
    const reached = await tell(cur.receiver.personId, `${ref}: ${person.name} (${state.escalatingAgency.name}) can allow more time at Stage ${cur.number}${until}. Please choose "Need more time" on the case card with the date you can respond by.`);
    if (reached) await sendResponseCard(state);
    return notice(`Case ${ref}`, reached ? `I have asked ${cur.receiver.name} to propose the date they can respond by.` : `I cannot reach ${cur.receiver.name} in Teams yet; please contact them directly.`);
  });

  onCard('escalation.approve', async (person, data) => {
    const ref = String(data.caseRef ?? '');
    const r = await escalations.approve(ref, person);
    // A refusal (not theirs to approve, or already decided) changes nothing and says why.
    if (!r.ok) return notice(`Case ${ref}`, r.message);
    const stage = r.state.current!;
    const due = stage.responseDue ? ` A response is due by ${londonTime(stage.responseDue)}.` : '';
    await announceStage(r.state);
    const reached = await sendResponseCard(r.state);
    const unreachable = reached ? '' : ` I cannot reach ${stage.receiver.name} in Teams yet; please contact them and ask them to open Resolve.`;
    await tell(r.state.practitioner.personId, `${ref}: ${person.name} approved Stage ${stage.number}; it is raised with ${stage.receiver.name} (${stage.receiver.agencyName}).${due}${unreachable}`);
    return decidedCard(r.state, `Approved: Stage ${stage.number} raised with ${stage.receiver.name}, ${stage.receiver.agencyName}`, stage.raiser, stage.openedAt);
  });

  /** A stage has opened: the people it informs hear of it, and the Board's channel when one of them is the Board's. */
  const announceStage = async (state: CaseState) => {
    const cur = state.current!;
    for (const p of cur.informed) {
      await tell(p.personId, `${state.ref}: Stage ${cur.number} has opened between ${cur.raiser.agencyName} and ${cur.receiver.agencyName}; you are informed as ${p.role.replace(/-/g, ' ')}.`);
    }
    const board = directory.agencies.find((a) => a.kind === 'partnership');
    if (!cur.informed.some((p) => p.agencyId === board?.id)) return;
    const learned = (await store.getDocument<ConversationReference>(CHANNELS, BOARD_CHANNEL))?.value;
    const configured = deps.boardChannel
      ? ({
          channelId: 'msteams',
          serviceUrl: deps.boardChannel.serviceUrl,
          agent: { id: deps.credentials.clientId ? `28:${deps.credentials.clientId}` : 'resolve', name: 'Resolve' },
          conversation: { id: deps.boardChannel.channelId, conversationType: 'channel', isGroup: true },
        } satisfies ConversationReference)
      : undefined;
    const channel = configured ?? learned;
    if (!channel) return void log.warn({ caseRef: state.ref }, 'no Board channel to post to: install the app in the Board team, or set BOARD_CHANNEL_ID and BOARD_SERVICE_URL');
    const card = boardNoticeCard(state, clock.now());
    try {
      await adapter.continueConversation(deps.credentials.clientId ?? 'anonymous', channel, async (context) => {
        await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
      });
    } catch (err) {
      // The stage is recorded whatever happens here; the operator sees why the notice failed.
      log.error({ err, caseRef: state.ref }, 'could not post the notice to the Board channel');
    }
  };

  onCard('case.timeline', async (person, data) => {
    const ref = String(data.caseRef ?? '');
    const summary = (await store.findCases({ participantId: person.id })).find((c) => c.ref === ref);
    if (!summary) return notice(`Case ${ref}`, `You are not taking part in a case ${ref}, or there is no such case.`);
    return notice(`Case ${ref}`, caseStatusText(summary, await store.load(ref), directory));
  });

  const sendResponseCard = async (state: CaseState) =>
    deliverCard(state.current!.receiver.personId, responseCard(state, (await store.load(state.ref)).map((e) => e.event), teamsIdsOf([state.current!.receiver.personId])));

  onCard('stage.acknowledge', async (person, data) => {
    const ref = String(data.caseRef ?? '');
    const r = await escalations.acknowledge(ref, person);
    if (!r.ok) return notice(`Case ${ref}`, r.message);
    await tell(r.state.current!.raiser.personId, `${ref}: ${person.name} (${r.state.current!.receiver.agencyName}) acknowledged Stage ${r.state.current!.number}.`);
    return responseCard(r.state, (await store.load(ref)).map((e) => e.event), teamsIdsOf([person.id]));
  });

  onCard('stage.respond', async (person, data) => {
    const ref = String(data.caseRef ?? '');
    const position = String(data.position ?? '');
    const rationale = typeof data.rationale === 'string' ? data.rationale : '';
    const day = typeof data.proposedDate === 'string' && data.proposedDate ? data.proposedDate : undefined;
    const r = await escalations.respond(ref, person, position, rationale, day);
    if (!r.ok) return notice(`Case ${ref}`, r.message);
    const stage = r.state.current!;
    const said = { agree: 'agreed', disagree: 'disagreed', 'more-time': 'asked for more time' }[position] ?? position;
    const news = `${ref}: ${person.name} (${stage.receiver.agencyName}) ${said} at Stage ${stage.number}${rationale.trim() ? `: "${rationale.trim()}"` : '.'}`;
    for (const id of new Set([stage.raiser.personId, r.state.practitioner.personId])) await tell(id, news);
    // Agreement: the side that raised the stage records the outcome, for this side to confirm.
    if (position === 'agree') await deliverCard(stage.raiser.personId, resolutionCard(r.state, { name: person.name, agencyName: stage.receiver.agencyName }));
    return decidedCard(r.state, `Responded: ${said}`, { name: person.name, agencyName: stage.receiver.agencyName }, clock.now().toISOString(), rationale.trim() || undefined);
  });

  // Universal Actions: Teams asks for the card again when someone listed in its refresh views
  // it, so a card already acted on shows where the case stands instead of live buttons.
  onCard('card.refresh', async (person, data) => {
    const ref = String(data.caseRef ?? '');
    const state = await escalations.load(ref);
    if (!state || !state.participantIds.concat(escalations.approverOf(state)?.personId ?? []).includes(person.id)) {
      return notice(`Case ${ref}`, `You are not taking part in a case ${ref}, or there is no such case.`);
    }
    const events = async () => (await store.load(ref)).map((e) => e.event);
    const cur = state.current;
    if (data.card === 'approval' && state.phase === 'awaiting-approval' && escalations.approverOf(state)?.personId === person.id) {
      return approvalCard(state, await events(), clock.now(), teamsIdsOf([person.id]));
    }
    if (data.card === 'response' && state.phase === 'stage-open' && cur && !cur.response && cur.receiver.personId === person.id) {
      return responseCard(state, await events(), teamsIdsOf([person.id]));
    }
    if (data.card === 'lapse' && state.phase === 'stage-open' && cur?.lapsed.response && !cur.response && cur.raiser.personId === person.id) {
      return lapseCard(state, cur.number + 1, teamsIdsOf([person.id]));
    }
    return notice(`Case ${ref}`, caseStateLine(state));
  });

  onCard('escalation.resolve-within', async (person, data) => {
    const ref = String(data.caseRef ?? '');
    // The card's one comment box says how it was resolved.
    const summary = typeof data.comment === 'string' ? data.comment : '';
    const r = await escalations.resolveWithin(ref, person, summary);
    if (!r.ok) return notice(`Case ${ref}`, r.message);
    await tell(r.state.practitioner.personId, `${ref}: ${person.name} resolved it within ${r.state.escalatingAgency.name} without escalating, and the case is closed: "${summary.trim()}"`);
    return decidedCard(r.state, 'Resolved within our agency; the case is closed', { name: person.name, agencyName: r.state.escalatingAgency.name }, clock.now().toISOString(), summary.trim());
  });

  onCard('resolution.propose', async (person, data) => {
    const ref = String(data.caseRef ?? '');
    const text = (k: string) => (typeof data[k] === 'string' ? (data[k] as string).trim() : '');
    // Only the action rows someone filled in; a half-filled row is refused by the domain.
    const actions = [1, 2, 3].filter((n) => text(`action${n}`) || text(`owner${n}`) || text(`due${n}`)).map((n) => ({ description: text(`action${n}`), owner: text(`owner${n}`), due: text(`due${n}`) }));
    const r = await escalations.propose(ref, person, text('summary'), actions, text('reviewDate') || undefined);
    if (!r.ok) return notice(`Case ${ref}`, r.message);
    const cur = r.state.current!;
    const other = r.state.proposal!.side === 'escalating' ? cur.receiver : cur.raiser;
    const reached = await deliverCard(other.personId, resolutionConfirmCard(r.state));
    return notice(`Case ${ref}`, reached ? `Proposed. I have asked ${other.name} (${other.agencyName}) to confirm it.` : `Proposed, but I cannot reach ${other.name} in Teams yet; please ask them to open Resolve and say \`status ${ref}\`.`);
  });

  onCard('resolution.confirm', async (person, data) => {
    const ref = String(data.caseRef ?? '');
    const r = await escalations.confirm(ref, person);
    if (!r.ok) return notice(`Case ${ref}`, r.message);
    const agreed = r.state.agreed;
    const review = agreed?.reviewDate ? ` The actions will be checked on ${agreed.reviewDate}.` : '';
    // Everyone taking part hears the outcome, the practitioner who raised the concern included.
    for (const id of r.state.participantIds.filter((id) => id !== person.id)) await tell(id, `${ref} is resolved at Stage ${r.state.current?.number}. Agreed: "${agreed?.summary ?? ''}"${review}`);
    return decidedCard(r.state, 'Outcome confirmed: resolved', { name: person.name, agencyName: agencyName(person) }, clock.now().toISOString(), agreed?.summary);
  });

  onCard('resolution.reject', async (person, data) => {
    const ref = String(data.caseRef ?? '');
    const comment = typeof data.comment === 'string' ? data.comment.trim() : '';
    const before = await escalations.load(ref);
    const proposer = before?.proposal && before.current ? (before.proposal.side === 'escalating' ? before.current.raiser : before.current.receiver) : null;
    const r = await escalations.reject(ref, person, comment);
    if (!r.ok) return notice(`Case ${ref}`, r.message);
    if (proposer) await tell(proposer.personId, `${ref}: ${person.name} did not confirm the proposed outcome${comment ? `: "${comment}"` : '.'} The stage stays open.`);
    return decidedCard(r.state, 'Proposed outcome rejected; the stage stays open', { name: person.name, agencyName: agencyName(person) }, clock.now().toISOString(), comment || undefined);
  });

  onCard('escalation.return', async (person, data) => {
    const ref = String(data.caseRef ?? '');
    const comment = typeof data.comment === 'string' ? data.comment : '';
    const r = await escalations.returnIt(ref, person, comment);
    if (!r.ok) return notice(`Case ${ref}`, r.message);
    await tell(r.state.practitioner.personId, `${ref}: ${person.name} returned your request for the next stage: "${comment.trim()}"`);
    return decidedCard(r.state, 'Returned to the practitioner with a comment', { name: person.name, agencyName: r.state.escalatingAgency.name }, clock.now().toISOString(), comment.trim());
  });
  onCard('help', async () => notice('Help', helpText(directory)));
  onCard('cases.mine', async (person) => notice('My cases', myCasesText(await store.findCases({ participantId: person.id }))));

  app.onActivity('message', async (context) => {
    const person = personOf(context);
    if (!person) return void (await notInDirectory(context));
    await remember(context, person);
    const text = (context.activity.text ?? '').replace(/<at>[^<]*<\/at>/g, '').trim();
    const [command = '', ...rest] = text.split(/\s+/);
    const word = command.toLowerCase();
    if (word === 'help' || word === '') return void (await context.sendActivity(helpText(directory)));
    if (word === 'hello' || word === 'hi') return void (await sendCard(context, welcome(person)));
    if (word === 'escalate' && rest[0]) {
      // An existing case: ask for its next stage (after a return, or when a stage is not resolved).
      const ref = rest[0].toUpperCase();
      const state = await escalations.load(ref);
      if (!state || !state.participantIds.includes(person.id)) return void (await context.sendActivity(`You are not taking part in a case ${ref}, or there is no such case.`));
      const next = escalations.nextStage(state);
      return void (await context.sendActivity(`${ref}: ${await askForStage(ref, next, person, rest.slice(1).join(' '))}`));
    }
    if (word === 'escalate' || text.toLowerCase() === 'raise a concern') {
      // A walk already under way is picked up where it stands, not thrown away.
      const view = (await intake.resume(person)) ?? (await intake.start(person));
      return void (await sendCard(context, intakeCard(view)));
    }
    if (word === 'my' && rest[0]?.toLowerCase() === 'cases') {
      return void (await context.sendActivity(myCasesText(await store.findCases({ participantId: person.id }))));
    }
    if (word === 'status') {
      const ref = rest[0];
      if (!ref) return void (await context.sendActivity('Which case? Say `status` and its reference, e.g. `status RES-2026-0001`.'));
      const summary = (await store.findCases({ participantId: person.id })).find((c) => c.ref.toLowerCase() === ref.toLowerCase());
      // Only the people taking part see a case; to anyone else it does not exist.
      if (!summary) return void (await context.sendActivity(`You are not taking part in a case ${ref}, or there is no such case.`));
      return void (await context.sendActivity(caseStatusText(summary, await store.load(summary.ref), directory)));
    }
    if (word === 'tried') {
      // tried <ref> resolved <summary> | tried <ref> not resolved <summary>
      const m = /^tried\s+(\S+)\s+(not\s+resolved|resolved)\s*(.*)$/is.exec(text);
      if (!m) return void (await context.sendActivity('Say `tried <case ref> resolved <what was agreed>` or `tried <case ref> not resolved <why>`.'));
      const ref = m[1]!.toUpperCase();
      const resolved = m[2]!.toLowerCase() === 'resolved';
      const r = await escalations.recordInformalAttempt(ref, person, resolved, m[3]!);
      if (!r.ok) return void (await context.sendActivity(r.message));
      if (resolved) return void (await context.sendActivity(`${ref} is closed: resolved between the professionals.`));
      return void (await context.sendActivity(`${ref}: ${await askForStage(ref, escalations.nextStage(r.state), person, m[3]!.trim(), 'informal-attempt-failed')}`));
    }
    if (word === 'resolve') {
      const state = rest[0] ? await escalations.load(rest[0].toUpperCase()) : null;
      const cur = state?.current;
      if (!state || !cur || state.phase !== 'stage-open') return void (await context.sendActivity('Say `resolve <case ref>` for a case with a stage open.'));
      const mine = person.agencyId === state.receivingAgency.id ? 'receiving' : person.agencyId === state.escalatingAgency.id ? 'escalating' : null;
      if (!mine || !state.participantIds.includes(person.id)) return void (await context.sendActivity(`You are not taking part in a case ${state.ref}.`));
      return void (await sendCard(context, resolutionCard(state, mine === 'escalating' ? cur.receiver : cur.raiser)));
    }
    if (word === 'reply' || word === 'withdraw') {
      const [ref, ...words] = rest;
      const said = words.join(' ').trim();
      if (!ref || !said) return void (await context.sendActivity(word === 'reply' ? 'Say `reply <case ref> <your message>`.' : 'Say `withdraw <case ref> <the reason>`.'));
      const r = word === 'reply' ? await escalations.post(ref.toUpperCase(), person, said) : await escalations.withdraw(ref.toUpperCase(), person, said);
      if (!r.ok) return void (await context.sendActivity(r.message));
      const news = word === 'reply' ? `${r.state.ref}, ${person.name} (${agencyName(person)}): ${said}` : `${r.state.ref} was withdrawn by ${person.name} (${agencyName(person)}): ${said}`;
      const others = r.state.participantIds.filter((id) => id !== person.id);
      const missed: string[] = [];
      for (const id of others) if (!(await tell(id, news))) missed.push(directory.people.find((p) => p.id === id)?.name ?? id);
      const done = word === 'reply' ? `Sent to the ${others.length} other people taking part in ${r.state.ref}.` : `${r.state.ref} is withdrawn and closed; the others taking part have been told.`;
      return void (await context.sendActivity(missed.length ? `${done} I cannot reach ${missed.join(', ')} in Teams yet; it is in the case's timeline for them.` : done));
    }
    await context.sendActivity(`I don't know "${command}". ${helpText(directory)}`);
  });

  /** Sends to a person in their chat with the bot; false if they have never talked to it. */
  const deliver = async (personId: string, activity: Parameters<TurnContext['sendActivity']>[0], what: Record<string, unknown>): Promise<boolean> => {
    const doc = await store.getDocument<ConversationReference>(CONVERSATIONS, personId);
    if (!doc) {
      log.warn({ ...what, to: personId }, 'cannot reach this person in Teams: they have not talked to the bot yet');
      return false;
    }
    try {
      // Without a registration (local use, the Playground) the SDK still wants some app id.
      await adapter.continueConversation(deps.credentials.clientId ?? 'anonymous', doc.value, async (context) => {
        await context.sendActivity(activity);
      });
      return true;
    } catch (err) {
      // What was decided is already recorded; a message that cannot go is logged, not fatal.
      log.error({ err, ...what, to: personId }, 'could not send to this person in Teams');
      return false;
    }
  };
  const deliverCard = (personId: string, card: AdaptiveCard) => deliver(personId, MessageFactory.attachment(CardFactory.adaptiveCard(card)), { card: true });
  const tell = (personId: string, text: string) => deliver(personId, text, { message: true });
  const teamsIdsOf = (personIds: string[]) => personIds.flatMap((id) => directory.people.find((p) => p.id === id)?.identities.teams?.aadObjectId ?? []).map((id) => `8:orgid:${id}`);
  const reach = async (n: Notification): Promise<boolean> => {
    const what = { notification: { key: n.key, kind: n.kind, caseRef: n.caseRef } };
    // The escalating side of an overdue response gets the card that can take the next step.
    if (n.kind === 'response-overdue' && n.suggestedStage && n.caseRef) {
      const state = await escalations.load(n.caseRef);
      if (state?.current) return deliver(n.to.personId, MessageFactory.attachment(CardFactory.adaptiveCard(lapseCard(state, n.suggestedStage, teamsIdsOf([n.to.personId])))), what);
    }
    return deliver(n.to.personId, n.text, what);
  };

  const authorize = authorizeJWT(authConfig);
  return {
    async handle(req, res) {
      const body = await readJson(req);
      const web = webResponse(res);
      if (body === undefined) return void web.status(400).send({ error: 'The request body must be a JSON activity.' }).end();
      const request = { body, headers: req.headers as Record<string, string | string[] | undefined>, method: req.method ?? 'POST' } as Parameters<typeof adapter.process>[0];
      let allowed = false;
      await authorize(request, web, () => void (allowed = true));
      if (!allowed) return void (web.writableEnded ? undefined : web.end());
      await adapter.process(request, web, (context) => app.run(context));
    },
    notifier: {
      reach,
      async send(n) {
        await reach(n);
      },
    },
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
