/** Generic steps of a case under any policy, used by the walk tests of every built-in policy. */
import type { Command, Parties } from '../../src/domain/escalation/commands.js';
import type { Actor } from '../../src/domain/escalation/events.js';
import type { Participant } from '../../src/domain/matching.js';
import type { Policy, Scope, Stage } from '../../src/domain/policy/schema.js';
import { answer, complete, nextStep, STEP, type Draft, type IntakeContext } from '../../src/domain/intake.js';
import type { CaseDriver } from './case-driver.js';
import { AGENCY_NAMES, actorOf, participant } from './people.js';

export const ESCALATING = 'health';
export const RECEIVING = 'police';

export function agencyFor(scope: Scope): string {
  return { 'escalating-agency': ESCALATING, 'receiving-agency': RECEIVING, partnership: 'board', 'childrens-social-care': 'csc' }[scope];
}

export const practitioner = () => participant('practitioner', ESCALATING);
export const raiserOf = (stage: Stage) => participant(stage.raisedBy.roles[0]!, agencyFor(stage.raisedBy.scope));
export const receiverOf = (stage: Stage) => participant(stage.receivedBy.roles[0]!, agencyFor(stage.receivedBy.scope));

export function partiesFor(stage: Stage, raiser: Participant = raiserOf(stage)): Parties {
  return { raiser, receiver: receiverOf(stage), informed: stage.inform.map((i) => participant(i.role, agencyFor(i.scope))) };
}

/**
 * Opens a case the way a practitioner does: answering every question of the policy's intake walk
 * (yes to the checks, the first choice offered, plain text otherwise), then submitting it.
 */
export function openCase(d: CaseDriver, policy: Policy, opts: { urgent?: boolean; discussed?: boolean; ref?: string } = {}) {
  const ctx: IntakeContext = { otherAgencies: [{ value: RECEIVING, label: AGENCY_NAMES[RECEIVING]! }] };
  let draft: Draft = { [STEP.urgent]: opts.urgent ?? false };
  for (let step = nextStep(policy, ctx, draft); step; step = nextStep(policy, ctx, draft)) {
    const value =
      step.id === STEP.discussed ? (opts.discussed ?? true)
      : step.id.startsWith('off-ramp:') ? false
      : step.kind === 'yes-no' ? true
      : step.kind === 'choice' ? step.choices[step.choices.length - 1]!.value
      : step.id === STEP.ref ? 'HLT-104233'
      : `Answer to: ${step.prompt}`;
    const r = answer(policy, ctx, draft, step.id, value);
    if (!r.ok) throw new Error(`intake step ${step.id}: ${r.message}`);
    draft = r.draft;
  }
  const done = complete(policy, ctx, draft);
  if (done?.kind !== 'case') throw new Error(`${policy.id} does not run urgent cases through escalation: the walk ends with guidance`);
  const p = practitioner();
  return d.do({
    type: 'open-case',
    actor: actorOf(p),
    ref: opts.ref ?? 'RES-TEST-1',
    policy,
    practitioner: p,
    escalatingAgency: { id: ESCALATING, name: AGENCY_NAMES[ESCALATING]! },
    receivingAgency: { id: done.receivingAgencyId, name: AGENCY_NAMES[done.receivingAgencyId]! },
    urgent: done.urgent,
    intake: done.intake,
  });
}

/**
 * The open-case command a practitioner submits after answering every check yes (the intake
 * walk itself is exercised by `openCase` above and the intake tests).
 */
export function openCaseCommand(policy: Policy, ref = 'RES-1'): Extract<Command, { type: 'open-case' }> {
  const p = practitioner();
  return {
    type: 'open-case',
    actor: actorOf(p),
    ref,
    policy,
    practitioner: p,
    escalatingAgency: { id: ESCALATING, name: AGENCY_NAMES[ESCALATING]! },
    receivingAgency: { id: RECEIVING, name: AGENCY_NAMES[RECEIVING]! },
    urgent: false,
    intake: {
      checks: Object.fromEntries(policy.preEscalationChecks.map((c) => [c.id, true])),
      discussedWithOtherProfessional: true,
      decisionChallenged: 'No further action',
      areaId: policy.areasOfDisagreement[0]!.id,
      aim: 'A strategy discussion',
      childRecordRef: 'HLT-555',
      reflections: {},
    },
  };
}

/** Whoever on the escalating side asks for the next stage: the last raiser, or the practitioner. */
export function requesterOf(d: CaseDriver): Actor {
  return actorOf(d.s.current?.raiser ?? practitioner());
}

/** Asks for stage n and, where someone else raises it, has them approve. */
export function escalateTo(d: CaseDriver, policy: Policy, n: number, reason: 'not-resolved' | 'no-response' | 'urgent' = 'not-resolved') {
  const stage = policy.stages[n - 1]!;
  const requester = requesterOf(d);
  const raiser = raiserOf(stage);
  if (requester.kind === 'person' && requester.personId === raiser.personId) {
    d.do({ type: 'request-escalation', actor: requester, toStage: n, reason, note: '', parties: partiesFor(stage) });
  } else {
    const types = d.do({ type: 'request-escalation', actor: requester, toStage: n, reason, note: 'Please raise this.', approver: raiser });
    if (types[0] !== 'escalation-requested') throw new Error(`expected an approval step, got ${types.join(',')}`);
    d.do({ type: 'approve-escalation', actor: actorOf(raiser), parties: partiesFor(stage) });
  }
  if (d.s.current?.number !== n) throw new Error(`stage ${n} did not open`);
}

/** The receiver acknowledges where the stage asks for it, then disagrees. */
export function respondDisagree(d: CaseDriver, policy: Policy) {
  const stage = policy.stages[d.s.current!.number - 1]!;
  const receiver = actorOf(d.s.current!.receiver);
  if (stage.acknowledgement) d.do({ type: 'acknowledge', actor: receiver, note: 'Received.' });
  d.do({ type: 'respond', actor: receiver, position: 'disagree', rationale: 'We stand by the decision.' });
}

export function reachStage(d: CaseDriver, policy: Policy, n: number) {
  for (let k = 1; k <= n; k++) {
    if (k > 1) respondDisagree(d, policy);
    escalateTo(d, policy, k);
  }
}
