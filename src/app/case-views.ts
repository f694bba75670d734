/**
 * What each step shows, as plain view data for any channel: Teams expands it into the Adaptive
 * Card templates in `cards/` (the keys are the templates' names), Slack builds Block Kit messages
 * and modals from the same data. Nothing here knows a channel.
 */
import type { CaseEvent } from '../domain/escalation/events.js';
import type { CaseState, StageProgress } from '../domain/escalation/state.js';
import { currentStageDef, furtherStage, nextStageNumber, notResolvedBy, proposerOf, routesOnCondition, stageOf } from '../domain/escalation/queries.js';
import { formatHuman } from '../domain/calendar.js';
import { allowsEarlierDue, dueFor, responseTimescale } from '../domain/deadlines.js';
import type { Participant } from '../domain/matching.js';
import { isBindingRoute, type Stage, type Timescale } from '../domain/policy/schema.js';
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

export type HistoryLine = { at: string; who: string; what: string };
/** `earlierDue`: the procedure lets the approver set an earlier response date ("7 working days or less"). */
/** `acknowledgeBy`: the acknowledgement deadline, where the procedure sets one (shown beside the response's). */
export type ApprovalView = { caseRef: string; receivingAgency: string; stageNumber: number; stageName: string; due: string; acknowledgeBy?: string; earlierDue: boolean; raisedBy: string; concern: string; history: HistoryLine[] };
/** `advisers`: people who can be contacted at any stage, in words (see replies' adviserLines). */
/** `byRoute`: the receiver (the Chair) settles this stage by mediation or a panel (the route card), not by a response. */
export type ResponseView = { caseRef: string; raisedBy: string; raisingAgency: string; receivingAgency: string; stageNumber: number; stageName: string; due: string; acknowledgeBy?: string; concern: string; acknowledged: boolean; history: HistoryLine[]; advisers?: string[]; byRoute?: boolean };
/** `otherRoutes`: the routes the procedure offers from this stage on a condition, in its words, with how to take one. */
/** `routes`: the same routes as buttons (the `route.take` step): each states its condition, which the person confirms. */
/** `why`: no response by the due date, or the receiver disagreed; `lapsed` shows more time and a chase, which only a lapse offers. */
export type LapseView = { caseRef: string; stage: number; why: string; lapsed: boolean; nextStage: number; nextWho: string; otherRoutes: string[]; routes: RouteChoice[] };
/** A route on a condition, offered as a button: `title` is the button's words, `condition` the document's. */
export type RouteChoice = { toStage: number; title: string; label: string; condition: string };
export type DecidedView = { caseRef: string; stageNumber: string; stageName: string; decision: string; decidedBy: string; decidedAt: string; comment?: string };
export type BoardNoticeView = { caseRef: string; stageNumber: number; stageName: string; agencies: string[]; opened: string; areas: string[]; monitoring: { label: string; value: string }[] };
export type ResolutionView = { caseRef: string; stageNumber: number; otherSide: string; rows: { n: number }[] };
export type ResolutionConfirmView = { caseRef: string; stageNumber: number; proposedBy: string; summary: string; actions: { description: string; owner: string; due: string }[]; reviewDate?: string };
export type NoticeView = { title: string; text: string };
// The ends of the procedures (built in `outcome-views.ts`).
export type ExtensionView = { caseRef: string; stageNumber: number; stageName: string; receiver: string; currentDue: string; proposedDue: string; rationale: string };
export type QuickerDueView = { caseRef: string; stageNumber: number; stageName: string; receiver: string; due: string; timescale: string; acknowledgeBy?: string };
export type Choice = { title: string; value: string };
export type BindingRouteView = { caseRef: string; stageNumber: number; stageName: string; disputing: string; routes: Choice[]; agencies: Choice[]; preselected: string; panelRule: string; panelSource: string };
export type BindingDecisionView = { caseRef: string; stageNumber: number; route: string; binding: boolean; panel: string; rows: { n: number }[] };
export type OutcomeStepView = { caseRef: string; stageNumber: number; stageName: string; outcomes: Choice[] };
export type ReviewView = { caseRef: string; stageNumber: number; summary: string; reviewDate: string; actions: { n: number; description: string; owner: string; due: string }[] };
export type DebriefView = { caseRef: string; outcome: string; closedAt: string; learningNote: string };
export type WelcomeView = { firstName: string; partnership: string };

