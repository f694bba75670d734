/**
 * `decide(state, command, now)`: the rules of an escalation, pure. It reads the policy pinned on
 * the case, checks that the actor may do what they ask, and returns the events to record or a
 * refusal. It never changes anything itself and never looks at a clock but `now`.
 *
 * An empty event list is a valid answer: it means "already done" (a deadline job that fires
 * twice), so retries are harmless.
 */
import { formatHuman } from '../calendar.js';
import { allowsEarlierDue, dueFor, responseTimescale } from '../deadlines.js';
import { routesFrom } from '../policy/routes.js';
import { ROLES, isOutcomeStep, panelSize, panelSizeFits, rolesFor, type AgencyKind, type Party, type Role, type Stage, type Timescale } from '../policy/schema.js';
import type { Command, Decision, Parties, RefusalCode } from './commands.js';
import { sideAgencyOf, type Participant } from '../matching.js';
import type { Actor, AgreedAction, CaseEvent, EscalationReason, HandOverAuthority, HandOverPart, PromptKind, Side } from './events.js';
import type { CaseState } from './state.js';
import { awaitingResponse, currentStageDef, furtherStage, isResolvedOutcome, stageOf } from './queries.js';

const MAX_TEXT = 4000;

export function decide(state: CaseState | null, command: Command, now: Date): Decision {
  const at = now.toISOString();
  if (command.type === 'open-case') return openCase(state, command, at);
  if (!state) return refuse('not-found', 'There is no such case.');
  const afterClosure = ['record-debrief', 'mark-deadline-lapsed', 'record-prompt'];
  if (state.phase === 'closed' && !afterClosure.includes(command.type)) {
    return refuse('wrong-phase', `Case ${state.ref} is closed; nothing more can be changed.`);
  }
  const ev = eventFactory(command.actor, at, state.current?.number ?? null);
  const c = command;

  switch (c.type) {
    case 'record-informal-attempt': {
      if (state.phase !== 'informal') return refuse('wrong-phase', 'The informal attempt has already been recorded.');
      if (!isEscalatingParticipant(state, c.actor)) return notAllowed('Only the practitioner who raised the concern records how the attempt to resolve it went.');
      const summary = c.summary.trim();
      if (!summary) return refuse('invalid', 'Say briefly what was discussed with the other professional.');
      const events: CaseEvent[] = [ev('informal-attempt-recorded', { resolved: c.resolved, summary })];
      if (c.resolved) events.push(ev('case-closed', { outcome: 'resolved-informally', summary }));
      return ok(events);
    }

    case 'request-escalation': {
      if (state.phase === 'awaiting-approval') {
        return refuse('wrong-phase', `Stage ${state.pendingEscalation?.toStage} is already waiting for approval.`);
      }
      if (state.phase === 'informal') {
        return refuse('wrong-phase', 'First try to resolve it with the professional in the other agency, then record how it went.');
      }
      if (state.phase !== 'ready' && state.phase !== 'stage-open') return refuse('wrong-phase', `Case ${state.ref} is ${state.phase}; it cannot be escalated now.`);
      if (!isEscalatingParticipant(state, c.actor)) {
        return notAllowed('Only someone from the escalating agency who is part of this case can ask for the next stage.');
      }
      const allowed = nextStageAllowed(state, c.toStage, now);
      if (!allowed.ok) return allowed;
      const stage = stageOf(state, c.toStage)!;
      const note = c.note.trim();
      // Someone who cannot raise this stage (the practitioner, a manager asking for the level
      // above) asks the person who can; that person approves, returns or resolves it.
      if (!holdsRole(c.actor, stage.raisedBy, 'primary')) {
        const approver = c.approver;
        if (!approver) return refuse('invalid', `Stage ${c.toStage} needs someone to approve raising it.`);
        if (sideAgencyOf(approver) !== state.escalatingAgency.id) return refuse('invalid', `Only ${state.escalatingAgency.name} can approve its own escalation.`);
        if (approver.personId === personId(c.actor) || approver.personId === state.practitioner.personId) {
          return refuse('invalid', 'Nobody approves an escalation they asked for themselves.');
        }
        return ok([ev('escalation-requested', { toStage: c.toStage, reason: c.reason, note, approver })]);
      }
      if (!c.parties) return refuse('invalid', `Stage ${c.toStage} needs the people it opens between.`);
      if (personId(c.actor) !== c.parties.raiser.personId) return notAllowed(`You raise Stage ${c.toStage} yourself, so you must be its raiser.`);
      return openStage(state, stage, c.parties, c.reason, note, c.requestedDue, now, ev);
    }

    case 'approve-escalation':
    case 'return-escalation':
    case 'resolve-within-agency': {
      const pending = state.pendingEscalation;
      if (state.phase !== 'awaiting-approval' || !pending) return refuse('already-done', 'No escalation is waiting for approval.');
      const stage = stageOf(state, pending.toStage)!;
      const who = mayApprove(state, stage, pending, c.actor);
      if (!who.ok) return who;
      if (c.type === 'approve-escalation') {
        if (c.parties.raiser.personId !== personId(c.actor)) return notAllowed('Whoever approves the escalation raises it.');
        return openStage(state, stage, c.parties, pending.reason, pending.note, c.requestedDue, now, ev);
      }
      if (c.type === 'return-escalation') {
        const comment = c.comment.trim();
        if (!comment) return refuse('invalid', 'Add a comment to say why it is returned.');
        return ok([ev('escalation-returned', { toStage: pending.toStage, comment })]);
      }
      const summary = c.summary.trim();
      if (!summary) return refuse('invalid', 'Say how it was resolved within your agency.');
      return ok([ev('resolved-within-agency', { summary }), ev('case-closed', { outcome: 'resolved-within-agency', summary })]);
    }

    case 'acknowledge': {
      const cur = openStageOr(state);
      if (!cur.ok) return cur;
      if (!isReceiving(state, c.actor)) return notAllowed(`Only ${state.current!.receiver.name} can acknowledge this.`);
      if (cur.stage.acknowledged) return ok([]);
      return ok([ev('stage-acknowledged', { note: c.note.trim() })]);
    }

    case 'respond': {
      const cur = openStageOr(state);
      if (!cur.ok) return cur;
      if (!isReceiving(state, c.actor)) return notAllowed(`Only ${cur.stage.receiver.name} can respond at this stage.`);
      // One response per stage: a second is refused, except after asking for more time.
      if (!awaitingResponse(cur.stage)) return refuse('already-done', `${cur.stage.receiver.name} has already responded at Stage ${cur.stage.number}.`);
      const rationale = c.rationale.trim();
      if (c.position !== 'agree' && !rationale) return refuse('invalid', 'Give the reasons for your response.');
      if (rationale.length > MAX_TEXT) return tooLong();
      let proposedDue: string | null = null;
      if (c.position === 'more-time') {
        const due = parseInstant(c.proposedDue);
        if (!due) return refuse('invalid', 'Propose the date and time by which you will respond.');
        if (due <= now) return refuse('invalid', 'The proposed date must be in the future.');
        proposedDue = due.toISOString();
      }
      return ok([ev('response-given', { position: c.position, rationale, proposedDue })]);
    }

    case 'accept-extension':
    case 'decline-extension': {
      const cur = openStageOr(state);
      if (!cur.ok) return cur;
      if (!cur.stage.extensionProposed) return refuse('already-done', 'No request for more time is waiting.');
      if (!isEscalatingSide(state, c.actor)) return notAllowed('Only the escalating side can accept or decline a request for more time.');
      if (c.type === 'accept-extension') {
        return ok([ev('extension-accepted', { previousDue: cur.stage.responseDue, newDue: cur.stage.extensionProposed })]);
      }
      return ok([ev('extension-declined', { comment: c.comment.trim() })]);
    }

    case 'set-quicker-due': {
      const cur = openStageOr(state);
      if (!cur.ok) return cur;
      if (!isEscalatingSide(state, c.actor)) return notAllowed(`Only ${cur.stage.raiser.name}, who raised Stage ${cur.stage.number}, can set a quicker response date.`);
      // Unanswered: no response yet, or only a request for more time (already accepted or declined).
      if (cur.stage.response && cur.stage.response.position !== 'more-time') return refuse('already-done', `${cur.stage.receiver.name} has already responded at Stage ${cur.stage.number}.`);
      if (cur.stage.extensionProposed) return refuse('wrong-phase', `First accept or decline ${cur.stage.receiver.name}'s request for more time.`);
      const timescale = responseTimescale(state, cur.stage.number) ?? stageOf(state, cur.stage.number)!.response;
      const earlier = earlierDue(state, cur.stage.number, timescale, c.due, { due: cur.stage.responseDue ? new Date(cur.stage.responseDue) : null, by: 'stage' }, now);
      if (!earlier.ok) return earlier;
      // The same date again (a second click) changes nothing.
      if (earlier.due.toISOString() === cur.stage.responseDue) return refuse('already-done', `The response is already due by ${formatHuman(earlier.due)}.`);
      return ok([ev('response-due-brought-forward', { previousDue: cur.stage.responseDue!, newDue: earlier.due.toISOString() })]);
    }

    case 'mark-deadline-lapsed': {
      if (c.actor.kind !== 'system') return notAllowed('Deadlines are marked by the scheduler.');
      const cur = state.current;
      // A deadline job for a stage that has moved on, a due date since changed or a case since
      // closed has nothing left to do: it records nothing.
      if (state.phase !== 'stage-open' || !cur) return ok([]);
      const due = c.which === 'response' ? cur.responseDue : cur.acknowledgementDue;
      if (due !== c.due) return ok([]);
      if (new Date(c.due) > now) return refuse('too-early', `The deadline ${c.due} has not passed yet.`);
      if (cur.lapsed[c.which] === c.due) return ok([]);
      const answered = c.which === 'response' ? !awaitingResponse(cur) : cur.acknowledged;
      if (answered) return ok([]);
      return ok([ev('deadline-lapsed', { which: c.which, due: c.due, suggestedStage: furtherStage(state) })]);
    }

    case 'record-prompt': {
      if (c.actor.kind !== 'system') return notAllowed('Reminders are sent by the scheduler.');
      const to = promptRecipients(state, c.prompt, c.due, now);
      // A reminder about something already done, changed or past records nothing and is not sent.
      return ok(to.length ? [ev('prompt-sent', { prompt: c.prompt, due: c.due, to })] : []);
    }

    case 'propose-resolution': {
      const cur = openStageOr(state);
      if (!cur.ok) return cur;
      if (cur.stage.bindingRoute) return refuse('wrong-phase', `This case is in ${cur.stage.bindingRoute.route === 'mediation' ? 'mediation' : 'a resolution panel'}; the decision is recorded by the Chair.`);
      const side = sideOf(state, c.actor);
      if (!side) return notAllowed('Only the two sides at the current stage can propose a resolution.');
      if (state.proposal) return refuse('already-done', 'A resolution is already waiting for confirmation.');
      const checked = checkOutcome(c.summary, c.actions, c.reviewDate, now);
      if (!checked.ok) return checked;
      return ok([ev('resolution-proposed', { side, ...checked.value })]);
    }

    case 'confirm-resolution':
    case 'reject-resolution': {
      if (!state.proposal || state.phase !== 'stage-open') return refuse('already-done', 'No resolution is waiting for confirmation.');
      const side = sideOf(state, c.actor);
      if (!side) return notAllowed('Only the two sides at the current stage can confirm a resolution.');
      if (side === state.proposal.side) {
        return notAllowed(`The ${side} side proposed this resolution; the ${side === 'escalating' ? 'receiving' : 'escalating'} side must confirm it.`);
      }
      if (c.type === 'confirm-resolution') return ok([ev('resolution-confirmed', { side })]);
      return ok([ev('resolution-rejected', { side, comment: c.comment.trim() })]);
    }

    case 'record-outcome-step': {
      const cur = openStageOr(state);
      if (!cur.ok) return cur;
      const def = currentStageDef(state)!;
      if (!def.outcomes.some((o) => o.type === c.outcome) || !isOutcomeStep(c.outcome)) {
        return refuse('invalid', `Stage ${def.number} of this procedure has no "${c.outcome}" step.`);
      }
      const outcome = def.outcomes.find((o) => o.type === c.outcome)!;
      // A written reply is the receiver's to give; a meeting's or discussion's conclusion either side records.
      if (outcome.type === 'written-reply' ? !isReceiving(state, c.actor) : !sideOf(state, c.actor)) {
        return notAllowed(outcome.type === 'written-reply' ? `Only ${cur.stage.receiver.name} gives the written reply.` : 'Only the two sides at the current stage can record this.');
      }
      // Each step happens once at a stage: a second click records nothing more.
      if (cur.stage.outcomeSteps.includes(c.outcome)) return refuse('already-done', `That step is already recorded at Stage ${def.number}.`);
      const note = c.note.trim();
      if (!note) return refuse('invalid', 'Say what was decided.');
      if (note.length > MAX_TEXT) return tooLong();
      const step = ev('outcome-step-recorded', { outcome: c.outcome, note });
      // An ending that is not a binding decision (a non-binding meeting, one side's written reply) closes the case.
      return ok(outcome.ends ? [step, ev('case-closed', { outcome: 'procedure-ended', summary: `${outcome.label}: ${note}` })] : [step]);
    }

    case 'choose-binding-route': {
      const cur = openStageOr(state);
      if (!cur.ok) return cur;
      const outcome = currentStageDef(state)!.outcomes.find((o) => o.type === c.route);
      if (!outcome) return refuse('invalid', `Stage ${cur.stage.number} of this procedure offers no ${c.route}.`);
      if (!isReceiving(state, c.actor)) return notAllowed(`Only ${cur.stage.receiver.name} can decide on ${c.route === 'mediation' ? 'mediation' : 'a resolution panel'}.`);
      if (cur.stage.bindingRoute) return refuse('already-done', `${cur.stage.bindingRoute.route === 'mediation' ? 'Mediation' : 'A resolution panel'} has already been chosen.`);
      // One seat per agency: an agency chosen twice is one representative.
      const panelAgencies = [...new Map((c.panelAgencies ?? []).map((a) => [a.id, a])).values()];
      if (outcome.panel) {
        const ids = new Set(panelAgencies.map((a) => a.id));
        if (!panelSizeFits(outcome.panel, ids.size)) {
          return refuse('invalid', `The panel must consist of representatives of ${panelSize(outcome.panel)} member agencies; ${ids.size} chosen.`);
        }
        if (outcome.panel.mustIncludeDisputingAgencies && (!ids.has(state.escalatingAgency.id) || !ids.has(state.receivingAgency.id))) {
          return refuse('invalid', `The panel must include the agencies in the dispute: ${state.escalatingAgency.name} and ${state.receivingAgency.name}.`);
        }
      }
      // Agencies sent with mediation (a card's preselected panel) are not a panel: none is recorded.
      return ok([ev('binding-route-chosen', { route: c.route, panelAgencies: outcome.panel ? panelAgencies : [] })]);
    }

    case 'record-binding-decision': {
      const cur = openStageOr(state);
      if (!cur.ok) return cur;
      if (!cur.stage.bindingRoute) return refuse('wrong-phase', 'Choose mediation or a resolution panel first.');
      if (!isReceiving(state, c.actor)) return notAllowed(`Only ${cur.stage.receiver.name} records the binding decision.`);
      const checked = checkOutcome(c.decision, c.actions, c.reviewDate, now);
      if (!checked.ok) return checked;
      const { summary, ...rest } = checked.value;
      const route = cur.stage.bindingRoute.route;
      const binding = stageOf(state, cur.stage.number)!.outcomes.find((o) => o.type === route)?.binding ?? false;
      return ok([ev('binding-decision-recorded', { route, decision: summary, ...rest, binding })]);
    }

    case 'post-message': {
      if (!isParticipant(state, c.actor)) return notAllowed('Only people taking part in this case can post to it.');
      const text = c.text.trim();
      if (!text) return refuse('invalid', 'The message is empty.');
      if (text.length > MAX_TEXT) return tooLong();
      return ok([ev('message-posted', { text })]);
    }

    case 'review-actions': {
      if (state.phase !== 'resolved' || !state.agreed) return refuse('wrong-phase', 'There are no agreed actions to review yet.');
      if (!isParticipant(state, c.actor)) return notAllowed('Only people taking part in this case can review its actions.');
      const agreed = state.agreed.actions;
      if (c.done.length !== agreed.length) return refuse('invalid', `Say for each of the ${agreed.length} agreed actions whether it was done.`);
      const results = agreed.map((a, i) => ({ ...a, done: c.done[i] === true }));
      const implemented = results.every((r) => r.done);
      const notes = c.notes.trim();
      if (notes.length > MAX_TEXT) return tooLong();
      if (!implemented && !notes) return refuse('invalid', 'Say what was not done and how it will be pursued.');
      // "Check back to ensure agreed actions have been fully implemented": all done closes the
      // case; any not done reopens the stage (evolve), since the agreement has not been carried out.
      const reviewed = ev('actions-reviewed', { implemented, notes, results });
      return ok(implemented ? [reviewed, ev('case-closed', { outcome: closingOutcome(state), summary: state.agreed.summary })] : [reviewed]);
    }

    case 'withdraw': {
      if (!isEscalatingParticipant(state, c.actor)) return notAllowed('Only the escalating agency can withdraw its concern.');
      const reason = c.reason.trim();
      if (!reason) return refuse('invalid', 'Give a reason for withdrawing the concern.');
      return ok([ev('case-withdrawn', { reason }), ev('case-closed', { outcome: 'withdrawn', summary: reason })]);
    }

    case 'close': {
      if (state.phase !== 'resolved' || !state.agreed) return refuse('wrong-phase', 'Only a resolved case can be closed; to stop early, withdraw it.');
      if (!isEscalatingParticipant(state, c.actor)) return notAllowed('The escalating agency closes the case once the agreed actions are in place.');
      if (state.agreed.actions.length > 0 && !state.actionsReviewed) {
        return refuse('wrong-phase', 'First check back that the agreed actions have been implemented (review the actions), then close.');
      }
      return ok([ev('case-closed', { outcome: closingOutcome(state), summary: c.summary.trim() || state.agreed.summary })]);
    }

    case 'record-debrief': {
      if (state.phase !== 'resolved' && state.phase !== 'closed') return refuse('wrong-phase', 'A debrief follows the resolution of the disagreement.');
      if (!isParticipant(state, c.actor)) return notAllowed('Only people who took part in this case can record a debrief.');
      // Each person's debrief once: a second click (or form) records nothing more.
      const by = personId(c.actor);
      if (by && state.debriefedBy.includes(by)) return refuse('already-done', 'Your debrief is already recorded.');
      const notes = c.notes.trim();
      if (!notes) return refuse('invalid', 'The debrief notes are empty.');
      return ok([ev('debrief-recorded', { notes, learning: c.learning.trim() })]);
    }

    case 'hand-over':
      return handOver(state, c, ev);
  }
}

