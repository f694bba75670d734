/**
 * What a chat door hands to the app, for every channel: a button (run from the step table in
 * `steps/`), a typed command, the intake walk's Submit, and the scheduler's prompts (this is the
 * Notifier). A door finds the person, hands over the verb and the inputs or the words, and shows
 * what comes back; everyone else is reached through CaseNews and the Messenger.
 */
import type { CaseState } from '../domain/escalation/state.js';
import { awaitingResponse, confirmerOf, nextStageNumber, otherSideOf, routesOnCondition } from '../domain/escalation/queries.js';
import type { Directory, Person } from '../domain/directory.js';
import { OUTCOME_STEPS } from '../domain/policy/schema.js';
import { CaseNews, unreachable } from './case-news.js';
import type { Cases } from './cases.js';
import type { Clock } from './clock.js';
import { notPartOf, type Escalations } from './escalations.js';
import type { IntakeSessions, IntakeView } from './intake-sessions.js';
import type { Messenger } from './messenger.js';
import type { Notification, Notifier } from './notifier.js';
import type { Store } from './store.js';
import { forReaders, languageOf, readIn } from './reader.js';
import { approvalView, lapseView, notice, waysOnView, resolutionConfirmView, resolutionView, type CardView } from './case-views.js';
import { bindingDecisionView, bindingRouteView, debriefView, extensionView, outcomeStepView, quickerDueView, reviewView } from './outcome-views.js';
import { caseStateLine, caseStatusText, helpText, myCasesText, statusPage, statusRange } from './replies.js';
import { StepRunner } from './steps/run-step.js';
import type { Acted, StepData } from './steps/step.js';

export type { Acted } from './steps/step.js';

/** What a typed command answers with: words, a card, or the intake walk. */
export type Reply = { text: string } | { view: CardView } | { intake: IntakeView };

/**
 * Typed words that only show something (`help`, `hello`, `my cases`, `status <ref>`): they
 * record nothing, send nothing to anyone else and change nothing, so a repeat of them only
 * answers again. A door needs no once-only claim for them (a Teams retry then gets the answer
 * twice, which is all it could get anyway); every other command is claimed. Kept beside
 * `command`, which reads the same first words; a test holds each of these to writing nothing.
 */
export function onlyShows(typed: string): boolean {
  const [word = '', next = ''] = typed.trim().toLowerCase().split(/\s+/);
  return ['', 'help', 'hello', 'hi', 'status'].includes(word) || (word === 'my' && next === 'cases');
}

type Deps = { store: Store; cases: Cases; directory: Directory; intake: IntakeSessions; escalations: Escalations; clock: Clock; messenger: Messenger };

/** A step's answer as a typed command's reply: a notice or a decision in words, any other card as itself. */
function replyOf(view: CardView): Reply {
  if (view.card === 'notice') return { text: view.data.text };
  if (view.card === 'decided') return { text: `${view.data.caseRef}: ${view.data.decision}` };
  return { view };
}

export class CaseFlow implements Notifier {
  constructor(private readonly deps: Deps) {
    const { store, directory, escalations, clock, messenger, cases } = deps;
    this.news = new CaseNews({ store, directory, escalations, clock, messenger });
    this.steps = new StepRunner({ cases, store, directory, escalations, news: this.news, now: () => clock.now() }, (person, ref, card) => this.currentCard(person, ref, card));
  }

  private readonly news: CaseNews;
  private readonly steps: StepRunner;

  private agencyName(person: Person) {
    return this.news.agencyName(person);
  }
  private tell(personId: string, text: string, caseRef?: string) {
    return this.news.tell(personId, text, caseRef);
  }

  /** The case as this person reads it (the procedure's words in their language), for what is shown to them; null stays null. */
  private readBy<S extends CaseState | null>(state: S, person: Person): S {
    return (state && readIn(state, languageOf(person))) as S;
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
    const state = this.readBy(await this.deps.escalations.load(ref), person);
    if (!state) return `Say \`status ${ref}\` to follow it.`;
    // Recorded for a colleague: the concern stays theirs, so they hear of it (the reference, never the child).
    if (state.practitioner.personId !== person.id) {
      await this.tell(state.practitioner.personId, `${person.name} (${this.agencyName(person)}) recorded a concern on your behalf under ${ref}; it stays your concern, and you both follow it. Say \`status ${ref}\` to follow it.`, ref);
    }
    if (state.phase === 'informal') {
      // The procedure asks the professionals to talk first.
      return `Your concern is recorded under ${ref}. ${state.policy.informalAttempt?.description ?? 'First talk it through with the professional in the other agency.'} Then tell me how it went: \`tried ${ref} resolved <what was agreed>\` or \`tried ${ref} not resolved <why>\`.`;
    }
    return `Your concern is recorded under ${ref}. ${await this.news.askForStage(state, person, stage, '')}`;
  }