/** One view, named for the card it is; `personal` views carry buttons for one person only. */
export type CardView =
  | { card: 'approval'; data: ApprovalView }
  | { card: 'response'; data: ResponseView }
  | { card: 'lapse'; data: LapseView }
  | { card: 'decided'; data: DecidedView }
  | { card: 'board-notice'; data: BoardNoticeView }
  | { card: 'resolution'; data: ResolutionView }
  | { card: 'resolution-confirm'; data: ResolutionConfirmView }
  | { card: 'notice'; data: NoticeView }
  | { card: 'extension'; data: ExtensionView }
  | { card: 'quicker-due'; data: QuickerDueView }
  | { card: 'binding-route'; data: BindingRouteView }
  | { card: 'binding-decision'; data: BindingDecisionView }
  | { card: 'outcome-step'; data: OutcomeStepView }
  | { card: 'review'; data: ReviewView }
  | { card: 'debrief'; data: DebriefView }
  | { card: 'welcome'; data: WelcomeView };

export const notice = (title: string, text: string): CardView => ({ card: 'notice', data: { title, text } });

/** The stage's timescale in the procedure's own terms (working days, hours). */
export function timescaleText(t: Timescale): string {
  if (t.kind === 'working-days') return t.days === 1 ? '1 working day' : `${t.days} working days`;
  if (t.kind === 'calendar-days') return t.days === 1 ? '1 day' : `${t.days} days`;
  if (t.kind === 'hours') return `${t.hours} hours`;
  // "Without delay", "immediately": the document's words are shown, not dropped.
  return t.note;
}

export function historyOf(events: CaseEvent[]): HistoryLine[] {
  return events.filter((e) => e.type !== 'prompt-sent').map((e) => ({
    at: londonTime(e.at),
    who: e.actor.kind === 'person' ? `${e.actor.name} (${e.actor.agencyName})` : e.actor.name,
    what: WHAT[e.type] ?? e.type.replace(/-/g, ' '),
  }));
}

/** For the manager asked to raise the stage: Approve, Return with a comment, Resolve within. */
export function approvalView(state: CaseState, events: CaseEvent[], now: Date): CardView {
  const pending = state.pendingEscalation!;
  const stage = stageOf(state, pending.toStage)!;
  const timescale = responseTimescale(state, stage.number) ?? stage.response;
  const due = dueFor(state, stage.number, timescale, now);
  const ack = stage.acknowledgement ? dueFor(state, stage.number, stage.acknowledgement, now) : null;
  const by = pending.requestedBy.kind === 'person' ? `${pending.requestedBy.name}, ${pending.requestedBy.agencyName}` : pending.requestedBy.name;
  return {
    card: 'approval',
    data: {
      caseRef: state.ref,
      receivingAgency: state.receivingAgency.name,
      stageNumber: stage.number,
      stageName: stage.name,
      due: due ? `${timescaleText(timescale)}: a response by ${formatHuman(due)} if raised now` : timescaleText(timescale),
      ...(stage.acknowledgement ? { acknowledgeBy: ack ? `${timescaleText(stage.acknowledgement)}: by ${formatHuman(ack)} if raised now` : timescaleText(stage.acknowledgement) } : {}),
      earlierDue: allowsEarlierDue(timescale),
      raisedBy: by,
      concern: `${state.intake.decisionChallenged} We ask for: ${state.intake.aim}`,
      history: historyOf(events),
    },
  };
}

export function decidedView(state: CaseState, decision: string, by: Participant | { name: string; agencyName: string }, at: string, comment?: string): CardView {
  const stage = state.current ?? null;
  const stageDef = currentStageDef(state);
  return {
    card: 'decided',
    data: {
      caseRef: state.ref,
      stageNumber: stage ? String(stage.number) : '-',
      stageName: stageDef?.name ?? 'not yet open',
      decision,
      decidedBy: `${by.name}, ${by.agencyName}`,
      decidedAt: londonTime(at),
      ...(comment ? { comment } : {}),
    },
  };
}

/** For the receiving counterpart of an open stage: Acknowledge, and Respond. */
export function responseView(state: CaseState, events: CaseEvent[], advisers: string[] = []): CardView {
  const cur = state.current!;
  const stage = currentStageDef(state)!;
  return {
    card: 'response',
    data: {
      caseRef: state.ref,
      raisedBy: cur.raiser.name,
      raisingAgency: cur.raiser.agencyName,
      receivingAgency: cur.receiver.agencyName,
      stageNumber: stage.number,
      stageName: stage.name,
      due: cur.responseDue ? `${londonTime(cur.responseDue)} (${timescaleText(stage.response)})` : timescaleText(stage.response),
      ...acknowledgeBy(cur, stage),
      concern: `${state.intake.decisionChallenged} We ask for: ${state.intake.aim}`,
      acknowledged: cur.acknowledged,
      history: historyOf(events),
      advisers,
      byRoute: stage.outcomes.some((o) => isBindingRoute(o.type)),
    },
  };
}