/**
 * A part passes to a colleague at the same agency: given by the person themself or their line
 * manager, or taken up by their directory deputy while they are away. Every part the person
 * plays passes together, so nobody is left holding half a case. A part held by an officer of the
 * agency that serves one side (`forAgencyId`) passes within either agency (see `mayTakePart`).
 */
function handOver(state: CaseState, c: Extract<Command, { type: 'hand-over' }>, ev: EventFactory): Decision {
  const from = c.from.participant;
  const to = c.to;
  const actorId = personId(c.actor);
  const by: HandOverAuthority | null =
    actorId === from.personId ? 'self'
    : actorId !== null && actorId === c.from.lineManagerId ? 'line-manager'
    : actorId !== null && actorId === to.personId && to.personId === c.from.deputyId && !c.from.available ? 'deputy'
    : null;
  if (!by) return notAllowed(`Only ${from.name}, their line manager, or their deputy while they are away can hand over their part in ${state.ref}.`);
  const parts = partsOf(state, from.personId);
  if (parts.length === 0) return refuse('already-done', `${from.name} has no step to take in ${state.ref} now.`);
  if (to.personId === from.personId) return refuse('invalid', 'Hand it over to someone else.');
  const mayTake = mayTakePart(state, from, to);
  if (!mayTake.ok) return mayTake;
  const cur = state.current;
  if (cur) {
    const raiser = parts.includes('raiser') ? to.personId : cur.raiser.personId;
    const receiver = parts.includes('receiver') ? to.personId : cur.receiver.personId;
    if (raiser === receiver) return refuse('invalid', `${to.name} cannot be on both sides of the disagreement.`);
  }
  const note = c.note.trim();
  if (note.length > MAX_TEXT) return tooLong();
  return ok([ev('case-handed-over', { from, to, parts, by, note })]);
}

