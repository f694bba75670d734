/**
 * The events of an escalation case. A case is nothing but its events: the state, the timeline,
 * the monitoring form and the reports are all folded from them. Events are facts in the past
 * tense; once recorded they are never changed.
 */
import type { Participant } from '../matching.js';
import type { AgencyKind, OutcomeType, Policy, Role } from '../policy/schema.js';

/**
 * Who did it: a person from the directory, or the scheduler acting on a deadline. A person's
 * agency kind is recorded so the roles a policy names per kind of agency are checked against it;
 * events recorded before it was kept lack it, and are read with the policy's general roles.
 */
export type Actor =
  | { kind: 'person'; personId: string; name: string; role: Role; agencyId: string; agencyName: string; agencyKind?: AgencyKind }
  | { kind: 'system'; name: string };

export type AgencyRef = { id: string; name: string };

export type AgreedAction = { description: string; owner: string; due: string /* ISO date */ };

/** What the practitioner told the intake walk. The child is identified only by a record reference. */
export type IntakeAnswers = {
  /** Answers to the policy's pre-escalation checks, by check id. */
  checks: Record<string, boolean>;
  /** Whether the practitioner has already tried to resolve it with the other professional. */
  discussedWithOtherProfessional: boolean;
  decisionChallenged: string;
  areaId: string;
  /** Where the child lives, when the policy is shared by several local areas (its localAreas). */
  localAreaId?: string;
  aim: string;
  /** The agency's reference for the child's record: a reference, never a name. */
  childRecordRef: string;
  /** Answers to the policy's reflective questions, by question text. */
  reflections: Record<string, string>;
};

type E<T extends string, D> = { type: T; at: string; actor: Actor; stage: number | null; data: D };

/** What a case is about: fixed when it opens, carried by the open command, event and state. */
export type CaseFacts = {
  ref: string;
  /** The whole policy, pinned: later edits of the policy file do not change a running case. */
  policy: Policy;
  practitioner: Participant;
  escalatingAgency: AgencyRef;
  receivingAgency: AgencyRef;
  urgent: boolean;
  intake: IntakeAnswers;
};

export type CaseOpened = E<'case-opened', CaseFacts & { policyId: string; policyVersion: number }>;
export type InformalAttemptRecorded = E<'informal-attempt-recorded', { resolved: boolean; summary: string }>;
/** `approver`: the person asked to approve (absent on cases recorded before it was kept: then the role decides). */
export type EscalationRequested = E<'escalation-requested', { toStage: number; reason: EscalationReason; note: string; approver?: Participant }>;
export type EscalationReturned = E<'escalation-returned', { toStage: number; comment: string }>;
export type StageOpened = E<
  'stage-opened',
  {
    raiser: Participant;
    receiver: Participant;
    /** People the policy says must be told at this stage (e.g. the Board business manager). */
    informed: Participant[];
    /** Null where the procedure sets no fixed timescale. */
    responseDue: string | null;
    acknowledgementDue: string | null;
    /** Forms required from this stage on (e.g. the BSCB monitoring form). */
    forms: string[];
    reason: EscalationReason;
    note: string;
  }
>;
export type StageAcknowledged = E<'stage-acknowledged', { note: string }>;
export type ResponseGiven = E<
  'response-given',
  { position: 'agree' | 'disagree' | 'more-time'; rationale: string; proposedDue: string | null }
>;
export type ExtensionAccepted = E<'extension-accepted', { previousDue: string | null; newDue: string }>;
export type ExtensionDeclined = E<'extension-declined', { comment: string }>;
/** The stage's raiser set a quicker response date while it was still unanswered, where the procedure allows it. */
export type ResponseDueBroughtForward = E<'response-due-brought-forward', { previousDue: string; newDue: string }>;
export type DeadlineLapsed = E<
  'deadline-lapsed',
  { which: 'response' | 'acknowledgement'; due: string; suggestedStage: number | null }