  /** A button on a case card: the step runs (the step table), the people concerned hear of it, and this view replaces the card. */
  act(person: Person, verb: string, data: StepData): Promise<Acted> {
    return this.steps.take(person, verb, data);
  }

  /**
   * The card a person should now hold for a case (Teams asks again when a card is viewed): the
   * live card while the step is still theirs, otherwise one line on where the case stands.
   */
  async currentCard(person: Person, ref: string, card: string): Promise<CardView> {
    const { escalations, clock } = this.deps;
    const state = this.readBy(await escalations.loadFor(ref, person), person);
    if (!state) return notice(`Case ${ref}`, notPartOf(ref));
    const approverId = escalations.approverOf(state)?.personId;
    const cur = state.current;
    if (card === 'approval' && state.phase === 'awaiting-approval' && approverId === person.id) return approvalView(state, await this.news.events(ref), clock.now());
    if (card === 'response' && state.phase === 'stage-open' && cur && awaitingResponse(cur) && cur.receiver.personId === person.id) return this.news.responseCard(state, await this.news.events(ref));
    if (card === 'lapse' && cur?.raiser.personId === person.id) return waysOnView(state) ?? notice(`Case ${ref}`, caseStateLine(state));
    return this.laterCard(state, person, card) ?? notice(`Case ${ref}`, caseStateLine(state));
  }

  /** The cards at the ends of the procedures, while the step is still this person's (each view is null once it is not). */
  private laterCard(state: CaseState, person: Person, card: string): CardView | null {
    const cur = state.current;
    const raiser = cur?.raiser.personId === person.id;
    const receiver = cur?.receiver.personId === person.id;
    switch (card) {
      case 'extension':
        return raiser ? extensionView(state) : null;
      case 'quicker-due':
        return raiser ? quickerDueView(state) : null;
      case 'binding-route':
        return receiver ? bindingRouteView(state, this.news.agencies()) : null;
      case 'binding-decision':
        return receiver ? bindingDecisionView(state) : null;
      case 'outcome-step':
        return raiser || receiver ? outcomeStepView(state) : null;
      case 'review':
        return reviewView(state);
      case 'debrief':
        return state.debriefedBy.includes(person.id) ? null : debriefView(state);
      default:
        return null;
    }
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

  /** A typed command (the same words on every channel; `help` lists them). Those that only show are `onlyShows`. */
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
      const onCondition = chosen === null ? undefined : routesOnCondition(state).find((r) => r.to === chosen);
      if (onCondition) {
        // A route on a condition is the card's step (`route.take`): taken once its condition is confirmed, as on the card.
        if (rest[3]?.toLowerCase() !== 'holds') return { text: `${ref}: ${state.policy.name} offers Stage ${chosen} only where: ${onCondition.condition}. If that holds, say \`escalate ${ref} stage ${chosen} holds\`.` };
        return replyOf((await this.steps.take(person, 'route.take', { caseRef: ref, toStage: chosen, holds: 'yes' })).view);
      }
      const note = rest.slice(chosen === null ? 1 : 3).join(' ');
      return { text: `${ref}: ${await this.news.askForStage(state, person, chosen ?? nextStageNumber(state), note)}` };
    }
    if (word === 'escalate' || text.toLowerCase() === 'raise a concern') {
      // A walk already under way is picked up where it stands, not thrown away.
      return { intake: (await intake.resume(person)) ?? (await intake.start(person)) };
    }
    if (word === 'my' && rest[0]?.toLowerCase() === 'cases') return { text: myCasesText(await store.findCases({ participantId: person.id })) };
    if (word === 'status') return { text: await this.status(person, rest[0], rest.slice(1)) };
    if (word === 'step') {
      // step <ref> <step> <what was decided>: the outcome-step card's step typed (`outcome.record`),
      // through the same runner: the same role, refusals and news; one that ends the procedure closes the case.
      const m = /^step\s+(\S+)\s+(\S+)\s*(.*)$/is.exec(text);
      const outcome = OUTCOME_STEPS.find((o) => o === m?.[2]?.toLowerCase());
      if (!m || !outcome) return { text: 'Say `step <case ref> <step> <what was decided>`; `status <case ref>` names the steps its stage offers.' };
      const { view } = await this.steps.take(person, 'outcome.record', { caseRef: m[1], outcome, note: m[3] });
      return replyOf(view);
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
      return { text: `${ref}: ${await this.news.askForStage(r.state, person, nextStageNumber(r.state), m[3]!.trim(), 'informal-attempt-failed')}` };
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
      return { view: resolutionView(state, otherSideOf(cur, person.id)) };
    }
    if (word === 'review') {
      // The check back on the agreed actions, before its date or when the case has none to wait for.
      if (!rest[0]) return { text: 'Say `review <case ref>` for a resolved case.' };
      const ref = rest[0].toUpperCase();
      const state = this.readBy(await escalations.loadFor(ref, person), person);
      if (!state) return { text: notPartOf(ref) };
      const view = reviewView(state);
      return view ? { view } : { text: `${caseStateLine(state)} There are no agreed actions waiting to be checked.` };
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
    await this.sendWaitingStep(state, to);
    if (from.id !== by.id) await this.tell(from.id, `${ref}: ${who}; you no longer act on this case.`, ref);
    const others = state.participantIds.filter((id) => ![from.id, to.id, by.id].includes(id) && !state.handedOverIds.includes(id));
    for (const id of others) await this.tell(id, `${ref}: ${who} (${this.agencyName(to)}).`, ref);
    return `${ref}: ${who}. Everyone taking part has been told.`;
  }

