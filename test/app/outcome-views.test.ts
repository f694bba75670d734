/**
 * The views of the later steps, built from cases driven through the domain, and what their
 * inputs read back into: each view is offered only where its step can be taken, and shows what
 * the procedure says (the panel's rule, whether a decision binds, the stage's own outcome steps).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { responseView, approvalView } from '../../src/app/case-views.js';
import { bindingDecisionView, bindingNoticeView, bindingRouteView, debriefView, extensionView, outcomeStepView, quickerDueView, reviewView } from '../../src/app/outcome-views.js';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { caseStateLine } from '../../src/app/replies.js';
import { actionsOf, doneFlagsOf, dueInstantOf, panelAgenciesOf } from '../../src/app/step-inputs.js';
import { renderCard, type CardName } from '../../src/cards/render-card.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { CaseDriver } from '../support/case-driver.js';
import { actor, actorOf } from '../support/people.js';
import { escalateTo, openCase, practitioner, reachStage, respondDisagree } from '../support/walk.js';
import { nodes, type Node } from '../support/nodes.js';
import { messageOf } from '../../src/slack/blocks.js';

let bscb: Policy;
let derby: Policy;
beforeAll(async () => {
  const catalog = await loadPolicyCatalog();
  bscb = catalog.get('bscb')!;
  derby = catalog.get('derby')!;
});

const START = '2026-11-23T10:00:00Z'; // a Monday
const AGENCIES = [
  { id: 'health', name: 'Health' },
  { id: 'police', name: 'Police' },
  { id: 'school', name: 'School' },
  { id: 'csc', name: 'CSC' },
];

/** The card a view expands into, and its inputs and Action.Execute verbs. */
function card(view: { card: string; data: object }) {
  // Personal cards name who refreshes them; the Teams door adds that (`adaptiveCardOf`).
  const c = renderCard(view.card as CardName, { refreshUserIds: [], ...view.data });
  expect(JSON.stringify(c)).not.toContain('${');
  const all = nodes(c);
  return {
    card: c,
    inputs: all.filter((n) => typeof n.type === 'string' && n.type.startsWith('Input.')),
    actions: all.filter((n) => n.type === 'Action.Execute'),
    text: all.flatMap((n) => [n.title, n.text, n.value].filter((t) => typeof t === 'string')).join('\n'),
  };
}

function stage1(policy: Policy = bscb) {
  const d = new CaseDriver(new Date(START));
  openCase(d, policy);
  escalateTo(d, policy, 1);
  return d;
}

describe('more time', () => {
  it('is offered to the raiser while the receiver’s request waits, showing the proposed date; not once answered', () => {
    const d = stage1();
    expect(extensionView(d.s)).toBeNull();
    d.do({ type: 'respond', actor: actorOf(d.s.current!.receiver), position: 'more-time', rationale: 'Waiting for the GP records.', proposedDue: '2026-11-26T17:00:00Z' });
    const view = extensionView(d.s)!;
    expect(view).toMatchObject({ card: 'extension', data: { caseRef: d.s.ref, stageNumber: 1, proposedDue: 'Thu, 26 Nov 2026, 17:00', currentDue: 'Tue, 24 Nov 2026, 10:00', rationale: 'Waiting for the GP records.' } });
    const c = card(view);
    expect(c.actions.map((a) => [a.verb, (a.data as Node).caseRef])).toEqual([
      ['extension.accept', d.s.ref],
      ['extension.decline', d.s.ref],
    ]);
    expect(c.inputs.map((i) => i.id)).toEqual(['comment']);
    d.do({ type: 'accept-extension', actor: actorOf(d.s.current!.raiser) });
    expect(extensionView(d.s)).toBeNull();
  });
});

