/**
 * The domain's rules on who may act: the person a step is for, never a colleague who merely holds
 * the same role; cover only by a recorded hand-over (by the person, their line manager, or their
 * deputy while they are away); one response per stage.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import type { HandOverFrom } from '../../src/domain/escalation/commands.js';
import type { Participant } from '../../src/domain/matching.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { evolve } from '../../src/domain/escalation/state.js';
import { CaseDriver } from '../support/case-driver.js';
import { actor, actorOf, participant } from '../support/people.js';
import { escalateTo, openCase, practitioner } from '../support/walk.js';

let bscb: Policy;
beforeAll(async () => {
  bscb = (await loadPolicyCatalog()).get('bscb')!;
});

const receiver = () => participant('team-manager', 'police');
const colleague = () => participant('team-manager', 'police', 2);
const raiser = () => participant('team-manager', 'health');

function stage1(): CaseDriver {
  const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
  openCase(d, bscb);
  escalateTo(d, bscb, 1);
  return d;
}

const from = (p: Participant, over: Partial<HandOverFrom> = {}): HandOverFrom => ({ participant: p, lineManagerId: null, deputyId: null, available: true, ...over });

describe('who may act at a stage', () => {
  it('is the receiver in person: a same-role colleague in the same agency records nothing', () => {
    const d = stage1();
    const c = actorOf(colleague());
    expect(d.refuses({ type: 'acknowledge', actor: c, note: '' }, 'not-allowed')).toMatch(/^Only .+ can acknowledge this\.$/);
    d.refuses({ type: 'respond', actor: c, position: 'agree', rationale: '' }, 'not-allowed');
    d.refuses({ type: 'propose-resolution', actor: c, summary: 'Done.', actions: [] }, 'not-allowed');
    d.refuses({ type: 'post-message', actor: c, text: 'hello' }, 'not-allowed');
    d.do({ type: 'propose-resolution', actor: actorOf(raiser()), summary: 'Re-open the referral.', actions: [] });
    d.refuses({ type: 'confirm-resolution', actor: c }, 'not-allowed');
    d.refuses({ type: 'reject-resolution', actor: c, comment: 'no' }, 'not-allowed');
    // And on the escalating side, a colleague of the raiser cannot confirm or accept for them.
    d.refuses({ type: 'confirm-resolution', actor: actor('team-manager', 'health', 2) }, 'not-allowed');
    d.do({ type: 'confirm-resolution', actor: actorOf(receiver()) });
  });

  it('takes one response per stage, and a second only after asking for more time', () => {
    const d = stage1();
    const r = actorOf(receiver());
    d.do({ type: 'respond', actor: r, position: 'more-time', rationale: 'Waiting for the strategy meeting.', proposedDue: '2026-11-27T17:00:00Z' });
    d.do({ type: 'respond', actor: r, position: 'disagree', rationale: 'We stand by it.' });
    expect(d.refuses({ type: 'respond', actor: r, position: 'agree', rationale: '' }, 'already-done')).toMatch(/already responded/);
    expect(d.events.filter((e) => e.type === 'response-given')).toHaveLength(2);
  });

  it('approval is the asked approver’s, not any manager’s at the agency', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    d.refuses({ type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: '' }, 'invalid');
    d.refuses({ type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: '', approver: receiver() }, 'invalid');
    d.do({ type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: '', approver: raiser() });
    expect(d.s.pendingEscalation?.approver?.personId).toBe(raiser().personId);
    d.refuses({ type: 'return-escalation', actor: actor('team-manager', 'health', 2), comment: 'No.' }, 'not-allowed');
    d.refuses({ type: 'resolve-within-agency', actor: actor('team-manager', 'health', 2), summary: 'Sorted.' }, 'not-allowed');
  });
});

describe('cases recorded before the approver was kept', () => {
  it('still take their approval from someone in the role, as they did', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    // An escalation-requested event as it was recorded before: no approver in its data.
    d.state = evolve(d.state, { type: 'escalation-requested', at: '2026-11-23T10:00:00.000Z', actor: actorOf(practitioner()), stage: null, data: { toStage: 1, reason: 'not-resolved', note: '' } });
    expect(d.s.pendingEscalation?.approver).toBeNull();
    d.refuses({ type: 'approve-escalation', actor: actor('board-chair', 'health'), parties: { raiser: participant('board-chair', 'health'), receiver: receiver(), informed: [] } }, 'not-allowed');
    d.do({ type: 'approve-escalation', actor: actorOf(raiser()), parties: { raiser: raiser(), receiver: receiver(), informed: [] } });
  });
});

describe('hand-over', () => {
  it('by the person themself: the new person acts, the old one no longer does, and reads on', () => {
    const d = stage1();
    expect(d.do({ type: 'hand-over', actor: actorOf(receiver()), from: from(receiver()), to: colleague(), note: 'On leave from tomorrow.' })).toEqual(['case-handed-over']);
    expect(d.events.at(-1)).toMatchObject({ type: 'case-handed-over', data: { from: { personId: receiver().personId }, to: { personId: colleague().personId }, parts: ['receiver'], by: 'self' } });
    expect(d.s.current!.receiver.personId).toBe(colleague().personId);
    expect(d.s.participantIds).toEqual(expect.arrayContaining([receiver().personId, colleague().personId]));
    d.refuses({ type: 'respond', actor: actorOf(receiver()), position: 'agree', rationale: '' }, 'not-allowed');
    d.do({ type: 'respond', actor: actorOf(colleague()), position: 'agree', rationale: '' });
    // Having handed over, they have no part left to hand over again.
    d.refuses({ type: 'hand-over', actor: actorOf(receiver()), from: from(receiver()), to: participant('senior-manager', 'police'), note: '' }, 'already-done');
  });

  it('by the line manager, or taken up by the deputy only while the person is away', () => {
    const manager = participant('senior-manager', 'police');
    const d = stage1();
    d.refuses({ type: 'hand-over', actor: actorOf(manager), from: from(receiver()), to: colleague(), note: '' }, 'not-allowed');
    d.do({ type: 'hand-over', actor: actorOf(manager), from: from(receiver(), { lineManagerId: manager.personId }), to: colleague(), note: '' });
    expect(d.events.at(-1)?.data).toMatchObject({ by: 'line-manager' });

    const e = stage1();
    const deputy = colleague();
    e.refuses({ type: 'hand-over', actor: actorOf(deputy), from: from(receiver(), { deputyId: deputy.personId, available: true }), to: deputy, note: '' }, 'not-allowed');
    e.refuses({ type: 'hand-over', actor: actorOf(deputy), from: from(receiver(), { deputyId: 'someone-else', available: false }), to: deputy, note: '' }, 'not-allowed');
    e.do({ type: 'hand-over', actor: actorOf(deputy), from: from(receiver(), { deputyId: deputy.personId, available: false }), to: deputy, note: '' });
    expect(e.events.at(-1)?.data).toMatchObject({ by: 'deputy', parts: ['receiver'] });
  });

  it('stays within the agency and never puts one person on both sides', () => {
    const d = stage1();
    const r = actorOf(receiver());
    d.refuses({ type: 'hand-over', actor: actorOf(colleague()), from: from(receiver()), to: colleague(), note: '' }, 'not-allowed');
    d.refuses({ type: 'hand-over', actor: r, from: from(receiver()), to: participant('team-manager', 'school'), note: '' }, 'invalid');
    d.refuses({ type: 'hand-over', actor: r, from: from(receiver()), to: receiver(), note: '' }, 'invalid');
    d.refuses({ type: 'hand-over', actor: actorOf(raiser()), from: from(raiser()), to: { ...receiver(), agencyId: 'health' }, note: '' }, 'invalid');
  });

  it('passes an approval waiting for someone to the person it is handed to', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    d.do({ type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: '', approver: raiser() });
    const other = participant('team-manager', 'health', 2);
    d.do({ type: 'hand-over', actor: actorOf(raiser()), from: from(raiser()), to: other, note: '' });
    expect(d.events.at(-1)?.data).toMatchObject({ parts: ['approver'] });
    d.refuses({ type: 'approve-escalation', actor: actorOf(raiser()), parties: { raiser: raiser(), receiver: receiver(), informed: [] } }, 'not-allowed');
    d.do({ type: 'approve-escalation', actor: actorOf(other), parties: { raiser: other, receiver: receiver(), informed: [] } });
    expect(d.s.current!.raiser.personId).toBe(other.personId);
  });
});
