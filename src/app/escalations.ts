/**
 * The escalation steps people take from a chat, for any channel: asking for a stage, approving,
 * returning or resolving it within the agency. Each finds the people from the directory and
 * runs the domain's rules through Cases; the domain decides who may act.
 */
import type { Actor, AgreedAction, EscalationReason } from '../domain/escalation/events.js';
import type { Parties } from '../domain/escalation/commands.js';
import type { CaseState } from '../domain/escalation/state.js';
import { atLondonTime } from '../domain/calendar.js';
import type { Directory, Person } from '../domain/directory.js';
import { matchParties, participantOf, type Participant } from '../domain/matching.js';
import type { Role, Stage } from '../domain/policy/schema.js';
import type { Cases, Outcome } from './cases.js';

/** The person as the actor of a step, in the first of their roles the step calls for. */
export function actorAs(directory: Directory, person: Person, wanted: Role[] = []): Actor {
  const role = person.roles.find((r) => wanted.includes(r)) ?? person.roles[0] ?? 'practitioner';
  const p = participantOf(directory, person, role);
  return { kind: 'person', personId: p.personId, name: p.name, role: p.role, agencyId: p.agencyId, agencyName: p.agencyName };
}

const stageOf = (state: CaseState, n: number): Stage | undefined => state.policy.stages.find((s) => s.number === n);

export type StepResult = { ok: true; state: CaseState } | { ok: false; message: string };

const result = (o: Outcome): StepResult => (o.ok ? { ok: true, state: o.state } : { ok: false, message: o.message });

export class Escalations {
  constructor(private readonly deps: { cases: Cases; directory: Directory }) {}

  /** The people a stage would open between, from the directory; a gap is a plain sentence. */
  parties(state: CaseState, stageNumber: number, requesterId: string): { ok: true; parties: Parties } | { ok: false; message: string } {
    const stage = stageOf(state, stageNumber);
    if (!stage) return { ok: false, message: `${state.policy.name} has no Stage ${stageNumber}.` };
    const m = matchParties({ directory: this.deps.directory, stage, escalatingAgencyId: state.escalatingAgency.id, receivingAgencyId: state.receivingAgency.id, requesterId, localAreaId: state.intake.localAreaId });
    if (!m.raiser.ok) return { ok: false, message: m.raiser.reason };
    if (!m.receiver.ok) return { ok: false, message: m.receiver.reason };
    const informed: Participant[] = m.informed.flatMap((i) => (i.ok ? [i.participant] : []));
    return { ok: true, parties: { raiser: m.raiser.participant, receiver: m.receiver.participant, informed } };
  }

  /** Who is asked to approve a pending escalation: the stage's matched raiser. */
  approverOf(state: CaseState): Participant | null {
    const pending = state.pendingEscalation;
    if (!pending || pending.requestedBy.kind !== 'person') return null;
    const p = this.parties(state, pending.toStage, pending.requestedBy.personId);
    return p.ok ? p.parties.raiser : null;
  }

  load(ref: string): Promise<CaseState | null> {
    return this.deps.cases.load(ref);
  }

  /** The stage a case would go to next: the one after the stage open (or last open), else the first. */
  nextStage(state: CaseState): number {
    return state.current ? state.current.number + 1 : (state.policy.stages[0]?.number ?? 1);
  }

  async request(ref: string, person: Person, toStage: number, note: string, why?: EscalationReason): Promise<StepResult> {
    const state = await this.deps.cases.load(ref);
    if (!state) return { ok: false, message: `There is no case ${ref}.` };
    const stage = stageOf(state, toStage);
    const actor = actorAs(this.deps.directory, person, stage ? [...stage.raisedBy.roles] : []);
    // Someone who raises the stage themselves names the parties; anyone else asks for approval.
    const own = stage && actor.kind === 'person' && stage.raisedBy.roles.includes(actor.role) ? this.parties(state, toStage, person.id) : null;
    if (own && !own.ok) return own;
    const reason = why ?? (state.current ? 'not-resolved' : 'already-discussed');
    return result(await this.deps.cases.execute(ref, { type: 'request-escalation', actor, toStage, reason, note, ...(own?.ok ? { parties: own.parties } : {}) }));
  }

  async approve(ref: string, person: Person, idempotencyKey?: string): Promise<StepResult> {
    const state = await this.deps.cases.load(ref);
    const pending = state?.pendingEscalation;
    if (!state || !pending || pending.requestedBy.kind !== 'person') return { ok: false, message: 'No escalation is waiting for approval.' };
    const stage = stageOf(state, pending.toStage)!;
    const actor = actorAs(this.deps.directory, person, [...stage.raisedBy.roles, ...stage.raisedBy.fallbackRoles]);
    const found = this.parties(state, pending.toStage, pending.requestedBy.personId);
    if (!found.ok) return found;
    // Whoever approves raises the stage, even when it is a deputy rather than the matched raiser.
    const raiser = participantOf(this.deps.directory, person, actor.kind === 'person' ? actor.role : 'team-manager');
    return result(await this.deps.cases.execute(ref, { type: 'approve-escalation', actor, parties: { ...found.parties, raiser } }, idempotencyKey));
  }

