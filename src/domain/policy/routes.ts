/**
 * Where a case may go from a stage: the one rule for routes, used by `decide` (which stages may be
 * asked for), by the scheduler's suggestion after a lapse and by the app (the stage offered next,
 * the other routes shown with the document's words).
 *
 * A stage's next-stage outcomes are its routes. Routes naming the case's area of disagreement
 * replace the stage's plain routes (Derby: risk goes to the Child Protection Manager, resources
 * to management); routes with a condition are offered besides, to whoever says it is so (Sefton:
 * a significant-harm concern that remains goes to Children's Social Care).
 */
import type { Outcome, Policy } from './schema.js';

export type Route = {
  to: number;
  /** The outcome's label: the document's words for this way on. */
  label: string;
  /** What the person asking must be able to say, where the route depends on it. */
  condition?: string;
};

/** The routes from stage `from` (0: before any stage) for a case about `areaId`; the default route first. */
export function routesFrom(policy: Policy, from: number, areaId: string): Route[] {
  if (from === 0) return policy.stages[0] ? [{ to: policy.stages[0].number, label: policy.stages[0].name }] : [];
  const stage = policy.stages[from - 1];
  if (!stage) return [];
  const nexts = stage.outcomes.filter((o) => o.type === 'next-stage');
  const byArea = nexts.filter((o) => o.areas?.includes(areaId));
  const main = byArea.length ? byArea : nexts.filter((o) => !o.areas && !o.condition);
  const conditional = nexts.filter((o) => o.condition);
  const seen = new Set<number>();
  const routes: Route[] = [];
  for (const o of [...main, ...conditional]) {
    const to = target(from, o);
    if (seen.has(to)) continue;
    seen.add(to);
    routes.push({ to, label: o.label, ...(o.condition ? { condition: o.condition } : {}) });
  }
  return routes;
}

/** The route taken when nobody says otherwise (no condition), or null when the stage has none. */
export function defaultRoute(policy: Policy, from: number, areaId: string): Route | null {
  return routesFrom(policy, from, areaId).find((r) => !r.condition) ?? null;
}

function target(from: number, o: Outcome): number {
  return o.toStage ?? from + 1;
}
