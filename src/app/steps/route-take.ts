/**
 * The escalating side takes a route the procedure offers on a condition (Sefton: "the child
 * remains at risk of significant harm" → Stage 5, Children's Social Care), from the card that
 * offers the next stage. The card states the condition in the document's words; the person
 * confirms it holds (`holds`), and the request records the condition they confirmed in its note.
 * Which routes are open is `routesOnCondition` (the one rule, `routes.ts`); who may ask is decide's.
 */
import { z } from 'zod';
import { routesOnCondition, stageOf } from '../../domain/escalation/queries.js';
import { notice } from '../case-views.js';
import { choice, done, refused, type CaseStep } from './step.js';

const stageNumber = z.preprocess((v) => (typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined), z.number({ error: 'Choose the route to take.' }).int().positive('Choose the route to take.'));

/** The words recorded with the request: the condition the person confirmed, as the procedure puts it. */
export const confirmedNote = (condition: string) => `Taken on the procedure's condition, confirmed by the person asking: "${condition}"`;

const step: CaseStep<{ toStage: number; holds: 'yes' }> = {
  verb: 'route.take',
  command: 'request-escalation',
  inputs: z.object({ toStage: stageNumber, holds: choice(['yes'], 'Confirm that the route’s condition holds to take it.') }),
  fields: [
    { name: 'toStage', label: 'Which way on', kind: 'choice' },
    { name: 'holds', label: 'The condition holds', kind: 'choice', choices: [{ value: 'yes', label: 'Yes: the condition of the route I chose holds' }] },
  ],
  form: { title: 'Another route', submit: 'Escalate', fromCard: true },
  who: 'someone from the escalating agency taking part in the case (the raiser of the stage), who confirms the route’s condition holds',
  card: 'lapse',
  take: async ({ ref, state, person, app }, { toStage }) => {
    // A second click: the route was taken (its stage is open or waiting for approval), so the card as it now stands answers.
    if (state.pendingEscalation?.toStage === toStage || state.current?.number === toStage) return refused(ref, `Stage ${toStage} has already been asked for.`, true);
    const from = state.current?.number ?? 0;
    if (!stageOf(state, toStage)) return refused(ref, `${state.policy.name} has no Stage ${toStage}, so there is no route to it; nothing was changed.`);
    const route = routesOnCondition(state).find((r) => r.to === toStage);
    if (!route) return refused(ref, `${state.policy.name} offers no route to Stage ${toStage} on a condition from ${from ? `Stage ${from}` : 'where the case stands'}; nothing was changed. Say \`status ${ref}\` for the ways on.`);
    const why = state.current?.lapsed.response ? 'no-response' : undefined;
    const asked = await app.news.stageAsked(state, person, toStage, confirmedNote(route.condition!), why);
    const view = notice(`Case ${ref}: Stage ${toStage}`, asked.said);
    return asked.ok ? done(view) : { ok: false, view };
  },
};
export default step;
