/**
 * Who hears what, and which card comes next, after each step a person takes in a chat: the one
 * place that decides it, for every channel. A chat adapter finds the person, hands over the verb
 * and the inputs, and shows the view this returns in place of what was clicked; everyone else is
 * reached through the Messenger, on whichever channel they use.
 */
import type { CaseState } from '../domain/escalation/state.js';
import type { EscalationReason } from '../domain/escalation/events.js';
import { boardOf, type Directory, type Person } from '../domain/directory.js';
import { OUTCOMES } from '../domain/policy/schema.js';
import { betweenAgencies, roleTitle } from '../domain/matching.js';
import type { Clock } from './clock.js';
import { notPartOf, type Escalations, type StepResult } from './escalations.js';
import type { IntakeSessions, IntakeView } from './intake-sessions.js';
import type { Messenger } from './messenger.js';
import type { Notification, Notifier } from './notifier.js';
import type { Store } from './store.js';
import {
  approvalView,
  boardNoticeView,
  decidedView,
  lapseView,
  notice,
  resolutionConfirmView,
  resolutionView,
  responseView,
  type CardView,
} from './case-views.js';
import { adviserLines, caseStateLine, caseStatusText, helpText, londonTime, myCasesText } from './replies.js';

/**
 * What a button answers with: the view to show in place of the card clicked, and whether the
 * step was taken (a refusal changes nothing, so a channel may leave the card as it was).
 */
export type Acted = { ok: boolean; view: CardView };
const done = (view: CardView): Acted => ({ ok: true, view });
const refused = (ref: string, message: string): Acted => ({ ok: false, view: notice(`Case ${ref}`, message) });

/** The card each button sits on, so a click on a step already taken gets that card as it now stands. */
const CARD_OF: Partial<Record<CaseVerb, string>> = {
  'escalation.approve': 'approval',
  'escalation.return': 'approval',
  'escalation.resolve-within': 'approval',
  'stage.acknowledge': 'response',
  'stage.respond': 'response',
  'lapse.escalate': 'lapse',
  'lapse.chase': 'lapse',
  'lapse.extend': 'lapse',
};

/** What a typed command answers with: words, a card, or the intake walk. */
export type Reply = { text: string } | { view: CardView } | { intake: IntakeView };

/** The buttons on the case cards, by verb (the same on every channel). */
export const CASE_VERBS = [
  'escalation.approve',
  'escalation.return',
  'escalation.resolve-within',
  'stage.acknowledge',
  'stage.respond',
  'resolution.propose',
  'resolution.confirm',
  'resolution.reject',
  'lapse.escalate',
  'lapse.chase',
  'lapse.extend',
  'case.timeline',
  'cases.mine',
  'help',
] as const;
export type CaseVerb = (typeof CASE_VERBS)[number];

type Data = Record<string, unknown>;
const str = (data: Data, key: string) => (typeof data[key] === 'string' ? (data[key] as string).trim() : '');
const unreachable = (name: string) => `I cannot reach ${name} in Teams or Slack yet`;

type Deps = { store: Store; directory: Directory; intake: IntakeSessions; escalations: Escalations; clock: Clock; messenger: Messenger };

export class CaseFlow implements Notifier {
  constructor(private readonly deps: Deps) {}

  private agencyName(person: Person) {
    return this.deps.directory.agencies.find((a) => a.id === person.agencyId)?.name ?? person.agencyId;
  }
  private tell(personId: string, text: string, caseRef?: string) {
    return this.deps.messenger.send(personId, { text, ...(caseRef ? { caseRef } : {}) });
  }
  /** A card with a step for someone: sent to them, and offered to their deputy while they are away. */
  private async deliver(personId: string, view: CardView, caseRef: string) {
    const sent = await this.deps.messenger.send(personId, { view, caseRef });
    await this.offerCover(personId, caseRef);
    return sent;
  }
  private async events(ref: string) {
    return (await this.deps.store.load(ref)).map((e) => e.event);
  }
  private async sendResponseCard(state: CaseState) {
    return this.deliver(state.current!.receiver.personId, responseView(state, await this.events(state.ref), adviserLines(state, this.deps.directory)), state.ref);
  }

