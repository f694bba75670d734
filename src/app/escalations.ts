/**
 * What the steps need from the directory about a case, for any channel: who is part of it, who
 * approves, the parties a stage opens between, the role a person acts in; and the use cases that
 * are not a button of the step table (asking for a stage, handing a part over, the typed
 * informal attempt, message and withdrawal; the typed `step` is the outcome-step card's step).
 * Each runs the domain's rules through Cases; the domain decides who may act (the buttons' steps
 * live in `steps/`).
 *
 * To someone who is not part of a case, every step answers the same sentence whether or not the
 * case exists (`notPartOf`): references are sequential, so anything else would tell a stranger
 * which cases there are.
 */
import type { Actor, EscalationReason } from '../domain/escalation/events.js';
import type { Parties } from '../domain/escalation/commands.js';
import { partsOf } from '../domain/escalation/decide.js';
import type { CaseState } from '../domain/escalation/state.js';
import { currentStageDef, stageOf } from '../domain/escalation/queries.js';
import { endOfDay } from './steps/step.js';
import { agencyById, personById, type Directory, type Person } from '../domain/directory.js';
import { actingFor, matchParties, participantOf, sideAgencyOf, type Participant } from '../domain/matching.js';
import { rolesFor, type Party, type Role } from '../domain/policy/schema.js';
import type { Cases, Outcome } from './cases.js';

/**
 * The person as the actor of a step, in the first of their roles the step calls for: the roles a
 * party names for the kind of their agency (`rolesFor`, the rule matching and decide use), then
 * its fallback roles. The agency's kind goes with the actor, so decide checks the same roles.
 */
export function actorAs(directory: Directory, person: Person, wanted: Role[] | Party = []): Actor {
  const kind = agencyById(directory, person.agencyId)?.kind;
  const roles = Array.isArray(wanted) ? wanted : [...rolesFor(wanted, kind), ...wanted.fallbackRoles];
  const role = person.roles.find((r) => roles.includes(r)) ?? person.roles[0] ?? 'practitioner';
  const p = participantOf(directory, person, role);
  return { kind: 'person', personId: p.personId, name: p.name, role: p.role, agencyId: p.agencyId, agencyName: p.agencyName, ...(kind ? { agencyKind: kind } : {}) };
}

/** `code` 'already-done': the step was taken before (another click), so the card as it stands is the answer. */
export type StepResult = { ok: true; state: CaseState } | { ok: false; message: string; code?: string };

const result = (o: Outcome): StepResult => (o.ok ? { ok: true, state: o.state } : { ok: false, message: o.message, code: o.code });

/** The one answer to anyone who is not part of a case, the same whether or not it exists. */
export const notPartOf = (ref: string) => `There is no case ${ref} that you are part of.`;
const stranger = (ref: string): StepResult => ({ ok: false, message: notPartOf(ref), code: 'not-found' });