/**
 * Who may take a part handed over. A part is held for one side's agency (`sideAgencyOf`). Held by
 * someone of that agency, it passes to a colleague there. Held by an officer of the agency that
 * serves it (`servedBy`: a school by the local authority's education safeguarding officer), it
 * passes to someone of the agency served or of the officer's own, acting for it, who holds the
 * role the part is held in: only such a person could have been matched to it (matching takes the
 * serving agency's officers in the role the stage names for the agency served). Nobody else.
 */
function mayTakePart(state: CaseState, from: Participant, to: Participant): { ok: true } | Refusal {
  const side = sideAgencyOf(from);
  if (!from.forAgencyId || from.forAgencyId === from.agencyId) {
    return to.agencyId === from.agencyId && sideAgencyOf(to) === side ? { ok: true } : refuse('invalid', `${to.name} is not at ${from.agencyName}; a case is handed over within the same agency.`);
  }
  const served = [state.escalatingAgency, state.receivingAgency].find((a) => a.id === side)?.name ?? side;
  const inEither = (to.agencyId === side || to.agencyId === from.agencyId) && sideAgencyOf(to) === side;
  if (!inEither || to.role !== from.role) {
    return refuse('invalid', `${to.name} cannot take ${from.name}'s part: it is held for ${served}, so it passes only to someone of ${served}, or of ${from.name}'s own agency acting for it, who holds the role ${ROLES[from.role]}.`);
  }
  return { ok: true };
}