  /** Welcome, for a person who has just installed or greeted the app. */
  welcome(person: Person): CardView {
    return { card: 'welcome', data: { firstName: person.name.split(' ')[0] ?? person.name, partnership: this.deps.directory.partnership.name } };
  }

  /** Submits the intake walk; when a case opens, asks for its first stage and says what happened. */
  async submit(person: Person): Promise<{ view: IntakeView; said: string | null }> {
    const view = await this.deps.intake.submit(person);
    if (view.kind !== 'opened') return { view, said: null };
    // A second Submit of the same walk: the case is already open and its first stage asked for.
    if (view.already) return { view, said: `Your concern is already recorded under ${view.ref}. Say \`status ${view.ref}\` to follow it.` };
    return { view, said: await this.firstStage(view.ref, view.startStage, person) };
  }

  private async firstStage(ref: string, stage: number, person: Person): Promise<string> {
    const state = await this.deps.escalations.load(ref);
    if (state?.phase === 'informal') {
      // The procedure asks the professionals to talk first.
      return `Your concern is recorded under ${ref}. ${state.policy.informalAttempt?.description ?? 'First talk it through with the professional in the other agency.'} Then tell me how it went: \`tried ${ref} resolved <what was agreed>\` or \`tried ${ref} not resolved <why>\`.`;
    }
    return `Your concern is recorded under ${ref}. ${await this.askForStage(ref, stage, person, '')}`;
  }

  /** Asks for a stage: the approver gets the approval card, or the stage opens at once. */
  private async askForStage(ref: string, stage: number, person: Person, note: string, why?: EscalationReason): Promise<string> {
    const { escalations, clock } = this.deps;
    const requested = await escalations.request(ref, person, stage, note, why);
    if (!requested.ok) return `Stage ${stage} could not be asked for: ${requested.message}`;
    const state = requested.state;
    if (state.phase === 'stage-open' && state.current?.number === stage) {
      await this.announceStage(state);
      const reached = await this.sendResponseCard(state);
      return `Stage ${stage} is open with ${state.current.receiver.name} (${state.current.receiver.agencyName}).${reached ? '' : ` ${unreachable('them')}; please contact them and ask them to open Resolve.`}`;
    }
    const approver = escalations.approverOf(state);
    if (state.phase !== 'awaiting-approval' || !approver) return `Say \`status ${ref}\` to follow it.`;
    const reached = await this.deliver(approver.personId, approvalView(state, await this.events(ref), clock.now()), ref);
    const asked = `${approver.name} (${approver.agencyName}) to approve raising Stage ${stage} with ${state.receivingAgency.name}`;
    return reached
      ? `I have asked ${asked}; you will hear when they decide.`
      : `I need ${asked}, but ${unreachable('them')}: please ask them to open Resolve and say \`status ${ref}\`.`;
  }

  /** A stage has opened: the people it informs hear of it, and the Board's channel when one of them is the Board's. */
  private async announceStage(state: CaseState) {
    const cur = state.current!;
    for (const p of cur.informed) {
      await this.tell(p.personId, `${state.ref}: Stage ${cur.number} has opened ${betweenAgencies(cur.raiser, cur.receiver)}; you are informed as ${roleTitle(this.deps.directory, p)}.`, state.ref);
    }
    // The Board of the child's local area (Derby City's or Derbyshire's), when the stage informs it or goes to it.
    const board = boardOf(this.deps.directory, state.intake.localAreaId);
    const several = this.deps.directory.agencies.filter((a) => a.kind === 'partnership').length > 1;
    if (board && [...cur.informed, cur.receiver].some((p) => p.agencyId === board.id)) await this.deps.messenger.postToBoard(boardNoticeView(state, this.deps.clock.now(), several ? board.name : undefined), state.ref);
  }

  /** A button on a case card: the step runs, the people concerned hear of it, and this view replaces the card. */
  async act(person: Person, verb: string, data: Data): Promise<Acted> {
    const ref = str(data, 'caseRef').toUpperCase();
    const acted = await this.step(person, verb, ref, data);
    // Another click took this step first: nothing more is recorded, and this card shows the case as it now stands.
    if (!acted.ok && acted.already) return { ok: false, view: await this.currentCard(person, ref, CARD_OF[verb as CaseVerb] ?? '') };
    return acted;
  }

