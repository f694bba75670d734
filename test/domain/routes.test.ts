/**
 * Branches in a procedure: routes chosen by the area of disagreement, routes offered on a
 * condition, endings that are not a binding decision, and off-ramps to other procedures. Each is
 * tested on a small policy written for the test, then on the built-in policy that needs it.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { caseStateLine, otherRoutesText } from '../../src/app/replies.js';
import { answer, complete, nextStep, STEP, type Draft, type IntakeContext } from '../../src/domain/intake.js';
import { policyRules } from '../../src/domain/policy/rules.js';
import { defaultRoute, routesFrom } from '../../src/domain/policy/routes.js';
import { Policy, type PolicyInput } from '../../src/domain/policy/schema.js';
import { CaseDriver } from '../support/case-driver.js';
import { actorOf } from '../support/people.js';
import { escalateTo, openCaseCommand, partiesFor, reachStage, requesterOf, respondDisagree } from '../support/walk.js';

type StageInput = PolicyInput['stages'][number];
type OutcomeInput = StageInput['outcomes'][number];

const stage = (n: number, outcomes: OutcomeInput[]): StageInput => ({
  number: n,
  name: `Stage ${n}`,
  summary: 'Managers discuss.',
  raisedBy: { roles: ['team-manager'], scope: 'escalating-agency', source: 'q' },
  receivedBy: { roles: ['team-manager'], scope: 'receiving-agency', source: 'q' },
  response: { kind: 'working-days', days: 1, source: 'q' },
  outcomes,
  source: 'q',
});
const resolved: OutcomeInput = { type: 'resolved', label: 'Resolved', source: 'q' };
const next = (extra: Partial<OutcomeInput> = {}): OutcomeInput => ({ type: 'next-stage', label: 'Next', source: 'q', ...extra });

const input = (stages: StageInput[], extra: Partial<PolicyInput> = {}): PolicyInput => ({
  id: 'test',
  version: 1,
  name: 'Test procedure',
  partnership: 'Test partnership',
  document: 'test.txt',
  areasOfDisagreement: [
    { id: 'risk', label: 'Risk', source: 'q' },
    { id: 'resources', label: 'Resources', source: 'q' },
  ],
  urgentRoute: { question: 'Is the child at risk of immediate harm?', guidance: 'Call now.', contacts: ['police'], opensCase: false, source: 'q' },
  stages,
  ...extra,
});
const make = (stages: StageInput[], extra: Partial<PolicyInput> = {}) => Policy.parse(input(stages, extra));
const problems = (stages: StageInput[]) => {
  const r = Policy.safeParse(input(stages));
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

/** Stage 1 to 2 by default, to 3 for resources; Stage 4 only on a condition, from Stages 1 and 3. */
const branching = () =>
  make([
    stage(1, [resolved, next(), next({ label: 'Resources', toStage: 3, areas: ['resources'] }), next({ label: 'Harm remains', toStage: 4, condition: 'You believe the child remains at risk of significant harm' })]),
    stage(2, [resolved, next()]),
    stage(3, [resolved, next({ label: 'Harm remains', toStage: 4, condition: 'You believe the child remains at risk of significant harm' })]),
    stage(4, [resolved, { type: 'written-reply', label: 'The reply', ends: true, source: 'q' }]),
  ]);

function caseAbout(policy: Policy, areaId: string): CaseDriver {
  const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
  const open = openCaseCommand(policy);
  d.do({ ...open, intake: { ...open.intake, areaId } });
  return d;
}

