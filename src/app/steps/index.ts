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
import routeTake from './route-take.js';
import extensionAccept from './extension-accept.js';
import extensionDecline from './extension-decline.js';
import quickerDue from './stage-quicker-due.js';
import bindingRoute from './binding-route.js';
import bindingDecide from './binding-decide.js';
import outcomeRecord from './outcome-record.js';
import reviewRecord from './review-record.js';
import debriefRecord from './debrief-record.js';
import timeline from './case-timeline.js';
import mine from './cases-mine.js';
import help from './help.js';

export const STEPS: readonly Step[] = [
  approve,
  returnIt,
  resolveWithin,
  acknowledge,
  respond,
  extensionAccept,
  extensionDecline,
  quickerDue,
  propose,
  confirm,
  reject,
  lapseEscalate,
  lapseChase,
  lapseExtend,
  routeTake,
  bindingRoute,
  bindingDecide,
  outcomeRecord,
  reviewRecord,
  debriefRecord,
  timeline,
  mine,
  help,
];

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
 * Domain commands a person may take that no card or typed command reaches, and why.
 *
 * `close`: a case closes as its procedure ends, each way by its own step: the check back on the
 * agreed actions (`review.record`: all done closes it; a resolved case with no actions closes on
 * that check too, and `review <ref>` offers the check at any time, so no resolved case is left
 * open), informal resolution (`tried`), resolution within the agency, and withdrawal. A bare
 * "close" would let a case be closed without the check back the procedures ask for, so it has no
 * button or typed command; it stays a domain command for records made before the check back.
 */
export const NOT_FROM_CHAT: readonly CommandType[] = ['close'];