  /** A refusal as a card; a step already taken is marked so `act` can show the card as it stands. */
  private refusedStep(ref: string, r: Extract<StepResult, { ok: false }>): Acted & { already?: boolean } {
    return { ...refused(ref, r.message), ...(r.code === 'already-done' ? { already: true } : {}) };
  }

  private async step(person: Person, verb: string, ref: string, data: Data): Promise<Acted & { already?: boolean }> {
    switch (verb as CaseVerb) {
      case 'escalation.approve':
        return this.approve(person, ref, str(data, 'requestedDue') || undefined);
      case 'escalation.return':
        return this.returnIt(person, ref, str(data, 'comment'));
      case 'escalation.resolve-within':
        return this.resolveWithin(person, ref, str(data, 'comment'));
      case 'stage.acknowledge':
        return this.acknowledge(person, ref);
      case 'stage.respond':
        return this.respond(person, ref, str(data, 'position'), str(data, 'rationale'), str(data, 'proposedDate') || undefined);
      case 'resolution.propose':
        return this.propose(person, ref, data);
      case 'resolution.confirm':
        return this.confirm(person, ref);
      case 'resolution.reject':
        return this.reject(person, ref, str(data, 'comment'));
      case 'lapse.escalate':
        return this.lapseEscalate(person, ref);
      case 'lapse.chase':
        return this.lapseChase(person, ref);
      case 'lapse.extend':
        return this.lapseExtend(person, ref, str(data, 'newDue'));
      case 'case.timeline':
        return this.timeline(person, ref);
      case 'cases.mine':
        return done(notice('My cases', myCasesText(await this.deps.store.findCases({ participantId: person.id }))));
      case 'help':
        return done(notice('Help', helpText(this.deps.directory)));
      default:
        return { ok: false, view: notice('That could not be done', 'I do not know that button. Say `help` to see what I can do.') };
    }
  }

  private async approve(person: Person, ref: string, requestedDue?: string): Promise<Acted> {
    const r = await this.deps.escalations.approve(ref, person, undefined, requestedDue);
    // A refusal (not theirs to approve, or already decided) changes nothing and says why.
    if (!r.ok) return this.refusedStep(ref, r);
    const stage = r.state.current!;
    const due = stage.responseDue ? ` A response is due by ${londonTime(stage.responseDue)}.` : '';
    await this.announceStage(r.state);
    const reached = await this.sendResponseCard(r.state);
    const missed = reached ? '' : ` ${unreachable(stage.receiver.name)}; please contact them and ask them to open Resolve.`;
    await this.tell(r.state.practitioner.personId, `${ref}: ${person.name} approved Stage ${stage.number}; it is raised with ${stage.receiver.name} (${stage.receiver.agencyName}).${due}${missed}`, ref);
    return done(decidedView(r.state, `Approved: Stage ${stage.number} raised with ${stage.receiver.name}, ${stage.receiver.agencyName}`, stage.raiser, stage.openedAt));
  }

  private async returnIt(person: Person, ref: string, comment: string): Promise<Acted> {
    const r = await this.deps.escalations.returnIt(ref, person, comment);
    if (!r.ok) return this.refusedStep(ref, r);
    await this.tell(r.state.practitioner.personId, `${ref}: ${person.name} returned your request for the next stage: "${comment}"`, ref);
    return done(decidedView(r.state, 'Returned to the practitioner with a comment', { name: person.name, agencyName: r.state.escalatingAgency.name }, this.deps.clock.now().toISOString(), comment));
  }

  private async resolveWithin(person: Person, ref: string, summary: string): Promise<Acted> {
    const r = await this.deps.escalations.resolveWithin(ref, person, summary);
    if (!r.ok) return this.refusedStep(ref, r);
    await this.tell(r.state.practitioner.personId, `${ref}: ${person.name} resolved it within ${r.state.escalatingAgency.name} without escalating, and the case is closed: "${summary}"`, ref);
    return done(decidedView(r.state, 'Resolved within our agency; the case is closed', { name: person.name, agencyName: r.state.escalatingAgency.name }, this.deps.clock.now().toISOString(), summary));
  }