describe('a quicker due date', () => {
  it('is offered to the raiser of an unanswered stage whose timescale allows it, with the acknowledgement deadline where there is one', () => {
    const d = stage1();
    const view = quickerDueView(d.s)!;
    expect(view).toMatchObject({ card: 'quicker-due', data: { stageNumber: 1, due: 'Tue 24 Nov 2026, 10:00', timescale: '1 working day' } });
    expect(view.data).not.toHaveProperty('acknowledgeBy');
    const c = card(view);
    expect(c.inputs.map((i) => [i.id, i.type])).toEqual([
      ['due', 'Input.Date'],
      ['dueTime', 'Input.Time'],
    ]);
    expect(c.actions.map((a) => a.verb)).toEqual(['stage.quicker-due']);
    d.do({ type: 'respond', actor: actorOf(d.s.current!.receiver), position: 'disagree', rationale: 'It stands.' });
    expect(quickerDueView(d.s)).toBeNull();
  });

  it('is not offered where the procedure sets no fixed time (BSCB Stage 4)', () => {
    const d = new CaseDriver(new Date(START));
    openCase(d, bscb);
    reachStage(d, bscb, 4);
    expect(quickerDueView(d.s)).toBeNull();
  });

  it('reads a date and an optional London time into the due instant', () => {
    expect(dueInstantOf('2026-11-23')).toEqual({ ok: true, value: '2026-11-23T17:00:00.000Z' });
    expect(dueInstantOf('2026-07-01', '14:30')).toEqual({ ok: true, value: '2026-07-01T13:30:00.000Z' }); // BST
    expect(dueInstantOf('2026-07-01', '25:00')).toMatchObject({ ok: false });
    expect(dueInstantOf(undefined)).toMatchObject({ ok: false, message: expect.stringMatching(/date/) });
  });
});

describe('the acknowledgement deadline', () => {
  it('shows beside the response deadline on the response and approval cards and the status line, while awaited', () => {
    const d = new CaseDriver(new Date(START));
    openCase(d, bscb);
    reachStage(d, bscb, 3);
    respondDisagree(d, bscb);
    // The practitioner asks; the Board member who held Stage 3 approves the referral.
    d.do({ type: 'request-escalation', actor: actorOf(practitioner()), toStage: 4, reason: 'not-resolved', note: 'Refer to the Chair.', approver: d.s.current!.raiser });
    const approval = approvalView(d.s, d.events, d.now);
    if (approval.card !== 'approval') throw new Error('approval expected');
    expect(approval.data.acknowledgeBy).toBe('2 working days: by Wed 25 Nov 2026, 10:00 if raised now');
    expect(card(approval).text).toContain('2 working days: by Wed 25 Nov 2026, 10:00 if raised now');

    const e = new CaseDriver(new Date(START));
    openCase(e, bscb);
    reachStage(e, bscb, 4);
    const response = responseView(e.s, e.events);
    if (response.card !== 'response') throw new Error('response expected');
    expect(response.data.acknowledgeBy).toBe('Wed, 25 Nov 2026, 10:00 (2 working days)');
    expect(card(response).text).toContain('Acknowledge by');
    expect(caseStateLine(e.s)).toContain('receipt to be acknowledged by Wed, 25 Nov 2026, 10:00');
    e.do({ type: 'acknowledge', actor: actorOf(e.s.current!.receiver), note: 'Received; mediation within ten days.' });
    const after = responseView(e.s, e.events);
    expect(after.data).not.toHaveProperty('acknowledgeBy');
    expect(card(after).text).not.toContain('Acknowledge by');
    expect(caseStateLine(e.s)).not.toContain('acknowledged by');
  });
});