>;
export type ResolutionProposed = E<
  'resolution-proposed',
  { side: Side; summary: string; actions: AgreedAction[]; reviewDate: string | null }
>;
export type ResolutionConfirmed = E<'resolution-confirmed', { side: Side }>;
export type ResolutionRejected = E<'resolution-rejected', { side: Side; comment: string }>;
export type OutcomeStepRecorded = E<'outcome-step-recorded', { outcome: OutcomeType; note: string }>;
export type BindingRouteChosen = E<
  'binding-route-chosen',
  { route: 'mediation' | 'resolution-panel'; panelAgencies: AgencyRef[] }
>;
export type BindingDecisionRecorded = E<
  'binding-decision-recorded',
  {
    route: 'mediation' | 'resolution-panel';
    decision: string;
    actions: AgreedAction[];
    reviewDate: string | null;
    /** Whether the procedure makes this decision final and binding (absent on events recorded before it was kept). */
    binding?: boolean;
  }
>;
export type ResolvedWithinAgency = E<'resolved-within-agency', { summary: string }>;
export type MessagePosted = E<'message-posted', { text: string }>;
/**
 * The check back on the agreed actions. `results` (each action, done or not) is absent on events
 * recorded before it was kept: those carry only `implemented` and leave the case resolved. With
 * `results`, `implemented` is whether all were done (the case closes); any not done reopens the stage.
 */
export type ActionsReviewed = E<'actions-reviewed', { implemented: boolean; notes: string; results?: ActionResult[] }>;
export type ActionResult = AgreedAction & { done: boolean };
export type CaseWithdrawn = E<'case-withdrawn', { reason: string }>;
export type CaseClosed = E<'case-closed', { outcome: CaseOutcome; summary: string }>;
export type DebriefRecorded = E<'debrief-recorded', { notes: string; learning: string }>;
/**
 * A part someone plays in a case passed to a colleague at the same agency: by the person
 * themself, by their line manager, or taken up by their directory deputy while they are away.
 * From then on the steps of those parts are the new person's; the old one keeps reading the case.
 */
export type CaseHandedOver = E<'case-handed-over', { from: Participant; to: Participant; parts: HandOverPart[]; by: HandOverAuthority; note: string }>;
export type HandOverPart = 'practitioner' | 'approver' | 'raiser' | 'receiver';
export type HandOverAuthority = 'self' | 'line-manager' | 'deputy';
/** The scheduler reminded people of something the procedure expects of them. */
export type PromptSent = E<'prompt-sent', { prompt: PromptKind; due: string | null; to: Participant[] }>;

export type PromptKind = 'stage-reminder' | 'actions-review' | 'debrief-prompt';

export type Side = 'escalating' | 'receiving';
export type EscalationReason = 'not-resolved' | 'no-response' | 'urgent' | 'informal-attempt-failed' | 'already-discussed';
/** `procedure-ended`: an ending step that is not a binding decision (a non-binding meeting, one side's written reply). */
export type CaseOutcome = 'resolved' | 'binding-decision' | 'resolved-within-agency' | 'resolved-informally' | 'withdrawn' | 'procedure-ended';

export type CaseEvent =
  | CaseOpened
  | InformalAttemptRecorded
  | EscalationRequested
  | EscalationReturned
  | StageOpened
  | StageAcknowledged
  | ResponseGiven
  | ExtensionAccepted
  | ExtensionDeclined
  | ResponseDueBroughtForward
  | DeadlineLapsed
  | ResolutionProposed
  | ResolutionConfirmed
  | ResolutionRejected
  | OutcomeStepRecorded
  | BindingRouteChosen
  | BindingDecisionRecorded
  | ResolvedWithinAgency
  | MessagePosted
  | ActionsReviewed
  | CaseWithdrawn
  | CaseClosed
  | DebriefRecorded
  | CaseHandedOver
  | PromptSent;

export type CaseEventType = CaseEvent['type'];