  private async acknowledge(person: Person, ref: string): Promise<Acted> {
    const r = await this.deps.escalations.acknowledge(ref, person);
    if (!r.ok) return this.refusedStep(ref, r);
    const cur = r.state.current!;
    await this.tell(cur.raiser.personId, `${ref}: ${person.name} (${cur.receiver.agencyName}) acknowledged Stage ${cur.number}.`, ref);
    return done(responseView(r.state, await this.events(ref)));
  }

  private async respond(person: Person, ref: string, position: string, rationale: string, day?: string): Promise<Acted> {
    const r = await this.deps.escalations.respond(ref, person, position, rationale, day);
    if (!r.ok) return this.refusedStep(ref, r);
    const stage = r.state.current!;
    const said = { agree: 'agreed', disagree: 'disagreed', 'more-time': 'asked for more time' }[position] ?? position;
    const news = `${ref}: ${person.name} (${stage.receiver.agencyName}) ${said} at Stage ${stage.number}${rationale ? `: "${rationale}"` : '.'}`;
    for (const id of new Set([stage.raiser.personId, r.state.practitioner.personId])) await this.tell(id, news, ref);
    // Agreement: the side that raised the stage records the outcome, for this side to confirm.
    if (position === 'agree') await this.deliver(stage.raiser.personId, resolutionView(r.state, { name: person.name, agencyName: stage.receiver.agencyName }), ref);
    return done(decidedView(r.state, `Responded: ${said}`, { name: person.name, agencyName: stage.receiver.agencyName }, this.deps.clock.now().toISOString(), rationale || undefined));
  }

  private async propose(person: Person, ref: string, data: Data): Promise<Acted> {
    // Only the action rows someone filled in; a half-filled row is refused by the domain.
    const actions = [1, 2, 3]
      .filter((n) => str(data, `action${n}`) || str(data, `owner${n}`) || str(data, `due${n}`))
      .map((n) => ({ description: str(data, `action${n}`), owner: str(data, `owner${n}`), due: str(data, `due${n}`) }));
    const r = await this.deps.escalations.propose(ref, person, str(data, 'summary'), actions, str(data, 'reviewDate') || undefined);
    if (!r.ok) return this.refusedStep(ref, r);
    const cur = r.state.current!;
    const other = r.state.proposal!.side === 'escalating' ? cur.receiver : cur.raiser;
    const reached = await this.deliver(other.personId, resolutionConfirmView(r.state), ref);
    return done(notice(`Case ${ref}`, reached ? `Proposed. I have asked ${other.name} (${other.agencyName}) to confirm it.` : `Proposed, but ${unreachable(other.name)}; please ask them to open Resolve and say \`status ${ref}\`.`));
  }

  private async confirm(person: Person, ref: string): Promise<Acted> {
    const r = await this.deps.escalations.confirm(ref, person);
    if (!r.ok) return this.refusedStep(ref, r);
    const agreed = r.state.agreed;
    const review = agreed?.reviewDate ? ` The actions will be checked on ${agreed.reviewDate}.` : '';
    // Everyone taking part hears the outcome, the practitioner who raised the concern included.
    for (const id of r.state.participantIds.filter((id) => id !== person.id)) {
      await this.tell(id, `${ref} is resolved at Stage ${r.state.current?.number}. Agreed: "${agreed?.summary ?? ''}"${review}`, ref);
    }
    return done(decidedView(r.state, 'Outcome confirmed: resolved', { name: person.name, agencyName: this.agencyName(person) }, this.deps.clock.now().toISOString(), agreed?.summary));
  }

  private async reject(person: Person, ref: string, comment: string): Promise<Acted> {
    const before = await this.deps.escalations.load(ref);
    const proposer = before?.proposal && before.current ? (before.proposal.side === 'escalating' ? before.current.raiser : before.current.receiver) : null;
    const r = await this.deps.escalations.reject(ref, person, comment);
    if (!r.ok) return this.refusedStep(ref, r);
    if (proposer) await this.tell(proposer.personId, `${ref}: ${person.name} did not confirm the proposed outcome${comment ? `: "${comment}"` : '.'} The stage stays open.`, ref);
    return done(decidedView(r.state, 'Proposed outcome rejected; the stage stays open', { name: person.name, agencyName: this.agencyName(person) }, this.deps.clock.now().toISOString(), comment || undefined));
  }

