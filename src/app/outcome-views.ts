/**
 * What the cards at the ends of a procedure show, as plain view data (see `case-views.ts`): the
 * answer to a request for more time, a quicker due date, the Chair's referral and binding
 * decision, the other outcome steps, the check back on agreed actions and the debrief. Each view
 * is for the person the domain lets take that step; who gets it and when is CaseFlow's.
 */
import { formatHuman } from '../domain/calendar.js';
import { allowsEarlierDue, responseTimescale } from '../domain/deadlines.js';
import type { AgencyRef } from '../domain/escalation/events.js';
import type { CaseState } from '../domain/escalation/state.js';
import { isBindingRoute, isOutcomeStep, panelSize, type Outcome } from '../domain/policy/schema.js';
import { acknowledgeBy, notice, timescaleText, type CardView } from './case-views.js';
import { londonTime } from './replies.js';

const stageDef = (state: CaseState, n: number) => state.policy.stages.find((s) => s.number === n)!;
const who = (p: { name: string; agencyName: string }) => `${p.name} (${p.agencyName})`;

/** For the stage's raiser when the receiver asks for more time: accept (the due date moves) or decline with a comment. */
export function extensionView(state: CaseState): CardView | null {
  const cur = state.current;
  if (state.phase !== 'stage-open' || !cur?.extensionProposed) return null;
  return {
    card: 'extension',
    data: {
      caseRef: state.ref,
      stageNumber: cur.number,
      stageName: stageDef(state, cur.number).name,
      receiver: who(cur.receiver),
      currentDue: cur.responseDue ? londonTime(cur.responseDue) : 'no fixed date',
      proposedDue: londonTime(cur.extensionProposed),
      rationale: cur.response?.rationale ?? '',
    },
  };
}

/**
 * For the stage's raiser as the stage opens: a quicker response date, where the procedure lets
 * whoever opens the stage set one ("Timescales should be discussed and set at all stages") and
 * the receiver has not answered yet. Null where it cannot be offered.
 */
export function quickerDueView(state: CaseState): CardView | null {
  const cur = state.current;
  const answered = cur?.response && cur.response.position !== 'more-time';
  if (state.phase !== 'stage-open' || !cur || answered || cur.extensionProposed || !cur.responseDue) return null;
  const stage = stageDef(state, cur.number);
  const timescale = responseTimescale(state, cur.number) ?? stage.response;
  if (!allowsEarlierDue(timescale)) return null;
  return {
    card: 'quicker-due',
    data: {
      caseRef: state.ref,
      stageNumber: cur.number,
      stageName: stage.name,
      receiver: who(cur.receiver),
      due: formatHuman(new Date(cur.responseDue)),
      timescale: timescaleText(timescale),
      ...acknowledgeBy(cur, stage),
    },
  };
}

/**
 * For the Chair (the receiver at a stage offering mediation or a panel): which route, and for a
 * panel, which agencies from the directory. The disputing agencies are preselected where the
 * procedure says the panel includes them.
 */
export function bindingRouteView(state: CaseState, agencies: readonly AgencyRef[]): CardView | null {
  const cur = state.current;
  if (state.phase !== 'stage-open' || !cur || cur.bindingRoute) return null;
  const stage = stageDef(state, cur.number);
  const routes = stage.outcomes.filter((o) => isBindingRoute(o.type));
  if (routes.length === 0) return null;
  const panel = routes.find((o) => o.panel)?.panel;
  const disputing = [state.escalatingAgency, state.receivingAgency];
  return {
    card: 'binding-route',
    data: {
      caseRef: state.ref,
      stageNumber: cur.number,
      stageName: stage.name,
      disputing: disputing.map((a) => a.name).join(' and '),
      routes: routes.map((o) => ({ title: o.label, value: o.type })),
      agencies: agencies.map((a) => ({ title: a.name, value: a.id })),
      preselected: panel?.mustIncludeDisputingAgencies ? disputing.map((a) => a.id).join(',') : '',
      panelRule: panel ? `A panel of ${panelSize(panel)} member agencies${panel.mustIncludeDisputingAgencies ? `, including ${disputing.map((a) => a.name).join(' and ')}` : ''}.` : '',
      panelSource: quoteOf(routes.find((o) => o.panel)),
    },
  };
}