/**
 * The acknowledgement deadline as the response card and status lines show it, where the procedure
 * sets one and it is still awaited ("Receipt must be acknowledged within 48hrs").
 */
export function acknowledgeBy(cur: StageProgress, stage: Stage): { acknowledgeBy?: string } {
  if (!stage.acknowledgement || cur.acknowledged) return {};
  const when = cur.acknowledgementDue ? `${londonTime(cur.acknowledgementDue)} (${timescaleText(stage.acknowledgement)})` : timescaleText(stage.acknowledgement);
  return { acknowledgeBy: when };
}

/**
 * The raiser's card when a stage is not resolved (`notResolvedBy`): the response is overdue or the
 * receiver disagreed. Escalate, and the routes the procedure offers on a condition; an overdue
 * response also offers Allow more time and Chase again.
 */
export function lapseView(state: CaseState, nextStage: number): CardView {
  const cur = state.current!;
  const next = stageOf(state, nextStage);
  // Another way on where the procedure offers it on a condition (Sefton: significant harm remains → Stage 5).
  const routes = routesOnCondition(state).filter((r) => r.to !== nextStage);
  const due = cur.responseDue ? londonTime(cur.responseDue) : 'the agreed time';
  const lapsed = notResolvedBy(cur) !== 'disagreed';
  const why = lapsed
    ? `No response from ${cur.receiver.name}, ${cur.receiver.agencyName} by ${due}.`
    : `${cur.receiver.name}, ${cur.receiver.agencyName} disagreed at Stage ${cur.number}${cur.response?.rationale ? `: "${cur.response.rationale}"` : '.'}`;
  return {
    card: 'lapse',
    data: {
      caseRef: state.ref,
      stage: cur.number,
      why,
      lapsed,
      nextStage,
      nextWho: next?.name ?? `Stage ${nextStage}`,
      otherRoutes: routes.map((r) => `${r.label} (Stage ${r.to}), where: ${r.condition}. To take it, say \`escalate ${state.ref} stage ${r.to} holds\`.`),
      routes: routes.map((r) => ({ toStage: r.to, title: `Stage ${r.to}: ${stageOf(state, r.to)!.name}…`, label: r.label, condition: r.condition! })),
    },
  };
}

/**
 * The raiser's card while the open stage is not resolved, or null: after an overdue response
 * always (it also offers more time and a chase); after a disagreement only where there is a way
 * on (a further stage, or a route on a condition): at the last stage the procedure's own outcomes
 * settle it.
 */
export function waysOnView(state: CaseState): CardView | null {
  const cur = state.current;
  const why = state.phase === 'stage-open' && cur ? notResolvedBy(cur) : null;
  if (!why || (why === 'disagreed' && furtherStage(state) === null && routesOnCondition(state).length === 0)) return null;
  return lapseView(state, nextStageNumber(state));
}

/** For the Board's channel: the case at the stage the Board must hear of, with the monitoring-form fields. */
/** `board`: which Board's notice it is, where several share the procedure (the child's local area's). */
export function boardNoticeView(state: CaseState, now: Date, board?: string): CardView {
  const stage = currentStageDef(state)!;
  const area = state.policy.areasOfDisagreement.find((a) => a.id === state.intake.areaId)?.label ?? state.intake.areaId;
  // Where several local areas share the procedure, the child's one in the procedure's words.
  const localArea = state.policy.localAreas.find((a) => a.id === state.intake.localAreaId)?.name;
  const days = Math.max(0, Math.floor((now.getTime() - new Date(state.openedAt).getTime()) / 86_400_000));
  return {
    card: 'board-notice',
    data: {
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
        ...(localArea ? [{ label: "Child's local area", value: localArea }] : []),
        ...(board ? [{ label: "Board (the child's local area)", value: board }] : []),
      ],
    },
  };
}

/** For one side of the open stage: the agreed outcome, up to three actions, a review date. */
export function resolutionView(state: CaseState, otherSide: { name: string; agencyName: string }): CardView {
  return { card: 'resolution', data: { caseRef: state.ref, stageNumber: state.current!.number, otherSide: `${otherSide.name} (${otherSide.agencyName})`, rows: [1, 2, 3].map((n) => ({ n })) } };
}

/** For the other side: the proposed outcome, to confirm or reject. */
export function resolutionConfirmView(state: CaseState): CardView {
  const p = state.proposal!;
  const cur = state.current!;
  const by = proposerOf(state)!;
  return {
    card: 'resolution-confirm',
    data: {
      caseRef: state.ref,
      stageNumber: cur.number,
      proposedBy: `${by.name} (${by.agencyName})`,
      summary: p.summary,
      actions: p.actions,
      ...(p.reviewDate ? { reviewDate: p.reviewDate } : {}),
    },
  };
}