describe('the Chair’s referral (BSCB Stage 4)', () => {
  function atStage4() {
    const d = new CaseDriver(new Date(START));
    openCase(d, bscb);
    reachStage(d, bscb, 4);
    return d;
  }

  it('offers mediation or a panel chosen from the directory’s agencies, the disputing ones preselected, with the rule quoted', () => {
    const d = atStage4();
    const view = bindingRouteView(d.s, AGENCIES)!;
    expect(view.card).toBe('binding-route');
    if (view.card !== 'binding-route') return;
    expect(view.data.routes.map((r) => r.value)).toEqual(['mediation', 'resolution-panel']);
    expect(view.data.preselected).toBe('health,police');
    expect(view.data.panelRule).toBe(`A panel of 3 member agencies, including ${d.s.escalatingAgency.name} and ${d.s.receivingAgency.name}.`);
    expect(view.data.panelSource).toMatch(/^The Panel must consist of representatives of three agencies/);
    const c = card(view);
    const panel = c.inputs.find((i) => i.id === 'panelAgencies')!;
    expect(panel).toMatchObject({ type: 'Input.ChoiceSet', isMultiSelect: true, value: 'health,police' });
    expect((panel.choices as Node[]).map((o) => o.value)).toEqual(['health', 'police', 'school', 'csc']);
    expect(c.actions.map((a) => a.verb)).toEqual(['binding.route']);
    // Not before Stage 4, and not once chosen.
    expect(bindingRouteView(stage1().s, AGENCIES)).toBeNull();
    d.do({ type: 'choose-binding-route', actor: actorOf(d.s.current!.receiver), route: 'mediation' });
    expect(bindingRouteView(d.s, AGENCIES)).toBeNull();
  });

  it('gives the Chair a response card to acknowledge on, without the agree or disagree of the earlier stages', () => {
    const chair = card(responseView(atStage4().s, []));
    expect(chair.actions.map((a) => a.verb)).toEqual(['card.refresh', 'stage.acknowledge']);
    expect(chair.inputs).toEqual([]);
    expect(chair.text).toContain('choose on the route card');
    const slack = messageOf(responseView(atStage4().s, []));
    expect(JSON.stringify(slack.blocks)).not.toContain('stage.respond');
    // Earlier stages are settled by a response, as before.
    expect(card(responseView(stage1().s, [])).actions.map((a) => a.verb)).toEqual(['card.refresh', 'stage.acknowledge', 'stage.respond']);
  });

  it('reads the chosen agencies from the directory, refusing one it does not list', () => {
    expect(panelAgenciesOf('health, police,school,police', AGENCIES)).toEqual({ ok: true, value: [AGENCIES[0], AGENCIES[1], AGENCIES[2]] });
    expect(panelAgenciesOf('health,elsewhere', AGENCIES)).toMatchObject({ ok: false });
    expect(panelAgenciesOf(undefined, AGENCIES)).toEqual({ ok: true, value: [] });
  });

  it('then asks for the decision, says it binds, and tells everyone taking part what was decided', () => {
    const d = atStage4();
    const chair = actorOf(d.s.current!.receiver);
    expect(bindingDecisionView(d.s)).toBeNull();
    const panel = panelAgenciesOf('health,police,school', AGENCIES);
    if (!panel.ok) throw new Error(panel.message);
    d.do({ type: 'choose-binding-route', actor: chair, route: 'resolution-panel', panelAgencies: panel.value });
    const view = bindingDecisionView(d.s)!;
    expect(view).toMatchObject({ card: 'binding-decision', data: { binding: true, panel: 'Health, Police, School', route: 'BSCB Resolution Panel (decision final and binding)' } });
    const c = card(view);
    expect(c.inputs.map((i) => i.id)).toEqual(['decision', 'action1', 'owner1', 'due1', 'action2', 'owner2', 'due2', 'action3', 'owner3', 'due3', 'reviewDate']);
    expect(c.actions.map((a) => a.verb)).toEqual(['binding.decide']);
    expect(bindingNoticeView(d.s)).toBeNull();

    const typed = { decision: 'A strategy discussion will be held.', action1: 'Hold it', owner1: 'Police', due1: '2026-12-04', action2: '', owner2: '', due2: '' };
    d.do({ type: 'record-binding-decision', actor: chair, decision: typed.decision, actions: actionsOf(typed), reviewDate: '2026-12-11' });
    const told = bindingNoticeView(d.s)!;
    expect(told.card).toBe('notice');
    if (told.card !== 'notice') return;
    expect(told.data.title).toBe(`Case ${d.s.ref}: the Chair's decision`);
    expect(told.data.text).toContain('a resolution panel (Health, Police, School)');
    expect(told.data.text).toContain('A strategy discussion will be held.');
    expect(told.data.text).toContain('BSCB Resolution Panel (decision final and binding): this decision is final and binding on the agencies concerned.');
    expect(told.data.text).toContain('- Hold it (Police, by 2026-12-04)');
    expect(told.data.text).toContain('checked on 2026-12-11');
  });
});

