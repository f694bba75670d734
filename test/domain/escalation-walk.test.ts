/**
 * Every built-in policy walked from intake to each exit: resolved at each stage, the last stage
 * reached, the urgent route, an informal resolution and withdrawal.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { complete, type IntakeContext } from '../../src/domain/intake.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { CaseDriver } from '../support/case-driver.js';
import { actorOf } from '../support/people.js';
import { escalateTo, openCase, practitioner, reachStage, receiverOf, RECEIVING } from '../support/walk.js';

const IDS = ['bscb', 'sefton', 'croydon', 'worcestershire', 'derby'];
const policies = new Map<string, Policy>();
beforeAll(async () => {
  const catalog = await loadPolicyCatalog();
  for (const id of IDS) policies.set(id, catalog.get(id)!);
});
const START = '2026-11-23T10:00:00Z'; // a Monday

describe.each(IDS)('policy %s', (id) => {
  const policy = () => policies.get(id)!;

  it('is built in', () => {
    expect(policy()).toBeDefined();
    expect(policy().id).toBe(id);
  });

  it('resolves at every stage, with agreed actions checked back before closing', () => {
    for (const stage of policy().stages) {
      const d = new CaseDriver(new Date(START));
      openCase(d, policy());
      reachStage(d, policy(), stage.number);
      const raiser = actorOf(d.s.current!.raiser);
      const receiver = actorOf(d.s.current!.receiver);
      const resolvable = stage.outcomes.some((o) => o.type === 'resolved');
      if (resolvable) {
        d.do({ type: 'respond', actor: receiver, position: 'agree', rationale: '' });
        d.do({
          type: 'propose-resolution',
          actor: raiser,
          summary: 'Strategy discussion to be held.',
          actions: [{ description: 'Hold a strategy discussion', owner: d.s.current!.receiver.name, due: '2026-12-04' }],
          reviewDate: '2026-12-11',
        });
        // The side that proposed cannot also confirm for the other side.
        d.refuses({ type: 'confirm-resolution', actor: raiser }, 'not-allowed');
        d.do({ type: 'confirm-resolution', actor: receiver });
      } else {
        const binding = stage.outcomes.find((o) => o.binding)!;
        const route = binding.type as 'mediation' | 'resolution-panel';
        d.do({ type: 'choose-binding-route', actor: receiver, route, panelAgencies: [] });
        d.do({ type: 'record-binding-decision', actor: receiver, decision: 'Decided.', actions: [{ description: 'Act', owner: 'Police', due: '2026-12-04' }], reviewDate: '2026-12-11' });
      }
      expect(d.s.phase).toBe('resolved');
      d.refuses({ type: 'close', actor: raiser, summary: '' }, 'wrong-phase');
      d.do({ type: 'review-actions', actor: receiver, done: [true], notes: 'Held on 3 December.' });
      expect(d.s.phase).toBe('closed');
      expect(d.s.outcome).toBe(resolvable ? 'resolved' : 'binding-decision');
      d.do({ type: 'record-debrief', actor: actorOf(practitioner()), notes: 'Worked well.', learning: '' });
      expect(d.s.history.map((h) => h.number)).toEqual(policy().stages.slice(0, stage.number).map((s) => s.number));
    }
  });

  it('reaches the last stage and can go no higher', () => {
    const d = new CaseDriver(new Date(START));
    openCase(d, policy());
    const last = policy().stages.length;
    reachStage(d, policy(), last);
    expect(d.s.current!.number).toBe(last);
    const lastStage = policy().stages[last - 1]!;
    if (lastStage.acknowledgement) d.do({ type: 'acknowledge', actor: actorOf(d.s.current!.receiver), note: '' });
    d.do({ type: 'respond', actor: actorOf(d.s.current!.receiver), position: 'disagree', rationale: 'No.' });
    const msg = d.refuses({ type: 'request-escalation', actor: actorOf(d.s.current!.raiser), toStage: last + 1, reason: 'not-resolved', note: '' }, 'invalid');
    expect(msg).toMatch(/last stage/);
  });

  it('takes the urgent route', () => {
    const p = policy();
    const ctx: IntakeContext = { otherAgencies: [{ value: RECEIVING, label: 'County Police' }] };
    if (!p.urgentRoute.opensCase) {
      const done = complete(p, ctx, { 'immediate-risk': true });
      expect(done).toEqual({ kind: 'urgent-guidance', guidance: p.urgentRoute.guidance, contacts: p.urgentRoute.contacts });
      expect(p.urgentRoute.contacts).toEqual(expect.arrayContaining(['childrens-social-care', 'police']));
      const d = new CaseDriver(new Date(START));
      expect(() => openCase(d, p, { urgent: true })).toThrow(/the walk ends with guidance/);
      // And the core refuses an urgent case under such a policy even if a channel asked for one.
      const prac = practitioner();
      const msg = d.refuses({
        type: 'open-case',
        actor: actorOf(prac),
        ref: 'RES-URGENT',
        policy: p,
        practitioner: prac,
        escalatingAgency: { id: prac.agencyId, name: prac.agencyName },
        receivingAgency: { id: RECEIVING, name: 'County Police' },
        urgent: true,
        intake: { checks: {}, discussedWithOtherProfessional: true, decisionChallenged: 'x', areaId: p.areasOfDisagreement[0]!.id, aim: 'x', childRecordRef: 'HLT-1', reflections: {} },
      }, 'invalid');
      expect(msg).toContain(p.urgentRoute.guidance);
      return;
    }
    const d = new CaseDriver(new Date(START));
    openCase(d, p, { urgent: true });
    expect(d.s.urgent).toBe(true);
    const top = p.urgentRoute.maxStartStage;
    escalateTo(d, p, top, 'urgent');
    expect(d.s.history.map((h) => h.number)).toEqual([top]);
    // An urgent case may escalate again without waiting for the deadline.
    if (top < p.stages.length) escalateTo(d, p, top + 1, 'urgent');
  });

  it('is withdrawn by the escalating side', () => {
    const d = new CaseDriver(new Date(START));
    openCase(d, policy());
    escalateTo(d, policy(), 1);
    d.refuses({ type: 'withdraw', actor: actorOf(receiverOf(policy().stages[0]!)), reason: 'x' }, 'not-allowed');
    d.do({ type: 'withdraw', actor: actorOf(practitioner()), reason: 'New information: the child is safe.' });
    expect(d.s.outcome).toBe('withdrawn');
    d.refuses({ type: 'post-message', actor: actorOf(practitioner()), text: 'hello' }, 'wrong-phase');
  });

  it('is resolved informally before Stage 1 when the professionals have not yet talked', () => {
    const d = new CaseDriver(new Date(START));
    openCase(d, policy(), { discussed: false });
    if (!policy().informalAttempt) {
      expect(d.s.phase).toBe('ready');
      return;
    }
    expect(d.s.phase).toBe('informal');
    d.refuses({ type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: '' }, 'wrong-phase');
    d.do({ type: 'record-informal-attempt', actor: actorOf(practitioner()), resolved: true, summary: 'Talked it through.' });
    expect(d.s.outcome).toBe('resolved-informally');
  });
});