/** The parts a person plays in a case now: the steps that are theirs to take. */
export function partsOf(state: CaseState, id: string): HandOverPart[] {
  const parts: HandOverPart[] = [];
  if (state.practitioner.personId === id && !state.handedOverIds.includes(id)) parts.push('practitioner');
  if (state.phase === 'awaiting-approval' && state.pendingEscalation?.approver?.personId === id) parts.push('approver');
  const cur = state.current;
  if (cur && state.phase !== 'closed') {
    if (cur.raiser.personId === id) parts.push('raiser');
    if (cur.receiver.personId === id) parts.push('receiver');
  }
  return parts;
}

/** Who a reminder goes to, or nobody when it no longer applies. */
function promptRecipients(state: CaseState, prompt: PromptKind, due: string | null, now: Date): Participant[] {
  const cur = state.current;
  const unique = (ps: (Participant | undefined)[]) => [...new Map(ps.filter((p): p is Participant => !!p).map((p) => [p.personId, p])).values()];
  switch (prompt) {
    case 'stage-reminder': {
      // The response is the receiver's to give, before the due date it was set for.
      if (state.phase !== 'stage-open' || !cur || cur.responseDue !== due || !due || new Date(due) <= now) return [];
      return awaitingResponse(cur) ? [cur.receiver] : [];
    }
    case 'actions-review':
      // "Check back that agreed actions were implemented": the practitioner and the raiser who agreed them.
      if (state.phase !== 'resolved' || state.actionsReviewed || state.agreed?.reviewDate !== due) return [];
      return unique([state.practitioner, cur?.raiser]);
    case 'debrief-prompt': {
      if (state.phase !== 'closed' || !isResolvedOutcome(state.outcome) || state.debriefs > 0) return [];
      return unique([state.practitioner, cur?.raiser, cur?.receiver]);
    }
  }
}