describe('outcome steps', () => {
  it('offers the stage’s own steps, e.g. Derby Stage 4’s child protection conference, and none where the stage has none', () => {
    const d = new CaseDriver(new Date(START));
    openCase(d, derby);
    reachStage(d, derby, 4);
    const view = outcomeStepView(d.s)!;
    expect(view.card).toBe('outcome-step');
    if (view.card !== 'outcome-step') return;
    expect(view.data.outcomes.map((o) => o.value)).toEqual(['child-protection-conference-considered']);
    const c = card(view);
    expect(c.inputs.map((i) => i.id)).toEqual(['outcome', 'note']);
    expect(c.actions.map((a) => a.verb)).toEqual(['outcome.record']);
    // The command built from the card's inputs is one the domain takes from either side.
    d.do({ type: 'record-outcome-step', actor: actorOf(d.s.current!.raiser), outcome: 'child-protection-conference-considered', note: 'A conference will be convened.' });
    expect(outcomeStepView(stage1().s)).toBeNull();
  });
});

describe('the check back and the debrief', () => {
  function agreed() {
    const d = stage1();
    const receiver = actorOf(d.s.current!.receiver);
    d.do({ type: 'respond', actor: receiver, position: 'agree', rationale: '' });
    d.do({
      type: 'propose-resolution',
      actor: actor('team-manager', 'health'),
      summary: 'Strategy discussion to be held.',
      actions: [
        { description: 'Hold a strategy discussion', owner: 'Police', due: '2026-11-27' },
        { description: 'Share the plan', owner: 'Health', due: '2026-11-30' },
      ],
      reviewDate: '2026-12-04',
    });
    d.do({ type: 'confirm-resolution', actor: receiver });
    return d.at('2026-12-04T09:30:00Z');
  }

  it('asks done or not done for each agreed action; the answers build the command', () => {
    const d = agreed();
    const view = reviewView(d.s)!;
    expect(view).toMatchObject({ card: 'review', data: { reviewDate: '2026-12-04', actions: [{ n: 1, description: 'Hold a strategy discussion' }, { n: 2, description: 'Share the plan' }] } });
    const c = card(view);
    expect(c.inputs.map((i) => i.id)).toEqual(['done1', 'done2', 'notes']);
    expect((c.inputs[0]!.choices as Node[]).map((o) => o.value)).toEqual(['done', 'not-done']);
    expect(c.actions.map((a) => a.verb)).toEqual(['review.record']);
    expect(doneFlagsOf({ done1: 'done' }, 2)).toEqual({ ok: false, message: 'Say whether agreed action 2 was done.' });
    const flags = doneFlagsOf({ done1: 'done', done2: 'not-done' }, 2);
    expect(flags).toEqual({ ok: true, value: [true, false] });
    if (!flags.ok) return;
    d.do({ type: 'review-actions', actor: actorOf(practitioner()), done: flags.value, notes: 'The plan was not shared.' });
    expect(reviewView(d.s)).toBeNull(); // the stage is open again
  });

  it('offers a debrief once closed, with the procedure’s words on learning', () => {
    const d = agreed();
    expect(debriefView(d.s)).toBeNull();
    d.do({ type: 'review-actions', actor: actorOf(practitioner()), done: [true, true], notes: '' });
    const view = debriefView(d.s)!;
    expect(view).toMatchObject({ card: 'debrief', data: { outcome: 'resolved', closedAt: 'Fri, 4 Dec 2026, 09:30' } });
    if (view.card !== 'debrief') return;
    expect(view.data.learningNote).toContain('to inform future learning');
    const c = card(view);
    expect(c.inputs.map((i) => i.id)).toEqual(['wentWell', 'learning']);
    expect(c.actions.map((a) => a.verb)).toEqual(['debrief.record']);
    d.do({ type: 'record-debrief', actor: actorOf(practitioner()), notes: 'Early contact helped.', learning: 'Share plans with schools sooner.' });
  });
});