/** For the Chair once the route is chosen: the decision, up to three agreed actions and a review date. */
export function bindingDecisionView(state: CaseState): CardView | null {
  const cur = state.current;
  if (state.phase !== 'stage-open' || !cur?.bindingRoute) return null;
  const route = stageDef(state, cur.number).outcomes.find((o) => o.type === cur.bindingRoute!.route);
  return {
    card: 'binding-decision',
    data: {
      caseRef: state.ref,
      stageNumber: cur.number,
      route: route?.label ?? cur.bindingRoute.route,
      binding: route?.binding ?? false,
      panel: cur.bindingRoute.panelAgencies.map((a) => a.name).join(', '),
      rows: [1, 2, 3].map((n) => ({ n })),
    },
  };
}

/**
 * What everyone taking part is told when the Chair records the decision: the decision, whether it
 * binds (as the procedure says), the actions and the review date. Null before one is recorded.
 */
export function bindingNoticeView(state: CaseState): CardView | null {
  const cur = state.current;
  const agreed = state.agreed;
  if (!cur?.bindingRoute || !agreed) return null;
  const route = stageDef(state, cur.number).outcomes.find((o) => o.type === cur.bindingRoute!.route);
  const how = cur.bindingRoute.route === 'mediation' ? 'mediation' : `a resolution panel (${cur.bindingRoute.panelAgencies.map((a) => a.name).join(', ')})`;
  const lines = [
    `The decision reached through ${how} at Stage ${cur.number}:`,
    agreed.summary,
    // The route's label is the document's words ("decision final and binding").
    ...(route?.binding ? [`${route.label}: this decision is final and binding on the agencies concerned.`] : []),
    ...agreed.actions.map((a) => `- ${a.description} (${a.owner}, by ${a.due})`),
    ...(agreed.reviewDate ? [`The agreed actions will be checked on ${agreed.reviewDate}.`] : []),
  ];
  return notice(`Case ${state.ref}: the Chair's decision`, lines.join('\n'));
}

/** For either side of the open stage, where the procedure has such steps (e.g. "child protection conference considered"). */
export function outcomeStepView(state: CaseState): CardView | null {
  const cur = state.current;
  if (state.phase !== 'stage-open' || !cur) return null;
  const stage = stageDef(state, cur.number);
  // Each step is recorded once at a stage: those already recorded are no longer offered.
  const outcomes = stage.outcomes.filter((o) => isOutcomeStep(o.type) && !cur.outcomeSteps.includes(o.type));
  if (outcomes.length === 0) return null;
  return { card: 'outcome-step', data: { caseRef: state.ref, stageNumber: cur.number, stageName: stage.name, outcomes: outcomes.map((o) => ({ title: o.label, value: o.type })) } };
}

/** For the people asked to check back on the review date: each agreed action, done or not done. */
export function reviewView(state: CaseState): CardView | null {
  const agreed = state.agreed;
  if (state.phase !== 'resolved' || !agreed) return null;
  return {
    card: 'review',
    data: {
      caseRef: state.ref,
      stageNumber: state.current?.number ?? 0,
      summary: agreed.summary,
      reviewDate: agreed.reviewDate ?? 'now',
      actions: agreed.actions.map((a, i) => ({ n: i + 1, description: a.description, owner: a.owner, due: a.due })),
    },
  };
}

/** After closure, for those who took part: what went well and what to learn, for the Board's learning report. */
export function debriefView(state: CaseState): CardView | null {
  if (state.phase !== 'closed' || !state.closedAt) return null;
  // The procedure's own words on what follows resolution (learning, debriefs), where it has them.
  const guidance = state.policy.afterResolution.map((g) => g.text).join(' ');
  return {
    card: 'debrief',
    data: {
      caseRef: state.ref,
      outcome: (state.outcome ?? 'closed').replace(/-/g, ' '),
      closedAt: londonTime(state.closedAt),
      learningNote: guidance || 'What you record here goes into the partnership’s learning report.',
    },
  };
}

function quoteOf(o: Outcome | undefined): string {
  if (!o) return '';
  return typeof o.source === 'string' ? o.source : o.source.quote;
}
