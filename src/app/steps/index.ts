/**
 * The step table: every step a person can take from a card or a form, by verb. Adding a step is
 * one module in this folder and one line here; the runner, the Teams and Slack doors, the CLI's
 * `steps` listing and the table's test all read this list.
 */
import type { CommandType } from '../../domain/escalation/commands.js';
import type { Step } from './step.js';
import approve from './escalation-approve.js';
import returnIt from './escalation-return.js';
import resolveWithin from './escalation-resolve-within.js';
import acknowledge from './stage-acknowledge.js';
import respond from './stage-respond.js';
import propose from './resolution-propose.js';
import confirm from './resolution-confirm.js';
import reject from './resolution-reject.js';
import lapseEscalate from './lapse-escalate.js';
import lapseChase from './lapse-chase.js';
import lapseExtend from './lapse-extend.js';
import timeline from './case-timeline.js';
import mine from './cases-mine.js';
import help from './help.js';

export const STEPS: readonly Step[] = [approve, returnIt, resolveWithin, acknowledge, respond, propose, confirm, reject, lapseEscalate, lapseChase, lapseExtend, timeline, mine, help];

export const STEP_VERBS: readonly string[] = STEPS.map((s) => s.verb);

const BY_VERB = new Map(STEPS.map((s) => [s.verb, s]));
export const stepOf = (verb: string): Step | undefined => BY_VERB.get(verb);

/**
 * Domain commands a person takes by typing rather than from a card (`CaseFlow.command`: `escalate
 * <ref>`, `tried`, `reply`, `withdraw`, `hand over`, `take over`), and `open-case`, which the
 * intake walk's Submit runs (`IntakeSessions`).
 */
export const TYPED_OR_WALK: readonly CommandType[] = ['open-case', 'request-escalation', 'record-informal-attempt', 'post-message', 'withdraw', 'hand-over'];

/** Domain commands only the scheduler runs (deadlines and reminders), never a person. */
export const SCHEDULER_ONLY: readonly CommandType[] = ['mark-deadline-lapsed', 'record-prompt'];

/**
 * Domain commands a person may take that no card or typed command reaches yet: their views and
 * cards are being built, and each becomes a step (a module here and a line in STEPS).
 */
export const NOT_YET_FROM_CHAT: readonly CommandType[] = [
  'accept-extension',
  'set-quicker-due',
  'decline-extension',
  'choose-binding-route',
  'record-binding-decision',
  'record-outcome-step',
  'review-actions',
  'close',
  'record-debrief',
];