  private async lapseEscalate(person: Person, ref: string): Promise<Acted> {
    const state = await this.deps.escalations.load(ref);
    if (!state || !this.deps.escalations.isPartOf(state, person)) return refused(ref, notPartOf(ref));
    if (!state.current) return refused(ref, `${ref} has no stage open.`);
    const next = this.deps.escalations.nextStage(state);
    const note = `No response by ${state.current.responseDue ? londonTime(state.current.responseDue) : 'the due date'}.`;
    return done(notice(`Case ${ref}: Stage ${next}`, await this.askForStage(ref, next, person, note, 'no-response')));
  }

  private async lapseChase(person: Person, ref: string): Promise<Acted> {
    const state = await this.deps.escalations.load(ref);
    const cur = state?.current;
    if (!state || !this.deps.escalations.isPartOf(state, person)) return refused(ref, notPartOf(ref));
    if (!cur) return refused(ref, `${ref} has no stage open.`);
    if (cur.response) return refused(ref, `${cur.receiver.name} has already responded.`);
    const reached = await this.tell(cur.receiver.personId, `${ref}: ${person.name} (${state.escalatingAgency.name}) is still waiting for your response at Stage ${cur.number}. Please respond on the case card, or say \`status ${ref}\`.`, ref);
    if (reached) await this.sendResponseCard(state);
    return done(notice(`Case ${ref}`, reached ? `I have reminded ${cur.receiver.name} and sent them the response card again.` : `${unreachable(cur.receiver.name)}; please contact them directly.`));
  }

  /** More time is the receiving side's to propose (with a date) and the escalating side's to accept: so this asks them for it. */
  private async lapseExtend(person: Person, ref: string, newDue: string): Promise<Acted> {
    const state = await this.deps.escalations.load(ref);
    const cur = state?.current;
    if (!state || !this.deps.escalations.isPartOf(state, person)) return refused(ref, notPartOf(ref));
    if (!cur) return refused(ref, `${ref} has no stage open.`);
    const until = /^\d{4}-\d{2}-\d{2}$/.test(newDue) ? ` until ${newDue}` : '';
    const reached = await this.tell(cur.receiver.personId, `${ref}: ${person.name} (${state.escalatingAgency.name}) can allow more time at Stage ${cur.number}${until}. Please choose "Need more time" on the case card with the date you can respond by.`, ref);
    if (reached) await this.sendResponseCard(state);
    return done(notice(`Case ${ref}`, reached ? `I have asked ${cur.receiver.name} to propose the date they can respond by.` : `${unreachable(cur.receiver.name)}; please contact them directly.`));
  }

  private async timeline(person: Person, ref: string): Promise<Acted> {
    const summary = (await this.deps.store.findCases({ participantId: person.id })).find((c) => c.ref === ref);
    if (!summary) return refused(ref, notPartOf(ref));
    return done(notice(`Case ${ref}`, caseStatusText(summary, await this.deps.store.load(ref), this.deps.directory)));
  }

  /**
   * The card a person should now hold for a case (Teams asks again when a card is viewed): the
   * live card while the step is still theirs, otherwise one line on where the case stands.
   */
  async currentCard(person: Person, ref: string, card: string): Promise<CardView> {
    const { escalations, clock } = this.deps;
    const state = await escalations.loadFor(ref, person);
    if (!state) return notice(`Case ${ref}`, notPartOf(ref));
    const approverId = escalations.approverOf(state)?.personId;
    const cur = state.current;
    if (card === 'approval' && state.phase === 'awaiting-approval' && approverId === person.id) return approvalView(state, await this.events(ref), clock.now());
    if (card === 'response' && state.phase === 'stage-open' && cur && !cur.response && cur.receiver.personId === person.id) return responseView(state, await this.events(ref));
    if (card === 'lapse' && state.phase === 'stage-open' && cur?.lapsed.response && !cur.response && cur.raiser.personId === person.id) return lapseView(state, escalations.nextStage(state));
    return notice(`Case ${ref}`, caseStateLine(state));
  }

