/**
 * Who hears what about a case, through the Messenger on whichever channel each person uses: a
 * line of news, a card with a step for someone (offered to their deputy while they are away), a
 * stage opening (its informed people, and the Board's channel when the Board is one of them),
 * and asking for a stage (the approver's card, or the stage opened at once). The steps, the
 * typed commands and the scheduler's prompts all tell people through here.
 *
 * A card or line with the procedure's words in it is given `forReaders(state, build)`, so each
 * person gets it made from the case in their own language (the Messenger makes it for them).
 */
import type { AgencyRef, CaseEvent, EscalationReason } from '../domain/escalation/events.js';
import type { CaseState } from '../domain/escalation/state.js';
import { currentStageDef } from '../domain/escalation/queries.js';
import { boardOf, type Directory, type Person } from '../domain/directory.js';
import { betweenAgencies, roleTitle } from '../domain/matching.js';
import type { Clock } from './clock.js';
import type { Escalations } from './escalations.js';
import type { Messenger } from './messenger.js';
import type { Store } from './store.js';
import { forReaders, type InLanguage } from './reader.js';
import { approvalView, boardNoticeView, responseView, type CardView } from './case-views.js';
import { adviserLines, STATUS_PAGE } from './replies.js';
import { bindingRouteView, outcomeStepView, quickerDueView } from './outcome-views.js';

export const unreachable = (name: string) => `I cannot reach ${name} in Teams or Slack yet`;

type Deps = { store: Store; directory: Directory; escalations: Escalations; clock: Clock; messenger: Messenger };

export class CaseNews {
  constructor(private readonly deps: Deps) {}

  agencyName(person: Person): string {
    return this.deps.directory.agencies.find((a) => a.id === person.agencyId)?.name ?? person.agencyId;
  }

  tell(personId: string, text: InLanguage<string>, caseRef?: string): Promise<boolean> {
    return this.deps.messenger.send(personId, { text, ...(caseRef ? { caseRef } : {}) });
  }

  /** A card with a step for someone: sent to them, and offered to their deputy while they are away. */
  async deliver(personId: string, view: InLanguage<CardView>, caseRef: string): Promise<boolean> {
    const sent = await this.deps.messenger.send(personId, { view, caseRef });
    await this.offerCover(personId, caseRef);
    return sent;
  }

  /** A card that only tells (no step waits on it), so nobody's deputy is offered the case for it. */
  show(personId: string, view: InLanguage<CardView>, caseRef: string): Promise<boolean> {
    return this.deps.messenger.send(personId, { view, caseRef });
  }

  /** A line of news to everyone taking part but `exceptId` (who took the step and sees its answer). */
  async everyone(state: CaseState, exceptId: string, text: InLanguage<string>): Promise<void> {
    for (const id of state.participantIds.filter((id) => id !== exceptId && !state.handedOverIds.includes(id))) await this.tell(id, text, state.ref);
  }

  /** The directory's agencies, from which the Chair picks a resolution panel. */
  agencies(): AgencyRef[] {
    return this.deps.directory.agencies.map((a) => ({ id: a.id, name: a.name }));
  }

  /** The latest events of a case (a page of `status`), for a card's history when the caller does not hold them already. */
  async events(ref: string): Promise<CaseEvent[]> {
    return (await this.deps.store.load(ref, { last: STATUS_PAGE })).map((e) => e.event);
  }

  /** The receiver's card for the open stage, naming who the procedure says may be contacted at any stage; `events` for its history. */
  responseCard(state: CaseState, events: CaseEvent[]): CardView {
    return responseView(state, events, adviserLines(state, this.deps.directory));
  }

  sendResponseCard(state: CaseState, events: CaseEvent[]): Promise<boolean> {
    return this.deliver(state.current!.receiver.personId, forReaders(state, (s) => this.responseCard(s, events)), state.ref);
  }

  /**
   * A stage has opened, however it was raised: its informed people hear of it, the receiver gets
   * the response card, and the stage's own cards go out (see `sendStageCards`). True when the
   * receiver was reached.
   */
  async stageOpened(state: CaseState, events: CaseEvent[]): Promise<boolean> {
    await this.announceStage(state);
    const reached = await this.sendResponseCard(state, events);
    await this.sendStageCards(state);
    return reached;
  }