  async returnIt(ref: string, person: Person, comment: string): Promise<StepResult> {
    return this.asApprover(ref, person, (actor) => ({ type: 'return-escalation', actor, comment }));
  }

  /** The manager resolves it within their own agency instead of escalating; the case closes. */
  async resolveWithin(ref: string, person: Person, summary: string): Promise<StepResult> {
    return this.asApprover(ref, person, (actor) => ({ type: 'resolve-within-agency', actor, summary }));
  }

  private async asApprover(ref: string, person: Person, command: (actor: Actor) => Parameters<Cases['execute']>[1]): Promise<StepResult> {
    const state = await this.deps.cases.load(ref);
    const stage = state?.pendingEscalation ? stageOf(state, state.pendingEscalation.toStage) : undefined;
    const actor = actorAs(this.deps.directory, person, stage ? [...stage.raisedBy.roles, ...stage.raisedBy.fallbackRoles] : []);
    return result(await this.deps.cases.execute(ref, command(actor)));
  }

  /** The receiving side's acknowledgement of the open stage. */
  async acknowledge(ref: string, person: Person): Promise<StepResult> {
    return this.asReceiver(ref, person, (actor) => ({ type: 'acknowledge', actor, note: '' }));
  }

  /**
   * The receiving side's response: agree, disagree (with reasons) or more time (with a date, or
   * a day, which means 17:00 London on it: the end of that working day).
   */
  async respond(ref: string, person: Person, position: string, rationale: string, proposed?: string): Promise<StepResult> {
    if (position !== 'agree' && position !== 'disagree' && position !== 'more-time') return { ok: false, message: 'Choose agree, disagree or more time.' };
    const proposedDue = proposed && /^\d{4}-\d{2}-\d{2}$/.test(proposed) ? atLondonTime(proposed, 17).toISOString() : proposed;
    return this.asReceiver(ref, person, (actor) => ({ type: 'respond', actor, position, rationale, ...(proposedDue ? { proposedDue } : {}) }));
  }

  /** Either side at the open stage proposes the outcome; the other side confirms or rejects it. */
  async propose(ref: string, person: Person, summary: string, actions: AgreedAction[], reviewDate?: string): Promise<StepResult> {
    return this.asSide(ref, person, (actor) => ({ type: 'propose-resolution', actor, summary, actions, ...(reviewDate ? { reviewDate } : {}) }));
  }

  async confirm(ref: string, person: Person): Promise<StepResult> {
    return this.asSide(ref, person, (actor) => ({ type: 'confirm-resolution', actor }));
  }

  async reject(ref: string, person: Person, comment: string): Promise<StepResult> {
    return this.asSide(ref, person, (actor) => ({ type: 'reject-resolution', actor, comment }));
  }

  /** As whichever side of the open stage the person is on (their agency says which). */
  private async asSide(ref: string, person: Person, command: (actor: Actor) => Parameters<Cases['execute']>[1]): Promise<StepResult> {
    const state = await this.deps.cases.load(ref);
    if (!state?.current) return { ok: false, message: `Case ${ref} has no stage open.` };
    const stage = stageOf(state, state.current.number)!;
    const party = person.agencyId === state.receivingAgency.id ? stage.receivedBy : stage.raisedBy;
    const actor = actorAs(this.deps.directory, person, [...party.roles, ...party.fallbackRoles]);
    return result(await this.deps.cases.execute(ref, command(actor)));
  }

  private async asReceiver(ref: string, person: Person, command: (actor: Actor) => Parameters<Cases['execute']>[1]): Promise<StepResult> {
    const state = await this.deps.cases.load(ref);
    if (!state?.current) return { ok: false, message: `Case ${ref} has no stage open.` };
    const stage = stageOf(state, state.current.number)!;
    const actor = actorAs(this.deps.directory, person, [...stage.receivedBy.roles, ...stage.receivedBy.fallbackRoles]);
    return result(await this.deps.cases.execute(ref, command(actor)));
  }

  /** How the professionals' own attempt went, where the procedure asks them to talk first. */
  async recordInformalAttempt(ref: string, person: Person, resolved: boolean, summary: string): Promise<StepResult> {
    return result(await this.deps.cases.execute(ref, { type: 'record-informal-attempt', actor: actorAs(this.deps.directory, person, ['practitioner']), resolved, summary }));
  }

  /** A message in the case's thread, from someone taking part. */
  async post(ref: string, person: Person, text: string): Promise<StepResult> {
    return result(await this.deps.cases.execute(ref, { type: 'post-message', actor: actorAs(this.deps.directory, person), text }));
  }

  /** The escalating side withdraws its concern, with a reason; the case closes. */
  async withdraw(ref: string, person: Person, reason: string): Promise<StepResult> {
    return result(await this.deps.cases.execute(ref, { type: 'withdraw', actor: actorAs(this.deps.directory, person), reason }));
  }
}