type Step = Parameters<Cases['execute']>[1];

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

  /** Who is asked to approve a pending escalation: the person recorded, else (older cases) the stage's matched raiser. */
  approverOf(state: CaseState): Participant | null {
    const pending = state.pendingEscalation;
    if (pending?.approver) return pending.approver;
    if (!pending || pending.requestedBy.kind !== 'person') return null;
    const p = this.parties(state, pending.toStage, pending.requestedBy.personId);
    return p.ok ? p.parties.raiser : null;
  }

  load(ref: string): Promise<CaseState | null> {
    return this.deps.cases.load(ref);
  }

  /**
   * Whether the person is part of the case: they took part, they are asked to approve its next
   * stage, or they are the directory deputy of someone away who has a step to take in it (so
   * they can take it over).
   */
  isPartOf(state: CaseState, person: Person): boolean {
    if (state.participantIds.includes(person.id)) return true;
    if (state.phase === 'awaiting-approval' && this.approverOf(state)?.personId === person.id) return true;
    return this.awayFor(state, person) !== null;
  }

  /** The case, for someone part of it; null (for any other person) whether or not it exists. */
  async loadFor(ref: string, person: Person): Promise<CaseState | null> {
    const state = await this.deps.cases.load(ref);
    return state && this.isPartOf(state, person) ? state : null;
  }

  /** Someone away with a step to take in the case whose directory deputy is this person. */
  awayFor(state: CaseState, deputy: Person): Person | null {
    for (const id of this.partHolders(state)) {
      const p = personById(this.deps.directory, id);
      if (p && !p.available && p.deputyId === deputy.id) return p;
    }
    return null;
  }

  /** Everyone who has a step to take in the case now. */
  partHolders(state: CaseState): string[] {
    const cur = state.current;
    const ids = [state.practitioner.personId, state.pendingEscalation?.approver?.personId, cur?.raiser.personId, cur?.receiver.personId];
    return [...new Set(ids.filter((id): id is string => !!id && partsOf(state, id).length > 0))];
  }

  /** Runs a step for someone part of the case; anyone else hears only `notPartOf`. */
  private async run(ref: string, person: Person, command: () => Step): Promise<StepResult> {
    const state = await this.loadFor(ref, person);
    if (!state) return stranger(ref);
    return result(await this.deps.cases.execute(ref, command()));
  }

  /**
   * Hands every part `from` plays in the case to `to`: asked by `from` themself, by their line
   * manager, or by `to` when they are `from`'s deputy and `from` is away (taking over). The
   * domain checks the authority; here the directory supplies the facts it checks against.
   */
  async handOver(ref: string, actor: Person, from: Person, to: Person, note = ''): Promise<StepResult> {
    const state = await this.deps.cases.load(ref);
    const mayAsk = state && (this.isPartOf(state, actor) || (this.partHolders(state).includes(from.id) && from.lineManagerId === actor.id));
    if (!state || !mayAsk) return stranger(ref);
    if (!to.available && to.id !== actor.id) return { ok: false, message: `${to.name} is away; hand it over to someone who can act on it now.`, code: 'invalid' };
    // The part as recorded (an officer of the agency serving a side holds it for that side), and
    // the new person acting for the same side in the role it is held in, where they hold it; the
    // domain says who may take it (`mayTakePart`).
    const held = partHeld(state, from.id);
    const role = held?.role ?? null;
    const toRole = role && to.roles.includes(role) ? role : (to.roles[0] ?? 'practitioner');
    const command: Step = {
      type: 'hand-over',
      actor: actorAs(this.deps.directory, actor, role ? [role] : []),
      from: { participant: held ?? participantOf(this.deps.directory, from, from.roles[0] ?? 'practitioner'), lineManagerId: from.lineManagerId ?? null, deputyId: from.deputyId ?? null, available: from.available },
      to: held ? actingFor(this.deps.directory, to, toRole, sideAgencyOf(held)) : participantOf(this.deps.directory, to, toRole),
      note,
    };
    return result(await this.deps.cases.execute(ref, command));
  }

  /** The deputy of someone away takes over their part in a case (the offer they were sent). */
  async takeOver(ref: string, deputy: Person): Promise<StepResult> {
    const state = await this.loadFor(ref, deputy);
    const away = state ? this.awayFor(state, deputy) : null;
    if (!state) return stranger(ref);
    if (!away) return { ok: false, message: `Nobody away has a step waiting for you to take over in ${ref}.`, code: 'already-done' };
    return this.handOver(ref, deputy, away, deputy, `${away.name} is away; their deputy took it over.`);
  }

  /**
   * Asks for a stage of the case as the caller loaded it (for someone part of it); someone who
   * raises it themself may set an earlier response date (`requestedDue`, as for approve).
   */
  async request(state: CaseState, person: Person, toStage: number, note: string, why?: EscalationReason, requestedDue?: string): Promise<StepResult> {
    const stage = stageOf(state, toStage);
    const kind = agencyById(this.deps.directory, person.agencyId)?.kind;
    const raising = stage ? rolesFor(stage.raisedBy, kind) : [];
    const actor = actorAs(this.deps.directory, person, raising);
    // Someone who raises the stage themselves names the parties; anyone else asks the matched raiser to approve.
    let extra = {};
    if (stage) {
      const found = this.parties(state, toStage, person.id);
      if (!found.ok) return found;
      const raisesIt = actor.kind === 'person' && raising.includes(actor.role);
      const due = endOfDay(requestedDue);
      extra = raisesIt ? { parties: found.parties, ...(due ? { requestedDue: due } : {}) } : { approver: found.parties.raiser };
    }
    const reason = why ?? (state.current ? 'not-resolved' : 'already-discussed');
    return result(await this.deps.cases.execute(state.ref, { type: 'request-escalation', actor, toStage, reason, note, ...extra }));
  }

  /** The person as the approver of the escalation waiting, in a role that raises its stage. */
  asApprover(state: CaseState, person: Person): Actor {
    const stage = state.pendingEscalation ? stageOf(state, state.pendingEscalation.toStage) : undefined;
    return actorAs(this.deps.directory, person, stage ? stage.raisedBy : []);
  }

  /** The person as the receiver of the open stage, in a role that receives it. */
  asReceiver(state: CaseState, person: Person): Actor {
    const stage = currentStageDef(state);
    return actorAs(this.deps.directory, person, stage ? stage.receivedBy : []);
  }

  /**
   * The person as whichever side of the open stage they are on: the part they hold there, else
   * their agency says which (an officer serving a side, or a stage within one agency, holds a part
   * their agency alone would not tell).
   */
  asSide(state: CaseState, person: Person): Actor {
    const stage = currentStageDef(state);
    const cur = state.current;
    const receiving = cur?.receiver.personId === person.id || (cur?.raiser.personId !== person.id && person.agencyId === state.receivingAgency.id);
    const party = receiving ? stage?.receivedBy : stage?.raisedBy;
    return actorAs(this.deps.directory, person, party ?? []);
  }

  /** How the professionals' own attempt went, where the procedure asks them to talk first. */
  async recordInformalAttempt(ref: string, person: Person, resolved: boolean, summary: string): Promise<StepResult> {
    return this.run(ref, person, () => ({ type: 'record-informal-attempt', actor: actorAs(this.deps.directory, person, ['practitioner']), resolved, summary }));
  }

  /** A message in the case's thread, from someone taking part. */
  async post(ref: string, person: Person, text: string): Promise<StepResult> {
    return this.run(ref, person, () => ({ type: 'post-message', actor: actorAs(this.deps.directory, person), text }));
  }

  /** The escalating side withdraws its concern, with a reason; the case closes. */
  async withdraw(ref: string, person: Person, reason: string): Promise<StepResult> {
    return this.run(ref, person, () => ({ type: 'withdraw', actor: actorAs(this.deps.directory, person), reason }));
  }
}

/** A part the person holds, as recorded (its role is the one the new person takes it in). */
function partHeld(state: CaseState, id: string): Participant | null {
  const cur = state.current;
  if (cur?.receiver.personId === id) return cur.receiver;
  if (cur?.raiser.personId === id) return cur.raiser;
  if (state.pendingEscalation?.approver?.personId === id) return state.pendingEscalation.approver;
  if (state.practitioner.personId === id) return state.practitioner;
  return null;
}