  /**
   * The cards a stage offers as it opens, where its procedure has them: the raiser may set a
   * quicker response date; the Chair (the receiver at a stage offering mediation or a panel)
   * chooses the route; either side records the stage's other outcome steps.
   */
  async sendStageCards(state: CaseState): Promise<void> {
    const cur = state.current!;
    if (quickerDueView(state)) await this.deliver(cur.raiser.personId, forReaders(state, (s) => quickerDueView(s)!), state.ref);
    const agencies = this.agencies();
    if (bindingRouteView(state, agencies)) await this.deliver(cur.receiver.personId, forReaders(state, (s) => bindingRouteView(s, agencies)!), state.ref);
    if (outcomeStepView(state)) for (const id of new Set([cur.raiser.personId, cur.receiver.personId])) await this.deliver(id, forReaders(state, (s) => outcomeStepView(s)!), state.ref);
  }

  /**
   * A stage has opened: the people it informs hear of it, with why, in the procedure's words; and
   * the Board's channel when it informs the Board or goes to it.
   */
  async announceStage(state: CaseState): Promise<void> {
    const cur = state.current!;
    for (const p of cur.informed) {
      const line = (s: CaseState) => {
        const why = currentStageDef(s)?.inform.find((i) => i.role === p.role)?.why;
        return `${s.ref}: Stage ${cur.number} has opened ${betweenAgencies(cur.raiser, cur.receiver)}; you are informed as ${roleTitle(this.deps.directory, p)}.${why ? ` ${why}` : ''}`;
      };
      await this.tell(p.personId, forReaders(state, line), state.ref);
    }
    // The Board of the child's local area (Derby City's or Derbyshire's), named where several share the procedure.
    const board = boardOf(this.deps.directory, state.intake.localAreaId);
    const several = this.deps.directory.agencies.filter((a) => a.kind === 'partnership').length > 1;
    if (board && [...cur.informed, cur.receiver].some((p) => p.agencyId === board.id)) {
      const now = this.deps.clock.now();
      await this.deps.messenger.postToBoard(forReaders(state, (s) => boardNoticeView(s, now, several ? board.name : undefined)), state.ref, several ? board.id : undefined);
    }
  }

  /** Asks for a stage of the case as loaded: the approver gets the approval card, or the stage opens at once. Says what happened. */
  async askForStage(state: CaseState, person: Person, stage: number, note: string, why?: EscalationReason): Promise<string> {
    return (await this.stageAsked(state, person, stage, note, why)).said;
  }

  /** `askForStage`, and whether the stage was asked for (`ok` false: refused, nothing recorded). */
  async stageAsked(state: CaseState, person: Person, stage: number, note: string, why?: EscalationReason): Promise<{ ok: boolean; said: string }> {
    const { escalations, clock } = this.deps;
    const ref = state.ref;
    const requested = await escalations.request(state, person, stage, note, why);
    if (!requested.ok) return { ok: false, said: `Stage ${stage} could not be asked for: ${requested.message}` };
    const after = requested.state;
    if (after.phase === 'stage-open' && after.current?.number === stage) {
      const reached = await this.stageOpened(after, await this.events(ref));
      return { ok: true, said: `Stage ${stage} is open with ${after.current.receiver.name} (${after.current.receiver.agencyName}).${reached ? '' : ` ${unreachable('them')}; please contact them and ask them to open Resolve.`}` };
    }
    const approver = escalations.approverOf(after);
    if (after.phase !== 'awaiting-approval' || !approver) return { ok: true, said: `Say \`status ${ref}\` to follow it.` };
    const events = await this.events(ref);
    const reached = await this.deliver(approver.personId, forReaders(after, (s) => approvalView(s, events, clock.now())), ref);
    const asked = `${approver.name} (${approver.agencyName}) to approve raising Stage ${stage} with ${after.receivingAgency.name}`;
    const said = reached
      ? `I have asked ${asked}; you will hear when they decide.`
      : `I need ${asked}, but ${unreachable('them')}: please ask them to open Resolve and say \`status ${ref}\`.`;
    return { ok: true, said };
  }

  /**
   * A step waits for someone who is away (the directory says so): their deputy is offered the
   * case; saying `take over` is the recorded hand-over.
   */
  async offerCover(personId: string, ref: string): Promise<void> {
    const away = this.deps.directory.people.find((p) => p.id === personId);
    const deputy = away && !away.available && away.deputyId ? this.deps.directory.people.find((p) => p.id === away.deputyId) : undefined;
    if (!away || !deputy?.available) return;
    await this.tell(deputy.id, `${ref}: ${away.name} is away and has a step waiting in this case. You are their deputy: to take it over, say \`take over ${ref}\`.`, ref);
  }
}