function openCase(state: CaseState | null, c: Extract<Command, { type: 'open-case' }>, at: string): Decision {
  if (state) return refuse('already-exists', `Case ${c.ref} already exists.`);
  const p = c.policy;
  // The practitioner opens it, or a manager or lead of their agency the procedure names, for them.
  const forThem = p.raisedOnBehalf && c.actor.kind === 'person' && c.actor.agencyId === c.practitioner.agencyId && p.raisedOnBehalf.roles.includes(c.actor.role);
  if (c.actor.kind !== 'person' || (c.actor.personId !== c.practitioner.personId && !forThem)) {
    const who = p.raisedOnBehalf ? `, or for them by their ${p.raisedOnBehalf.roles.map((r) => ROLES[r].toLowerCase()).join(' or ')}` : '';
    return notAllowed(`A case is opened by the practitioner who raises the concern${who}.`);
  }
  if (c.escalatingAgency.id === c.receivingAgency.id) {
    return refuse('invalid', 'The other agency must be a different agency from your own; use your agency’s own procedures for disagreements inside it.');
  }
  if (c.practitioner.agencyId !== c.escalatingAgency.id) return refuse('invalid', 'The practitioner must belong to the escalating agency.');
  const i = c.intake;
  if (c.urgent && !p.urgentRoute.opensCase) {
    return refuse('invalid', `${p.name} does not run urgent cases through escalation: ${p.urgentRoute.guidance}`);
  }
  if (!p.areasOfDisagreement.some((a) => a.id === i.areaId)) {
    return refuse('invalid', `"${i.areaId}" is not one of the areas of disagreement in ${p.name}.`);
  }
  if (!c.urgent) {
    const unmet = p.preEscalationChecks.find((check) => i.checks[check.id] !== true);
    if (unmet) return refuse('invalid', `Before escalating: ${unmet.question}`);
  }
  for (const [label, value] of [
    ['the decision you are challenging', i.decisionChallenged],
    ['what you aim to achieve', i.aim],
    ['the case reference', i.childRecordRef],
  ] as const) {
    if (!value.trim()) return refuse('invalid', `Please give ${label}.`);
    if (value.length > MAX_TEXT) return tooLong();
  }
  if (!c.ref.trim()) return refuse('invalid', 'The case needs a reference.');
  const { actor, type: _type, ...facts } = c;
  return ok([{ type: 'case-opened', at, actor, stage: null, data: { ...facts, policyId: p.id, policyVersion: p.version } }]);
}

