/** Cards for the escalation steps: the approval asked of a manager, and what was decided. */
import type { CaseEvent } from '../domain/escalation/events.js';
import type { CaseState } from '../domain/escalation/state.js';
import { dueInstant, formatHuman } from '../domain/calendar.js';
import type { Participant } from '../domain/matching.js';
import type { Timescale } from '../domain/policy/schema.js';
import { renderCard, type AdaptiveCard } from '../cards/render-card.js';
import { londonTime } from './replies.js';

const WHAT: Record<string, string> = {
  'case-opened': 'Case opened',
  'escalation-requested': 'Asked for the next stage',
  'escalation-returned': 'Escalation returned',
  'stage-opened': 'Stage opened',
  'stage-acknowledged': 'Acknowledged',
  'response-given': 'Responded',
  'deadline-lapsed': 'No response by the due date',
  'message-posted': 'Message',
};

/** The stage's timescale in the procedure's own terms (working days, hours). */
export function timescaleText(t: Timescale): string {
  if (t.kind === 'working-days') return t.days === 1 ? '1 working day' : `${t.days} working days`;
  if (t.kind === 'hours') return `${t.hours} hours`;
  return 'no fixed timescale';
}

export function historyOf(events: CaseEvent[]) {
  return events.filter((e) => e.type !== 'prompt-sent').map((e) => ({
    at: londonTime(e.at),
    who: e.actor.kind === 'person' ? `${e.actor.name} (${e.actor.agencyName})` : e.actor.name,
    what: WHAT[e.type] ?? e.type.replace(/-/g, ' '),
  }));
}

/** For the manager asked to raise the stage: Approve, Return with a comment, Resolve within. */
export function approvalCard(state: CaseState, events: CaseEvent[], now: Date, teamsUserIds: string[]): AdaptiveCard {
  const pending = state.pendingEscalation!;
  const stage = state.policy.stages.find((s) => s.number === pending.toStage)!;
  const due = dueInstant(now, stage.response, state.policy.region);
  const by = pending.requestedBy.kind === 'person' ? `${pending.requestedBy.name}, ${pending.requestedBy.agencyName}` : pending.requestedBy.name;
  return renderCard('approval', {
    caseRef: state.ref,
    receivingAgency: state.receivingAgency.name,
    stageNumber: stage.number,
    stageName: stage.name,
    due: due ? `${timescaleText(stage.response)}: a response by ${formatHuman(due)} if raised now` : timescaleText(stage.response),
    raisedBy: by,
    concern: `${state.intake.decisionChallenged} We ask for: ${state.intake.aim}`,
    history: historyOf(events),
    refreshUserIds: teamsUserIds,
  });
}

export function decidedCard(state: CaseState, decision: string, by: Participant | { name: string; agencyName: string }, at: string, comment?: string): AdaptiveCard {
  const stage = state.current ?? null;
  const stageDef = stage ? state.policy.stages.find((s) => s.number === stage.number) : undefined;
  return renderCard('decided', {
    caseRef: state.ref,
    stageNumber: stage ? String(stage.number) : '-',
    stageName: stageDef?.name ?? 'not yet open',
    decision,
    decidedBy: `${by.name}, ${by.agencyName}`,
    decidedAt: londonTime(at),
    ...(comment ? { comment } : {}),
  });
}

/** For the receiving counterpart of an open stage: Acknowledge, and Respond. */
export function responseCard(state: CaseState, events: CaseEvent[], teamsUserIds: string[]): AdaptiveCard {
  const cur = state.current!;
  const stage = state.policy.stages.find((s) => s.number === cur.number)!;
  return renderCard('response', {
    caseRef: state.ref,
    raisedBy: cur.raiser.name,
    raisingAgency: cur.raiser.agencyName,
    receivingAgency: cur.receiver.agencyName,
    stageNumber: stage.number,
    stageName: stage.name,
    due: cur.responseDue ? `${londonTime(cur.responseDue)} (${timescaleText(stage.response)})` : timescaleText(stage.response),
    concern: `${state.intake.decisionChallenged} We ask for: ${state.intake.aim}`,
    acknowledged: cur.acknowledged,
    history: historyOf(events),
    refreshUserIds: teamsUserIds,
  });
}

/** For the escalating side when a response is overdue: Escalate, Allow more time, Chase again. */
export function lapseCard(state: CaseState, nextStage: number, teamsUserIds: string[]): AdaptiveCard {
  const cur = state.current!;
  const next = state.policy.stages.find((s) => s.number === nextStage);
  return renderCard('lapse', {
    caseRef: state.ref,
    stage: cur.number,
    name: cur.receiver.name,
    agency: cur.receiver.agencyName,
    due: cur.responseDue ? londonTime(cur.responseDue) : 'the agreed time',
    nextStage,
    nextWho: next?.name ?? `Stage ${nextStage}`,
    refreshUserIds: teamsUserIds,
  });
}

/** For the Board's channel: the case at the stage the Board must hear of, with the monitoring-form fields. */
export function boardNoticeCard(state: CaseState, now: Date): AdaptiveCard {
  const cur = state.current!;
  const stage = state.policy.stages.find((s) => s.number === cur.number)!;
  const area = state.policy.areasOfDisagreement.find((a) => a.id === state.intake.areaId)?.label ?? state.intake.areaId;
  const days = Math.max(0, Math.floor((now.getTime() - new Date(state.openedAt).getTime()) / 86_400_000));
  return renderCard('board-notice', {
    caseRef: state.ref,
    stageNumber: stage.number,
    stageName: stage.name,
    agencies: [state.escalatingAgency.name, state.receivingAgency.name],
    opened: londonTime(state.openedAt),
    areas: [area],
    monitoring: [
      { label: 'Raising agency', value: state.escalatingAgency.name },
      { label: 'Receiving agency', value: state.receivingAgency.name },
      { label: 'Area of disagreement', value: area },
      { label: 'Stage reached', value: String(stage.number) },
      { label: 'Days open', value: String(days) },
      { label: 'Urgent route used', value: state.urgent ? 'Yes' : 'No' },
    ],
  });
}

/** For one side of the open stage: the agreed outcome, up to three actions, a review date. */
export function resolutionCard(state: CaseState, otherSide: { name: string; agencyName: string }): AdaptiveCard {
  return renderCard('resolution', {
    caseRef: state.ref,
    stageNumber: state.current!.number,
    otherSide: `${otherSide.name} (${otherSide.agencyName})`,
    rows: [1, 2, 3].map((n) => ({ n })),
  });
}

/** For the other side: the proposed outcome, to confirm or reject. */
export function resolutionConfirmCard(state: CaseState): AdaptiveCard {
  const p = state.proposal!;
  const cur = state.current!;
  const by = p.side === 'escalating' ? cur.raiser : cur.receiver;
  return renderCard('resolution-confirm', {
    caseRef: state.ref,
    stageNumber: cur.number,
    proposedBy: `${by.name} (${by.agencyName})`,
    summary: p.summary,
    actions: p.actions,
    ...(p.reviewDate ? { reviewDate: p.reviewDate } : {}),
  });
}