describe('routes out of a stage', () => {
  it('take the area of disagreement into account, and offer conditional routes besides', () => {
    const p = branching();
    expect(routesFrom(p, 0, 'risk').map((r) => r.to)).toEqual([1]);
    expect(routesFrom(p, 1, 'risk')).toEqual([
      { to: 2, label: 'Next' },
      { to: 4, label: 'Harm remains', condition: 'You believe the child remains at risk of significant harm' },
    ]);
    // A route naming the case's area replaces the plain route.
    expect(routesFrom(p, 1, 'resources').map((r) => r.to)).toEqual([3, 4]);
    expect(defaultRoute(p, 1, 'resources')?.to).toBe(3);
    // Only a conditional route: nothing is taken by default.
    expect(defaultRoute(p, 3, 'risk')).toBeNull();
    expect(routesFrom(p, 4, 'risk')).toEqual([]);
  });

  it('are what decide allows: the area route, a conditional route, and nothing else', () => {
    const p = branching();
    const d = caseAbout(p, 'resources');
    escalateTo(d, p, 1);
    respondDisagree(d, p);
    const ask = (toStage: number) => ({ type: 'request-escalation' as const, actor: requesterOf(d), toStage, reason: 'not-resolved' as const, note: '', parties: partiesFor(p.stages[toStage - 1]!) });
    expect(d.refuses(ask(2), 'invalid')).toBe('From Stage 1 the concern goes to Stage 3 or Stage 4 (if you believe the child remains at risk of significant harm).');
    d.do(ask(3));
    expect(d.s.current!.number).toBe(3);
    respondDisagree(d, p);
    expect(d.refuses(ask(2), 'invalid')).toMatch(/From Stage 3 the concern goes to Stage 4 \(if you believe/);
    d.do(ask(4));
    expect(d.s.history.map((h) => h.number)).toEqual([1, 3, 4]);
  });

  it('suggest the default route when a deadline lapses, and none where the only route is conditional', () => {
    const p = branching();
    const d = caseAbout(p, 'resources');
    escalateTo(d, p, 1);
    d.at('2026-11-25T10:00:00Z');
    d.do({ type: 'mark-deadline-lapsed', actor: { kind: 'system', name: 'Scheduler' }, which: 'response', due: d.s.current!.responseDue! });
    expect(d.events.at(-1)!.data).toMatchObject({ suggestedStage: 3 });
    respondDisagree(d, p);
    d.do({ type: 'request-escalation', actor: requesterOf(d), toStage: 3, reason: 'no-response', note: '', parties: partiesFor(p.stages[2]!) });
    d.at('2026-11-27T10:00:00Z');
    d.do({ type: 'mark-deadline-lapsed', actor: { kind: 'system', name: 'Scheduler' }, which: 'response', due: d.s.current!.responseDue! });
    expect(d.events.at(-1)!.data).toMatchObject({ suggestedStage: null });
  });

  it('offered on a condition are shown in the chat in the procedure’s words, with how to take them', () => {
    const p = branching();
    const d = caseAbout(p, 'risk');
    escalateTo(d, p, 1);
    expect(caseStateLine(d.s)).toMatch(/Stage 1 is open with .*\. If you believe the child remains at risk of significant harm: Harm remains \(say `escalate RES-1 stage 4 holds`\)\.$/);
    expect(otherRoutesText({ ...d.s, current: { ...d.s.current!, number: 2 } })).toBe('');
  });

  it('are checked when the policy is read', () => {
    expect(problems([stage(1, [resolved, next({ toStage: 1 })]), stage(2, [resolved])])).toEqual(['stages.0.outcomes.1.toStage: Stage 1 cannot lead to Stage 1: a route leads to a later stage of this procedure']);
    expect(problems([stage(1, [resolved, next({ toStage: 3 })]), stage(2, [resolved])])).toEqual(['stages.0.outcomes.1.toStage: Stage 1 cannot lead to Stage 3: a route leads to a later stage of this procedure']);
    expect(problems([stage(1, [resolved, next({ areas: ['money'] })]), stage(2, [resolved])])).toEqual(['stages.0.outcomes.1.areas.0: "money" is not one of the areas of disagreement']);
    expect(problems([stage(1, [resolved, next({ areas: ['risk'], condition: 'x' })]), stage(2, [resolved])])).toEqual(['stages.0.outcomes.1.condition: a route is chosen by the area or by a condition, not both']);
    expect(problems([stage(1, [{ ...resolved, toStage: 2 }]), stage(2, [resolved])])).toEqual(['stages.0.outcomes.0.toStage: only a next-stage outcome has "toStage"']);
    expect(problems([stage(1, [resolved]), stage(2, [resolved, next()])])).toEqual(['stages.1.outcomes.1: the last stage cannot have a next-stage outcome']);
  });
});

describe('endings that are not a binding decision', () => {
  it('a written reply is the receiver’s, and closes the case', () => {
    const p = branching();
    const d = caseAbout(p, 'risk');
    reachStage(d, p, 1);
    respondDisagree(d, p);
    d.do({ type: 'request-escalation', actor: requesterOf(d), toStage: 4, reason: 'not-resolved', note: '', parties: partiesFor(p.stages[3]!) });
    const raiser = actorOf(d.s.current!.raiser);
    const receiver = actorOf(d.s.current!.receiver);
    expect(d.refuses({ type: 'record-outcome-step', actor: raiser, outcome: 'written-reply', note: 'We think so.' }, 'not-allowed')).toMatch(/gives the written reply/);
    d.do({ type: 'record-outcome-step', actor: receiver, outcome: 'written-reply', note: 'A strategy discussion is arranged.' });
    expect(d.s.phase).toBe('closed');
    expect(d.s.outcome).toBe('procedure-ended');
    expect(d.events.at(-1)!.data).toEqual({ outcome: 'procedure-ended', summary: 'The reply: A strategy discussion is arranged.' });
  });

  it('a non-binding meeting is recorded by either side; a step that does not end leaves the stage open', () => {
    const p = make([stage(1, [{ type: 'reflective-consultation', label: 'Reflective consultation', source: 'q' }, { type: 'non-binding-meeting', label: 'Meeting', ends: true, source: 'q' }])]);
    const d = caseAbout(p, 'risk');
    escalateTo(d, p, 1);
    d.do({ type: 'record-outcome-step', actor: actorOf(d.s.current!.receiver), outcome: 'reflective-consultation', note: 'Held.' });
    expect(d.s.phase).toBe('stage-open');
    d.do({ type: 'record-outcome-step', actor: actorOf(d.s.current!.raiser), outcome: 'non-binding-meeting', note: 'Met; a way forward agreed.' });
    expect(d.s.outcome).toBe('procedure-ended');
  });

  it('are checked when the policy is read', () => {
    expect(problems([stage(1, [{ type: 'written-reply', label: 'Reply', source: 'q' }])])).toEqual(expect.arrayContaining(['stages.0.outcomes.0.ends: a written reply ends the procedure: add "ends: true"']));
    expect(problems([stage(1, [{ ...resolved, ends: true }])])).toEqual(['stages.0.outcomes.0.ends: a resolved outcome cannot be marked "ends"; "ends" is for a step that ends the procedure without a binding decision']);
    expect(problems([stage(1, [{ type: 'case-review-group', label: 'Group', source: 'q' }])])).toEqual(['stages.0.outcomes: every stage needs a way to end (a resolved, binding or ending outcome)']);
  });
});

describe('off-ramps to other procedures', () => {
  const ctx: IntakeContext = { otherAgencies: [{ value: 'police', label: 'County Police' }] };
  const withRamp = () =>
    make([stage(1, [resolved])], { offRamps: [{ id: 'complaint', question: 'Is this a complaint?', guidance: 'Use the complaints policy.', source: 'q' }] });

  it('a yes ends the walk with where to go instead, and nothing is recorded', () => {
    const p = withRamp();
    let draft: Draft = {};
    for (const [id, v] of [[STEP.urgent, false], ['off-ramp:complaint', true]] as const) {
      expect(nextStep(p, ctx, draft)?.id).toBe(id);
      const r = answer(p, ctx, draft, id, v);
      if (!r.ok) throw new Error(r.message);
      draft = r.draft;
    }
    expect(nextStep(p, ctx, draft)).toBeNull();
    expect(complete(p, ctx, draft)).toEqual({ kind: 'off-ramp', guidance: 'Use the complaints policy.' });
  });

  it('a no goes on with the walk', () => {
    const p = withRamp();
    const r = answer(p, ctx, { [STEP.urgent]: false }, 'off-ramp:complaint', false);
    expect(r.ok && nextStep(p, ctx, r.draft)?.id).toBe(STEP.agency);
  });
});

describe('the built-in procedures’ branches', () => {
  let catalog: Awaited<ReturnType<typeof loadPolicyCatalog>>;
  beforeAll(async () => {
    catalog = await loadPolicyCatalog();
  });

  it('Derby: risk goes from Stage 3 to the Child Protection Manager, resources to management', () => {
    const derby = catalog.get('derby')!;
    expect(defaultRoute(derby, 3, 'risk')?.to).toBe(4);
    expect(defaultRoute(derby, 3, 'resources')?.to).toBe(5);
    expect(routesFrom(derby, 3, 'resources').map((r) => r.to)).toEqual([5]);
    expect(derby.stages[3]!.receivedBy.roles).toEqual(['child-protection-manager']);
    // The Chair's written reply ends Stage 6.
    expect(derby.stages[5]!.outcomes.find((o) => o.type === 'written-reply')?.ends).toBe(true);
    const d = caseAbout(derby, 'resources');
    reachStage(d, derby, 3);
    respondDisagree(d, derby);
    escalateTo(d, derby, 5);
    expect(d.s.history.map((h) => h.number)).toEqual([1, 2, 3, 5]);
  });

  it('Sefton: a significant-harm concern can go from any step to an equivalent manager in Children’s Social Care', () => {
    const sefton = catalog.get('sefton')!;
    for (const from of [1, 2, 3, 4]) {
      const harm = routesFrom(sefton, from, 'service-provision').find((r) => r.condition);
      expect(harm).toMatchObject({ to: 5, condition: 'You believe the child remains at risk of significant harm' });
    }
    expect(defaultRoute(sefton, 4, 'service-provision')).toBeNull();
    expect(sefton.stages[4]!.receivedBy).toMatchObject({ roles: ['team-manager'], scope: 'childrens-social-care' });
    const d = caseAbout(sefton, 'service-provision');
    reachStage(d, sefton, 1);
    respondDisagree(d, sefton);
    escalateTo(d, sefton, 5);
    d.do({ type: 'record-outcome-step', actor: actorOf(d.s.current!.receiver), outcome: 'written-reply', note: 'A strategy discussion is arranged.' });
    expect(d.s.outcome).toBe('procedure-ended');
  });

  it('Croydon: complaints and disputes inside one agency go to other procedures, in the document’s words', () => {
    const croydon = catalog.get('croydon')!;
    expect(croydon.offRamps.map((r) => r.id)).toEqual(['complaint-about-the-partnership', 'complaint-about-conduct', 'within-one-agency']);
    expect(croydon.offRamps[0]!.guidance).toMatch(/CSCP Executive Group, who should alert the CSCP Independent Scrutineer/);
    const trace = policyRules(croydon).filter((r) => r.what === 'off-ramp');
    expect(trace).toHaveLength(3);
    // The form goes with the stages the document names, 3 and 5, not every stage from 3 on.
    expect(croydon.stages.map((s) => s.forms.length)).toEqual([0, 0, 1, 0, 1]);
  });

  it('Worcestershire: the case review group ends the last stage, and is a step at Stage 3', () => {
    const w = catalog.get('worcestershire')!;
    expect(w.stages[2]!.outcomes.find((o) => o.type === 'case-review-group')?.ends).toBe(false);
    expect(w.stages[3]!.outcomes.find((o) => o.type === 'case-review-group')?.ends).toBe(true);
  });
});
