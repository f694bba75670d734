/**
 * The words the bot says, as plain text any chat can show (Teams renders the Markdown). Times
 * are London wall-clock, as the procedures count them.
 */
import type { CaseSummary } from './case-summary.js';
import type { EventRange, StoredEvent } from './store.js';
import type { CaseState } from '../domain/escalation/state.js';
import { awaitingResponse, currentStageDef, routesOnCondition } from '../domain/escalation/queries.js';
import { isOutcomeStep } from '../domain/policy/schema.js';
import { agencyById, type Directory } from '../domain/directory.js';
import { matchAdvisers, roleTitle } from '../domain/matching.js';

const when = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const HOUR_MS = 3_600_000;
/** The words for the start of each UTC hour lately shown, less the minutes ("Mon, 23 Nov 2026, 10:"). */
const hours = new Map<number, string>();
/**
 * London's offset from UTC is a whole hour and changes only on the hour, so any time in a UTC
 * hour reads as that hour's start with its own minutes: the formatting, which costs more than
 * the rest of a timeline's line, is done once an hour rather than once a line.
 */
export const londonTime = (iso: string) => {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return when.format(t); // the same RangeError as ever
  const hour = Math.floor(t / HOUR_MS);
  let words = hours.get(hour);
  if (words === undefined) {
    if (hours.size >= 4096) hours.clear();
    words = when.format(hour * HOUR_MS).slice(0, -2);
    hours.set(hour, words);
  }
  return words + String(Math.floor((t - hour * HOUR_MS) / 60_000)).padStart(2, '0');
};

/** Each phase in words, for lists of cases on any channel. */
export const PHASES: Record<CaseSummary['phase'], string> = {
  informal: 'the professionals are talking it through',
  ready: 'ready for the next stage',
  'awaiting-approval': 'waiting for a manager to approve the escalation',
  'stage-open': 'open',
  resolved: 'agreed; actions being checked',
  closed: 'closed',
};

const CONTACTS = { 'childrens-social-care': "Children's Social Care", 'adult-social-care': 'Adult Social Care', police: 'the police (999 in an emergency)' } as const;

/** The urgent route's guidance and whom to contact now. */
export function urgentText(guidance: string, contacts: (keyof typeof CONTACTS)[]): string {
  return [guidance, `Contact now: ${contacts.map((c) => CONTACTS[c]).join(' or ')}.`].join('\n\n');
}

export function helpText(directory: Directory): string {
  return [
    `I run ${directory.partnership.name}'s procedure for resolving professional disagreements about a child's safety. You can say:`,
    '- `escalate` (or `raise a concern`): start the walk that records a disagreement',
    '- `tried <case ref> resolved|not resolved <summary>`: how talking to the other professional went, where the procedure asks you to try first',
    '- `escalate <case ref>`: ask for the next stage of a case (after a return, or when a stage did not resolve it); `escalate <case ref> stage <n> holds` for a route the procedure offers where a condition holds (`status` names them)',
    '- `my cases`: the cases you take part in, with their stage and what is due',
    '- `status <case ref>`: the latest steps of a case; `status <case ref> more` for earlier ones',
    '- `resolve <case ref>`: record the outcome both sides agreed, for the other side to confirm',
    '- `review <case ref>`: check back that the agreed actions of a resolved case were done (all done closes it)',
    '- `reply <case ref> <message>`: a message to everyone taking part in the case (it goes in the timeline)',
    '- `step <case ref> <step> <what was decided>`: record a step the stage offers besides agreeing (a written reply, a case review group; `status` names them)',
    '- `withdraw <case ref> <reason>`: withdraw a concern your agency raised',
    '- `hand over <case ref> to <person>`: pass your part in a case to a colleague at your agency (their name or directory id); as their line manager, `hand over <case ref> from <person> to <person>`',
    '- `take over <case ref>`: take over the part of someone away whose deputy you are',
    '- `help`: this message',
    "Use the case reference only; never put a child's name in this chat. If a child is at immediate risk, contact Children's Social Care or the police now.",
  ].join('\n');
}

export function myCasesText(cases: CaseSummary[]): string {
  if (cases.length === 0) return 'You are not taking part in any case.';
  const lines = cases.map((c) => {
    const stage = c.stage === null ? 'before Stage 1' : `Stage ${c.stage}`;
    const due = c.overdueSince ? `, overdue since ${londonTime(c.overdueSince)}` : c.nextDue ? `, due ${londonTime(c.nextDue)}` : '';
    return `- **${c.ref}**: ${stage}, ${PHASES[c.phase]}${due}`;
  });
  return [`You take part in ${cases.length === 1 ? 'one case' : `${cases.length} cases`}:`, ...lines].join('\n');
}

/**
 * Steps a page of `status` shows. A step's line is at most a few hundred characters (names are
 * the directory's), so a page stays far below what Teams (about 28 KB) or Slack will show.
 */
export const STATUS_PAGE = 20;

/** The steps on page `page` of a case's timeline (1: the latest). */
export function statusRange(summary: CaseSummary, page: number): EventRange {
  const upTo = Math.max(0, summary.version - STATUS_PAGE * (page - 1));
  return { after: Math.max(0, upTo - STATUS_PAGE), upTo };
}

