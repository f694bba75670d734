/**
 * What people (and the scheduler) ask a case to do. `decide` answers each with events or a
 * refusal that says, in plain words, why nothing changed.
 */
import type { Participant } from '../matching.js';
import type { OutcomeType } from '../policy/schema.js';
import type { Actor, AgencyRef, AgreedAction, CaseEvent, CaseFacts, EscalationReason, PromptKind } from './events.js';

/**
 * What the directory says about the person whose part is handed over, looked up by the app (as
 * the parties of a stage are): `decide` checks the actor's authority against it.
 */
export type HandOverFrom = { participant: Participant; lineManagerId: string | null; deputyId: string | null; available: boolean };

/** The people a stage opens between, matched from the directory by the app layer. */
export type Parties = { raiser: Participant; receiver: Participant; informed: Participant[] };

type C<T extends string, D = object> = { type: T; actor: Actor } & D;

export type Command =
  | C<'open-case', CaseFacts>
  | C<'record-informal-attempt', { resolved: boolean; summary: string }>
  | C<
      'request-escalation',
      {
        toStage: number;
        reason: EscalationReason;
        note: string;
        /** Needed when the requester raises the stage themselves (no approval step). */
        parties?: Parties;
        /** An earlier due date agreed for this stage ("Timescales should be discussed and set"). */
        requestedDue?: string;
        /** Who is asked to approve, when the requester does not raise the stage themselves. */
        approver?: Participant;
      }
    >
  | C<'approve-escalation', { parties: Parties; requestedDue?: string }>
  | C<'return-escalation', { comment: string }>
  | C<'resolve-within-agency', { summary: string }>
  | C<'acknowledge', { note: string }>
  | C<'respond', { position: 'agree' | 'disagree' | 'more-time'; rationale: string; proposedDue?: string }>
  | C<'accept-extension'>
  | C<'decline-extension', { comment: string }>
  /** The stage's raiser brings the response date forward ("a quicker timescale"), where the procedure allows it. */
  | C<'set-quicker-due', { due: string }>
  | C<'mark-deadline-lapsed', { which: 'response' | 'acknowledgement'; due: string }>
  /** The scheduler asks whether a reminder is still due, and whom it goes to. */
  | C<'record-prompt', { prompt: PromptKind; due: string | null }>
  | C<'propose-resolution', { summary: string; actions: AgreedAction[]; reviewDate?: string }>
  | C<'confirm-resolution'>
  | C<'reject-resolution', { comment: string }>
  | C<'record-outcome-step', { outcome: OutcomeType; note: string }>
  | C<'choose-binding-route', { route: 'mediation' | 'resolution-panel'; panelAgencies?: AgencyRef[] }>
  | C<'record-binding-decision', { decision: string; actions: AgreedAction[]; reviewDate?: string }>
  | C<'post-message', { text: string }>
  /** `done`: for each agreed action, in order, whether it was done. */
  | C<'review-actions', { done: boolean[]; notes: string }>
  | C<'withdraw', { reason: string }>
  | C<'close', { summary: string }>
  | C<'record-debrief', { notes: string; learning: string }>
  /** Passes every part `from` plays in the case to `to` (same agency). */
  | C<'hand-over', { from: HandOverFrom; to: Participant; note: string }>;

export type CommandType = Command['type'];

export type RefusalCode =
  | 'not-found'
  | 'already-exists'
  | 'not-allowed'
  /** The step was already taken (by this person or another click): nothing more to record. */
  | 'already-done'
  | 'wrong-phase'
  | 'invalid'
  | 'too-early';

export type Decision =
  | { ok: true; events: CaseEvent[] }
  | { ok: false; code: RefusalCode; message: string };