  /** A message in a case's thread: recorded, then relayed to everyone else taking part. */
  async post(person: Person, ref: string, said: string): Promise<string> {
    const r = await this.deps.escalations.post(ref.toUpperCase(), person, said);
    if (!r.ok) return r.message;
    const missed = await this.relay(r.state, person, `${r.state.ref}, ${person.name} (${this.agencyName(person)}): ${said}`);
    const done = `Sent to the ${r.state.participantIds.length - 1} other people taking part in ${r.state.ref}.`;
    return missed.length ? `${done} ${unreachable(missed.join(', '))}; it is in the case's timeline for them.` : done;
  }

  private async relay(state: CaseState, from: Person, text: string): Promise<string[]> {
    const missed: string[] = [];
    for (const id of state.participantIds.filter((id) => id !== from.id)) {
      if (!(await this.tell(id, text, state.ref))) missed.push(this.deps.directory.people.find((p) => p.id === id)?.name ?? id);
    }
    return missed;
  }

  /** A typed command (the same words on every channel; `help` lists them). */
  async command(person: Person, typed: string): Promise<Reply> {
    const { escalations, intake, store, directory } = this.deps;
    const text = typed.trim();
    const [command = '', ...rest] = text.split(/\s+/);
    const word = command.toLowerCase();
    if (word === 'help' || word === '') return { text: helpText(directory) };
    if (word === 'hello' || word === 'hi') return { view: this.welcome(person) };
    if (word === 'escalate' && rest[0]) {
      // An existing case: ask for its next stage (after a return, or when a stage is not resolved).
      const ref = rest[0].toUpperCase();
      const state = await escalations.loadFor(ref, person);
      if (!state) return { text: notPartOf(ref) };
      // `escalate <ref> stage <n>`: a route other than the default one (one the procedure offers on a condition).
      const chosen = rest[1]?.toLowerCase() === 'stage' && /^\d+$/.test(rest[2] ?? '') ? Number(rest[2]) : null;
      const note = rest.slice(chosen === null ? 1 : 3).join(' ');
      return { text: `${ref}: ${await this.askForStage(ref, chosen ?? escalations.nextStage(state), person, note)}` };
    }
    if (word === 'escalate' || text.toLowerCase() === 'raise a concern') {
      // A walk already under way is picked up where it stands, not thrown away.
      return { intake: (await intake.resume(person)) ?? (await intake.start(person)) };
    }
    if (word === 'my' && rest[0]?.toLowerCase() === 'cases') return { text: myCasesText(await store.findCases({ participantId: person.id })) };
    if (word === 'status') return { text: await this.status(person, rest[0]) };
    if (word === 'step') {
      // step <ref> <step> <what was decided>: a stage's step besides agreeing; one that ends the procedure closes the case.
      const m = /^step\s+(\S+)\s+(\S+)\s*(.*)$/is.exec(text);
      const outcome = OUTCOMES.find((o) => o === m?.[2]?.toLowerCase());
      if (!m || !outcome) return { text: 'Say `step <case ref> <step> <what was decided>`; `status <case ref>` names the steps its stage offers.' };
      const r = await escalations.recordStep(m[1]!.toUpperCase(), person, outcome, m[3]!);
      if (!r.ok) return { text: r.message };
      const said = r.state.phase === 'closed' ? `${r.state.ref} is closed: the procedure ended with this step.` : `Recorded on ${r.state.ref}.`;
      await this.relay(r.state, person, `${r.state.ref}, ${person.name} (${this.agencyName(person)}) recorded ${outcome.replace(/-/g, ' ')}: ${m[3]!.trim()}`);
      return { text: said };
    }
    if (word === 'tried') {
      // tried <ref> resolved <summary> | tried <ref> not resolved <summary>
      const m = /^tried\s+(\S+)\s+(not\s+resolved|resolved)\s*(.*)$/is.exec(text);
      if (!m) return { text: 'Say `tried <case ref> resolved <what was agreed>` or `tried <case ref> not resolved <why>`.' };
      const ref = m[1]!.toUpperCase();
      const resolved = m[2]!.toLowerCase() === 'resolved';
      const r = await escalations.recordInformalAttempt(ref, person, resolved, m[3]!);
      if (!r.ok) return { text: r.message };
      if (resolved) return { text: `${ref} is closed: resolved between the professionals.` };
      return { text: `${ref}: ${await this.askForStage(ref, escalations.nextStage(r.state), person, m[3]!.trim(), 'informal-attempt-failed')}` };
    }
    if (word === 'resolve') {
      if (!rest[0]) return { text: 'Say `resolve <case ref>` for a case with a stage open.' };
      const ref = rest[0].toUpperCase();
      const state = await escalations.loadFor(ref, person);
      if (!state) return { text: notPartOf(ref) };
      const cur = state.current;
      if (!cur || state.phase !== 'stage-open') return { text: `${ref} has no stage open to resolve.` };
      // The card is for the two sides of the stage; anyone else part of the case is told whose step it is.
      if (person.id !== cur.raiser.personId && person.id !== cur.receiver.personId) return { text: `The outcome of ${ref} is recorded by ${cur.raiser.name} or ${cur.receiver.name}.` };
      return { view: resolutionView(state, person.id === cur.raiser.personId ? cur.receiver : cur.raiser) };
    }
    if (word === 'hand' && rest[0]?.toLowerCase() === 'over') return { text: await this.handOverTyped(person, text) };
    if (word === 'take' && rest[0]?.toLowerCase() === 'over') {
      if (!rest[1]) return { text: 'Say `take over <case ref>`.' };
      return { text: await this.takeOver(person, rest[1].toUpperCase()) };
    }
    if (word === 'reply' || word === 'withdraw') {
      const [ref, ...words] = rest;
      const said = words.join(' ').trim();
      if (!ref || !said) return { text: word === 'reply' ? 'Say `reply <case ref> <your message>`.' : 'Say `withdraw <case ref> <the reason>`.' };
      if (word === 'reply') return { text: await this.post(person, ref, said) };
      const r = await escalations.withdraw(ref.toUpperCase(), person, said);
      if (!r.ok) return { text: r.message };
      const missed = await this.relay(r.state, person, `${r.state.ref} was withdrawn by ${person.name} (${this.agencyName(person)}): ${said}`);
      const done = `${r.state.ref} is withdrawn and closed; the others taking part have been told.`;
      return { text: missed.length ? `${done} ${unreachable(missed.join(', '))}; it is in the case's timeline for them.` : done };
    }
    return { text: `I don't know "${command}". ${helpText(directory)}` };
  }