/** Whether the escalating side may open `toStage` now. */
function nextStageAllowed(state: CaseState, toStage: number, now: Date): { ok: true } | Refusal {
  const cur = state.current;
  const from = cur?.number ?? 0;
  if (!cur && state.urgent) {
    const maxJump = state.policy.urgentRoute.maxStartStage;
    if (toStage < 1 || toStage > maxJump) return refuse('invalid', maxJump === 1 ? 'The next stage is Stage 1.' : `An urgent case can open at Stage 1 to ${maxJump}.`);
  } else {
    // The stage's routes for this case's area of disagreement, and those offered on a condition.
    const routes = routesFrom(state.policy, from, state.intake.areaId);
    if (!routes.some((r) => r.to === toStage)) {
      if (!routes.length) return refuse('invalid', `Stage ${from} is the last stage of ${state.policy.name}; the concern cannot go higher.`);
      const only = routes.length === 1 && !routes[0]!.condition;
      return refuse('invalid', only ? `The next stage is Stage ${routes[0]!.to}.` : `From Stage ${from} the concern goes to ${routes.map((r) => `Stage ${r.to}${r.condition ? ` (if ${lowerFirst(r.condition)})` : ''}`).join(' or ')}.`);
    }
  }
  if (!cur || state.urgent) return { ok: true };
  // Delay is itself a reason to escalate, so a lapsed deadline always allows it; so does a
  // response that did not settle the matter, or a stage with no fixed timescale.
  const lapsed = cur.lapsed.response !== null || cur.lapsed.acknowledgement !== null;
  const responded = !awaitingResponse(cur);
  const due = cur.responseDue ? new Date(cur.responseDue) : null;
  if (lapsed || responded || !due || due <= now) return { ok: true };
  return refuse(
    'too-early',
    `${cur.receiver.name} (${cur.receiver.agencyName}) has until ${cur.responseDue} to respond. If the child's safety needs a quicker response, contact them or an equivalent colleague directly; you can escalate once they respond or the deadline passes.`,
  );
}

