/**
 * Questions asked of a case's state, each answered in one place: the domain's rules, the app's
 * steps, its views, the job plan and the replies all ask here rather than spelling the rule out.
 */
import type { Participant } from '../matching.js';
import { defaultRoute, routesFrom, type Route } from '../policy/routes.js';
import type { Stage } from '../policy/schema.js';
import type { CaseOutcome, Side } from './events.js';
import type { CaseState, StageProgress } from './state.js';

/** The policy's definition of stage `number` (the one pinned on the case). */
export function stageOf(state: CaseState, number: number): Stage | undefined {
  return state.policy.stages.find((s) => s.number === number);
}

/** The definition of the stage now open (or last open); undefined before Stage 1. */
export function currentStageDef(state: CaseState): Stage | undefined {
  return state.current ? stageOf(state, state.current.number) : undefined;
}

/**
 * Whether the stage still waits for the receiver's response: none given yet, or only a request
 * for more time (which is not an answer; a response still follows it).
 */
export function awaitingResponse(stage: StageProgress): boolean {
  return stage.response === null || stage.response.position === 'more-time';
}

/**
 * Why the raising side may go on from a stage that is still open: no response by the due date
 * (`lapsed`), or the receiver disagreed (`disagreed`); null while the stage is still going its way.
 */
export function notResolvedBy(stage: StageProgress): 'lapsed' | 'disagreed' | null {
  if (stage.lapsed.response && awaitingResponse(stage)) return 'lapsed';
  return stage.response?.position === 'disagree' ? 'disagreed' : null;
}

/**
 * The stage the procedure's default route leads to from the stage open (or last open) for the
 * case's area of disagreement (`defaultRoute`; before any stage, the first); null where no route
 * goes on without a condition (the last stage, or Sefton's route to Children's Social Care).
 */
export function furtherStage(state: CaseState): number | null {
  return defaultRoute(state.policy, state.current?.number ?? 0, state.intake.areaId)?.to ?? null;
}

/**
 * The stage a case would go to next when nobody says otherwise: `furtherStage`, else a stage past
 * the last, which `decide` refuses naming the routes there are.
 */
export function nextStageNumber(state: CaseState): number {
  return furtherStage(state) ?? state.policy.stages.length + 1;
}

/**
 * The routes open from the stage open (or last open) on a condition the person asking says is so
 * (Sefton: the child remains at risk of significant harm → Stage 5), in the procedure's words;
 * only to stages the procedure has, so a route to a stage it lacks is never offered.
 */
export function routesOnCondition(state: CaseState): Route[] {
  return routesFrom(state.policy, state.current?.number ?? 0, state.intake.areaId).filter((r) => r.condition && stageOf(state, r.to));
}

/** The person on one side of the current stage: the raiser escalates, the receiver receives. */
export function personOnSide(stage: StageProgress, side: Side): Participant {
  return side === 'escalating' ? stage.raiser : stage.receiver;
}

/** Who proposed the outcome waiting for confirmation; null when none waits. */
export function proposerOf(state: CaseState): Participant | null {
  return state.proposal && state.current ? personOnSide(state.current, state.proposal.side) : null;
}

/** Who confirms (or rejects) the outcome waiting: the other side from the one that proposed it. */
export function confirmerOf(state: CaseState): Participant | null {
  return state.proposal && state.current ? personOnSide(state.current, state.proposal.side === 'escalating' ? 'receiving' : 'escalating') : null;
}

/** The other side of the current stage from this person (for one of its two sides). */
export function otherSideOf(stage: StageProgress, personId: string): Participant {
  return stage.raiser.personId === personId ? stage.receiver : stage.raiser;
}

/** Whether a case ended in an agreed or binding outcome (those are checked back on and debriefed). */
export function isResolvedOutcome(outcome: CaseOutcome | null | undefined): boolean {
  return outcome === 'resolved' || outcome === 'binding-decision';
}