  /**
   * `hand over <ref> to <person>` (by the person themself) or `hand over <ref> from <person> to
   * <person>` (by their line manager); people by directory id or full name.
   */
  private async handOverTyped(person: Person, text: string): Promise<string> {
    const m = /^hand\s+over\s+(\S+)\s+(?:from\s+(.+?)\s+)?to\s+(.+)$/is.exec(text);
    if (!m) return 'Say `hand over <case ref> to <person>` (their name or directory id), or, as their line manager, `hand over <case ref> from <person> to <person>`.';
    const ref = m[1]!.toUpperCase();
    const state = await this.deps.escalations.load(ref);
    const from = m[2] ? this.findPerson(m[2]) : person;
    const to = this.findPerson(m[3]!);
    // A stranger learns nothing of the case, not even whether the names they gave are right.
    if (!state || !from || !(this.deps.escalations.isPartOf(state, person) || from.lineManagerId === person.id)) return notPartOf(ref);
    if (!to) return `I cannot find "${m[3]!.trim()}" in the directory; use their full name or directory id.`;
    const r = await this.deps.escalations.handOver(ref, person, from, to);
    if (!r.ok) return r.message;
    return this.announceHandOver(r.state, from, to, person);
  }

  private async takeOver(person: Person, ref: string): Promise<string> {
    const state = await this.deps.escalations.loadFor(ref, person);
    const away = state ? this.deps.escalations.awayFor(state, person) : null;
    const r = await this.deps.escalations.takeOver(ref, person);
    if (!r.ok) return r.message;
    return this.announceHandOver(r.state, away!, person, person);
  }

  private findPerson(said: string): Person | undefined {
    const key = said.trim().toLowerCase();
    return this.deps.directory.people.find((p) => p.id.toLowerCase() === key) ?? this.deps.directory.people.find((p) => p.name.toLowerCase() === key);
  }