/** Which page `status <ref> [more [n]]` asks for (`more` alone: the second), or null if not understood. */
export function statusPage(words: string[]): number | null {
  if (words.length === 0) return 1;
  if (words[0]!.toLowerCase() !== 'more' || words.length > 2) return null;
  if (words.length === 1) return 2;
  const n = /^\d{1,6}$/.test(words[1]!) ? Number(words[1]) : 0;
  return n >= 1 ? n : null;
}

/**
 * A page of a case's timeline (the events of statusRange), saying how to see the earlier steps;
 * `state`, where given, adds the steps and routes the procedure offers from where the case stands
 * and the advisers who may be contacted at any stage.
 */
export function caseStatusText(summary: CaseSummary, events: Pick<StoredEvent, 'seq' | 'event'>[], directory: Directory, page = 1, state?: CaseState): string {
  const side = (id: string) => agencyById(directory, id)?.name ?? id;
  const ref = summary.ref;
  const head = `**${ref}**: ${side(summary.escalatingAgencyId)} and ${side(summary.receivingAgencyId)}; ${summary.stage === null ? 'before Stage 1' : `Stage ${summary.stage}`}, ${PHASES[summary.phase]}.`;
  const lines = events.map(({ event: e }) => {
    const who = e.actor.kind === 'person' ? `${e.actor.name} (${e.actor.agencyName})` : e.actor.name;
    return `- ${londonTime(e.at)}: ${e.type.replace(/-/g, ' ')}${e.stage !== null ? ` at Stage ${e.stage}` : ''}, by ${who}`;
  });
  const routes = state && (state.phase === 'ready' || state.phase === 'stage-open') ? otherRoutesText(state).trim() : '';
  const advisers = state && state.phase !== 'closed' ? adviserLines(state, directory).map((a) => `At any stage: ${a}`) : [];
  const steps = state ? stepsText(state) : '';
  const extras = [...(steps ? [steps] : []), ...(routes ? [routes] : []), ...advisers];
  const first = events[0]?.seq;
  const last = events.at(-1)?.seq;
  if (first === undefined || last === undefined) return `${head}\n${ref} has ${summary.version} steps, fewer than page ${page} would show. Say \`status ${ref}\` for the latest.`;
  if (first === 1 && page === 1) return [head, ...lines, ...extras].join('\n');
  const earlier = first > 1 ? ` For earlier steps, say \`status ${ref} more${page === 1 ? '' : ` ${page + 1}`}\`.` : ' These are the first.';
  return [head, ...lines, `Steps ${first} to ${last} of ${summary.version}.${earlier}`, ...extras].join('\n');
}

/** The steps the open stage offers besides agreeing (a written reply, a case review group), and how to record one. */
export function stepsText(state: CaseState): string {
  const cur = state.current;
  if (state.phase !== 'stage-open' || !cur) return '';
  const steps = (currentStageDef(state)?.outcomes ?? []).filter((o) => isOutcomeStep(o.type));
  return steps
    .map((o) => `${o.label}${o.ends ? ' (ends the procedure)' : ''}${o.type === 'written-reply' ? `, given by ${cur.receiver.name}` : ''}: say \`step ${state.ref} ${o.type} <what was decided>\`.`)
    .join('\n');
}

/**
 * The people the procedure says may be contacted at any stage (Worcestershire's Senior Liaison
 * Officer), found for this case in the directory, with why; a gap in the directory is said.
 */
export function adviserLines(state: CaseState, directory: Directory): string[] {
  const found = matchAdvisers({ directory, policy: state.policy, escalatingAgencyId: state.escalatingAgency.id, receivingAgencyId: state.receivingAgency.id, localAreaId: state.intake.localAreaId });
  return found.map(({ match, why }) => (match.ok ? `${match.participant.name} (${roleTitle(directory, match.participant)}, ${match.participant.agencyName}). ${why}` : `${why} ${match.reason}`));
}

/** Where a case stands, in one sentence (for a card that is no longer the person's to act on). */
export function caseStateLine(state: CaseState): string {
  const cur = state.current;
  if (state.phase === 'closed') return `${state.ref} is closed (${(state.outcome ?? 'closed').replace(/-/g, ' ')}).`;
  if (state.phase === 'awaiting-approval') return `${state.ref} is waiting for approval of Stage ${state.pendingEscalation?.toStage}.`;
  if (state.phase === 'stage-open' && cur) {
    const answered = !awaitingResponse(cur) ? `${cur.receiver.name} has responded` : cur.responseDue ? `a response is due by ${londonTime(cur.responseDue)}` : 'no response yet';
    // The acknowledgement deadline is shown wherever the response's is, while it is awaited.
    const ack = !cur.acknowledged && cur.acknowledgementDue ? `; receipt to be acknowledged by ${londonTime(cur.acknowledgementDue)}` : '';
    return `${state.ref}: Stage ${cur.number} is open with ${cur.receiver.name} (${cur.receiver.agencyName}); ${answered}${ack}.${otherRoutesText(state)}`;
  }
  return `${state.ref} is ${PHASES[state.phase]}.${state.phase === 'ready' ? otherRoutesText(state) : ''}`;
}

/** The routes a procedure offers on a condition (besides the next stage), in its words, and how to take one. */
export function otherRoutesText(state: CaseState): string {
  return routesOnCondition(state).map((r) => ` If ${r.condition!.charAt(0).toLowerCase()}${r.condition!.slice(1)}: ${r.label} (say \`escalate ${state.ref} stage ${r.to} holds\`).`).join('');
}