  /**
   * The cards for the steps now waiting for this person (after a hand-over): approving, responding
   * or confirming, and the later ones the stage holds for them (more time to answer, a quicker
   * date, the Chair's route or decision, the stage's outcome steps).
   */
  private async sendWaitingStep(state: CaseState, to: Person): Promise<void> {
    const personId = to.id;
    const cur = state.current;
    if (state.phase === 'awaiting-approval' && this.deps.escalations.approverOf(state)?.personId === personId) {
      const events = await this.news.events(state.ref);
      await this.news.deliver(personId, forReaders(state, (s) => approvalView(s, events, this.deps.clock.now())), state.ref);
    } else if (state.phase === 'stage-open' && cur && awaitingResponse(cur) && cur.receiver.personId === personId) {
      await this.news.sendResponseCard(state, await this.news.events(state.ref));
    } else if (state.phase === 'stage-open' && cur && state.proposal) {
      if (confirmerOf(state)?.personId === personId) await this.news.deliver(personId, resolutionConfirmView(state), state.ref);
    }
    // The raiser's card while the stage is not resolved (an overdue response, a disagreement).
    if (cur?.raiser.personId === personId && waysOnView(state)) await this.news.deliver(personId, forReaders(state, (s) => waysOnView(s)!), state.ref);
    for (const card of ['extension', 'quicker-due', 'binding-route', 'binding-decision', 'outcome-step']) {
      if (this.laterCard(state, to, card)) await this.news.deliver(personId, forReaders(state, (s) => this.laterCard(s, to, card)!), state.ref);
    }
  }

  /**
   * The timeline of a case, for someone taking part, a page at a time (`more`, `more 3`: earlier
   * pages); to anyone else it does not exist.
   */
  async status(person: Person, ref: string | undefined, paging: string[] = []): Promise<string> {
    if (!ref) return 'Which case? Say `status` and its reference, e.g. `status RES-2026-0001`.';
    const page = statusPage(paging);
    if (page === null) return `Say \`status ${ref.toUpperCase()}\` for its latest steps, then \`status ${ref.toUpperCase()} more\` (or \`more 3\`, and so on) for earlier ones.`;
    const summary = (await this.deps.store.findCases({ participantId: person.id })).find((c) => c.ref.toLowerCase() === ref.toLowerCase());
    if (!summary) return notPartOf(ref.toUpperCase());
    // The routes, steps and advisers are extras: the timeline is shown even where the events do not fold into a case.
    const state = page === 1 ? this.readBy(await this.deps.escalations.load(summary.ref).catch(() => null), person) : null;
    return caseStatusText(summary, await this.deps.store.load(summary.ref, statusRange(summary, page)), this.deps.directory, page, state ?? undefined);
  }

  /**
   * The scheduler's prompts: an overdue response reaches the escalating side as the card that can
   * take the next step, from the case as the job left it. True only when the prompt reached the
   * person (the scheduler retries it otherwise).
   */
  async send(n: Notification, state?: CaseState): Promise<boolean> {
    if (n.kind === 'response-overdue' && n.suggestedStage && n.caseRef && state?.ref === n.caseRef && state.current) {
      const next = n.suggestedStage;
      return this.news.deliver(n.to.personId, forReaders(state, (s) => lapseView(s, next)), n.caseRef);
    }
    // The check back on the review date, and the debrief after closure: the card to record it.
    const card = n.caseRef && state?.ref === n.caseRef ? (n.kind === 'actions-review' ? reviewView : n.kind === 'debrief-prompt' ? debriefView : null) : null;
    if (card && state && card(state)) return this.news.deliver(n.to.personId, forReaders(state, (s) => card(s)!), n.caseRef!);
    const sent = await this.news.tell(n.to.personId, n.text, n.caseRef ?? undefined);
    if (n.caseRef && n.kind !== 'undeliverable-prompt') await this.news.offerCover(n.to.personId, n.caseRef);
    return sent;
  }
}