  /** A part changed hands: the new person gets the case and its waiting step, the old one and the other side are told. */
  private async announceHandOver(state: CaseState, from: Person, to: Person, by: Person): Promise<string> {
    const ref = state.ref;
    const who = by.id === to.id ? `${to.name} took over from ${from.name}` : by.id === from.id ? `${from.name} handed over to ${to.name}` : `${by.name} handed ${from.name}'s part over to ${to.name}`;
    if (to.id !== by.id) await this.tell(to.id, `${ref}: ${who}; the case is yours now. Say \`status ${ref}\` for its history.`, ref);
    await this.sendWaitingStep(state, to.id);
    if (from.id !== by.id) await this.tell(from.id, `${ref}: ${who}; you no longer act on this case.`, ref);
    const others = state.participantIds.filter((id) => ![from.id, to.id, by.id].includes(id) && !state.handedOverIds.includes(id));
    for (const id of others) await this.tell(id, `${ref}: ${who} (${this.agencyName(to)}).`, ref);
    return `${ref}: ${who}. Everyone taking part has been told.`;
  }

  /** The card for the step now waiting for this person, if one is. */
  private async sendWaitingStep(state: CaseState, personId: string): Promise<void> {
    const cur = state.current;
    if (state.phase === 'awaiting-approval' && this.deps.escalations.approverOf(state)?.personId === personId) {
      await this.deliver(personId, approvalView(state, await this.events(state.ref), this.deps.clock.now()), state.ref);
    } else if (state.phase === 'stage-open' && cur && !cur.response && cur.receiver.personId === personId) {
      await this.sendResponseCard(state);
    } else if (state.phase === 'stage-open' && cur && state.proposal) {
      const confirmer = state.proposal.side === 'escalating' ? cur.receiver : cur.raiser;
      if (confirmer.personId === personId) await this.deliver(personId, resolutionConfirmView(state), state.ref);
    }
  }

  /**
   * A step waits for someone who is away (the directory says so): their deputy is offered the
   * case; saying `take over` is the recorded hand-over.
   */
  private async offerCover(personId: string, ref: string): Promise<void> {
    const away = this.deps.directory.people.find((p) => p.id === personId);
    const deputy = away && !away.available && away.deputyId ? this.deps.directory.people.find((p) => p.id === away.deputyId) : undefined;
    if (!away || !deputy?.available) return;
    await this.tell(deputy.id, `${ref}: ${away.name} is away and has a step waiting in this case. You are their deputy: to take it over, say \`take over ${ref}\`.`, ref);
  }

  /** The timeline of a case, for someone taking part; to anyone else it does not exist. */
  async status(person: Person, ref: string | undefined): Promise<string> {
    if (!ref) return 'Which case? Say `status` and its reference, e.g. `status RES-2026-0001`.';
    const summary = (await this.deps.store.findCases({ participantId: person.id })).find((c) => c.ref.toLowerCase() === ref.toLowerCase());
    if (!summary) return notPartOf(ref.toUpperCase());
    // The routes, steps and advisers are extras: the timeline is shown even where the events do not fold into a case.
    const state = await this.deps.escalations.load(summary.ref).catch(() => null);
    return caseStatusText(summary, await this.deps.store.load(summary.ref), this.deps.directory, state ?? undefined);
  }

  /** The scheduler's prompts: an overdue response reaches the escalating side as the card that can take the next step. */
  /** True only when the prompt reached the person (the scheduler retries it otherwise). */
  async send(n: Notification): Promise<boolean> {
    if (n.kind === 'response-overdue' && n.suggestedStage && n.caseRef) {
      const state = await this.deps.escalations.load(n.caseRef);
      if (state?.current) return this.deliver(n.to.personId, lapseView(state, n.suggestedStage), n.caseRef);
    }
    const sent = await this.deps.messenger.send(n.to.personId, { text: n.text, ...(n.caseRef ? { caseRef: n.caseRef } : {}) });
    if (n.caseRef && n.kind !== 'undeliverable-prompt') await this.offerCover(n.to.personId, n.caseRef);
    return sent;
  }
}