function openStage(
  state: CaseState,
  stage: Stage,
  parties: Parties,
  reason: EscalationReason,
  note: string,
  requestedDue: string | undefined,
  now: Date,
  ev: EventFactory,
): Decision {
  // An officer of the agency that serves one side acts for it (`forAgencyId`).
  if (sideAgencyOf(parties.raiser) !== state.escalatingAgency.id) return refuse('invalid', 'The raiser must be from the escalating agency.');
  if (stage.receivedBy.scope === 'receiving-agency' && sideAgencyOf(parties.receiver) !== state.receivingAgency.id) {
    return refuse('invalid', `At Stage ${stage.number} the concern goes to ${state.receivingAgency.name}.`);
  }
  if (parties.receiver.personId === parties.raiser.personId) return refuse('invalid', 'The raiser and the receiver must be different people.');
  const timescale = responseTimescale(state, stage.number) ?? stage.response;
  let responseDue = dueFor(state, stage.number, timescale, now);
  if (requestedDue !== undefined) {
    const earlier = earlierDue(state, stage.number, timescale, requestedDue, { due: responseDue, by: 'procedure' }, now);
    if (!earlier.ok) return earlier;
    responseDue = earlier.due;
  }
  const ackDue = stage.acknowledgement ? dueFor(state, stage.number, stage.acknowledgement, now) : null;
  return ok([
    {
      ...ev('stage-opened', {
        raiser: parties.raiser,
        receiver: parties.receiver,
        informed: parties.informed,
        responseDue: responseDue?.toISOString() ?? null,
        acknowledgementDue: ackDue?.toISOString() ?? null,
        forms: stage.forms.map((f) => f.id),
        reason,
        note,
      }),
      stage: stage.number,
    },
  ]);
}

/**
 * A quicker response date, as its opener sets it when the stage opens or later while unanswered:
 * "N working days or a shorter timescale that protects the child", only where the procedure says
 * so, in the future and never later than the date the procedure (or an earlier choice) requires.
 */
function earlierDue(state: CaseState, stageNumber: number, timescale: Timescale, requested: string, limit: { due: Date | null; by: 'procedure' | 'stage' }, now: Date): { ok: true; due: Date } | Refusal {
  if (!allowsEarlierDue(timescale)) return refuse('invalid', `${state.policy.name} sets the response time at Stage ${stageNumber}; an earlier date cannot be set here.`);
  const asked = parseInstant(requested);
  if (!asked || asked <= now) return refuse('invalid', 'The requested response date must be a date and time in the future.');
  if (limit.due && asked > limit.due) {
    const required = limit.by === 'procedure' ? 'The procedure already requires a response by' : `Stage ${stageNumber} already has a response due by`;
    return refuse('invalid', `${required} ${formatHuman(limit.due)}; an earlier date can be set, never a later one.`);
  }
  return { ok: true, due: asked };
}

/** How a resolved case closes: by a binding decision where the Chair's route was taken, else by agreement. */
function closingOutcome(state: CaseState): 'binding-decision' | 'resolved' {
  return state.history.some((h) => h.bindingRoute) ? 'binding-decision' : 'resolved';
}

function mayApprove(state: CaseState, stage: Stage, pending: NonNullable<CaseState['pendingEscalation']>, actor: Actor): { ok: true } | Refusal {
  const asked = actor.kind === 'person' && pending.approver?.personId === actor.personId && sideAgencyOf(pending.approver) === state.escalatingAgency.id;
  if (actor.kind !== 'person' || (!isEscalatingPerson(state, actor) && !asked)) {
    return notAllowed(`Only ${state.escalatingAgency.name} can approve its own escalation.`);
  }
  if (personId(pending.requestedBy) === actor.personId || state.practitioner.personId === actor.personId) {
    return notAllowed('You cannot approve an escalation you asked for yourself.');
  }
  // The person asked approves (or whoever it was handed over to); a colleague in the same role does not.
  if (pending.approver) {
    return pending.approver.personId === actor.personId ? { ok: true } : notAllowed(`${pending.approver.name} was asked to approve this.`);
  }
  if (!holdsRole(actor, stage.raisedBy)) {
    return notAllowed(`Stage ${stage.number} is raised by ${describeParty(stage.raisedBy, actor.agencyKind)}; your role cannot approve it.`);
  }
  return { ok: true };
}

