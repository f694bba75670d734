/**
 * The words the bot says, as plain text any chat can show (Teams renders the Markdown). Times
 * are London wall-clock, as the procedures count them.
 */
import type { CaseSummary } from './case-summary.js';
import type { StoredEvent } from './store.js';
import type { CaseState } from '../domain/escalation/state.js';
import { awaitingResponse } from '../domain/escalation/queries.js';
import { agencyById, type Directory } from '../domain/directory.js';

const when = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
export const londonTime = (iso: string) => when.format(new Date(iso));

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
    '- `escalate <case ref>`: ask for the next stage of a case (after a return, or when a stage did not resolve it)',
    '- `my cases`: the cases you take part in, with their stage and what is due',
    '- `status <case ref>`: the timeline of a case',
    '- `resolve <case ref>`: record the outcome both sides agreed, for the other side to confirm',
    '- `review <case ref>`: check back that the agreed actions of a resolved case were done (all done closes it)',
    '- `reply <case ref> <message>`: a message to everyone taking part in the case (it goes in the timeline)',
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

export function caseStatusText(summary: CaseSummary, events: StoredEvent[], directory: Directory): string {
  const side = (id: string) => agencyById(directory, id)?.name ?? id;
  const head = `**${summary.ref}**: ${side(summary.escalatingAgencyId)} and ${side(summary.receivingAgencyId)}; ${summary.stage === null ? 'before Stage 1' : `Stage ${summary.stage}`}, ${PHASES[summary.phase]}.`;
  const lines = events.map(({ event: e }) => {
    const who = e.actor.kind === 'person' ? `${e.actor.name} (${e.actor.agencyName})` : e.actor.name;
    return `- ${londonTime(e.at)}: ${e.type.replace(/-/g, ' ')}${e.stage !== null ? ` at Stage ${e.stage}` : ''}, by ${who}`;
  });
  return [head, ...lines].join('\n');
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
    return `${state.ref}: Stage ${cur.number} is open with ${cur.receiver.name} (${cur.receiver.agencyName}); ${answered}${ack}.`;
  }
  return `${state.ref} is ${PHASES[state.phase]}.`;
}