function checkOutcome(
  summaryIn: string,
  actionsIn: AgreedAction[],
  reviewDateIn: string | undefined,
  now: Date,
): { ok: true; value: { summary: string; actions: AgreedAction[]; reviewDate: string | null } } | Refusal {
  const summary = summaryIn.trim();
  if (!summary) return refuse('invalid', 'Describe the agreed outcome.');
  if (summary.length > MAX_TEXT) return tooLong();
  const actions: AgreedAction[] = [];
  for (const [n, a] of actionsIn.entries()) {
    const description = a.description.trim();
    const owner = a.owner.trim();
    if (!description || !owner) return refuse('invalid', `Agreed action ${n + 1} needs a description and an owner.`);
    if (!isIsoDate(a.due)) return refuse('invalid', `Agreed action ${n + 1} needs a due date (YYYY-MM-DD).`);
    actions.push({ description, owner, due: a.due });
  }
  let reviewDate: string | null = null;
  if (reviewDateIn !== undefined && reviewDateIn !== '') {
    if (!isIsoDate(reviewDateIn)) return refuse('invalid', 'The review date must be a date (YYYY-MM-DD).');
    if (reviewDateIn < now.toISOString().slice(0, 10)) return refuse('invalid', 'The review date cannot be in the past.');
    reviewDate = reviewDateIn;
  }
  return { ok: true, value: { summary, actions, reviewDate } };
}

// ---- who may act -------------------------------------------------------------------------

function personId(actor: Actor): string | null {
  return actor.kind === 'person' ? actor.personId : null;
}

/**
 * Whether the actor holds a role the party names for the actor's kind of agency (the rule
 * matching uses: `rolesFor`). Fallback roles count for approving and acting (where nobody holds
 * the main role, the fallback person does), but not for skipping approval: the directory, not
 * the actor, decides that nobody holds the main role.
 */
function holdsRole(actor: Actor, party: Party, which: 'primary' | 'any' = 'any'): boolean {
  if (actor.kind !== 'person') return false;
  const main = rolesFor(party, actor.agencyKind);
  const roles: Role[] = which === 'primary' ? main : [...main, ...party.fallbackRoles];
  return roles.includes(actor.role);
}

function isParticipant(state: CaseState, actor: Actor): boolean {
  return actor.kind === 'person' && state.participantIds.includes(actor.personId);
}

/** A participant who has not handed their part over: they still act for their side. */
function isActiveParticipant(state: CaseState, actor: Actor): boolean {
  return isParticipant(state, actor) && actor.kind === 'person' && !state.handedOverIds.includes(actor.personId);
}

function isEscalatingPerson(state: CaseState, actor: Actor): boolean {
  if (actor.kind !== 'person') return false;
  if (actor.agencyId === state.escalatingAgency.id) return true;
  // An officer of the agency that serves the escalating agency, who raised a stage for it.
  return state.history.some((h) => h.raiser.personId === actor.personId && h.raiser.forAgencyId === state.escalatingAgency.id);
}

/** The practitioner or anyone from their agency who has raised a stage of this case (and not handed it over). */
function isEscalatingParticipant(state: CaseState, actor: Actor): boolean {
  return isEscalatingPerson(state, actor) && isActiveParticipant(state, actor);
}

/**
 * The current stage's raiser (or receiver) in person. Cover is never implied by holding the same
 * role: an absent person's part passes by a recorded hand-over (`case-handed-over`).
 */
function actsAs(state: CaseState, actor: Actor, part: 'raiser' | 'receiver'): boolean {
  const cur = state.current;
  return !!cur && actor.kind === 'person' && actor.personId === cur[part].personId;
}
const isEscalatingSide = (state: CaseState, actor: Actor) => actsAs(state, actor, 'raiser');
const isReceiving = (state: CaseState, actor: Actor) => actsAs(state, actor, 'receiver');

function sideOf(state: CaseState, actor: Actor): Side | null {
  if (isEscalatingSide(state, actor)) return 'escalating';
  if (isReceiving(state, actor)) return 'receiving';
  return null;
}

function describeParty(party: Party, kind: AgencyKind | undefined): string {
  return rolesFor(party, kind).map((r) => ROLES[r].toLowerCase()).join(' or ');
}

// ---- small helpers -----------------------------------------------------------------------

type Refusal = { ok: false; code: RefusalCode; message: string };
type EventFactory = <T extends CaseEvent['type']>(type: T, data: Extract<CaseEvent, { type: T }>['data']) => CaseEvent;

function eventFactory(actor: Actor, at: string, stage: number | null): EventFactory {
  return (type, data) => ({ type, at, actor, stage, data }) as CaseEvent;
}

function openStageOr(state: CaseState): { ok: true; stage: NonNullable<CaseState['current']> } | Refusal {
  if (state.phase !== 'stage-open' || !state.current) return refuse('wrong-phase', 'No stage is open on this case.');
  return { ok: true, stage: state.current };
}

function ok(events: CaseEvent[]): Decision {
  return { ok: true, events };
}
function refuse(code: RefusalCode, message: string): Refusal {
  return { ok: false, code, message };
}
function notAllowed(message: string): Refusal {
  return refuse('not-allowed', message);
}
function tooLong(): Refusal {
  return refuse('invalid', `That text is too long (at most ${MAX_TEXT} characters).`);
}
function parseInstant(s: string | undefined): Date | null {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(s) ? null : d;
}
function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
function isIsoDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(new Date(`${s}T00:00:00Z`).getTime());
}

