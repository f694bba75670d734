/** The rules of the escalation core, shown on the BSCB procedure. */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { CaseDriver } from '../support/case-driver.js';
import { SCHEDULER, actor, actorOf, participant } from '../support/people.js';
import { escalateTo, openCase, openCaseCommand, partiesFor, practitioner, reachStage, respondDisagree } from '../support/walk.js';

let bscb: Policy;
beforeAll(async () => {
  bscb = (await loadPolicyCatalog()).get('bscb')!;
});

const teamManager = () => actor('team-manager', 'health');
const stage1Parties = () => partiesFor(bscb.stages[0]!);

function stage1Case(at = '2026-11-23T10:00:00Z') {
  const d = new CaseDriver(new Date(at));
  openCase(d, bscb);
  d.do({ type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: 'Please raise it.', approver: participant('team-manager', 'health') });
  d.do({ type: 'approve-escalation', actor: teamManager(), parties: stage1Parties() });
  return d;
}

describe('opening a case', () => {
  it('pins the policy id, version and the whole policy on the case', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    const opened = d.events[0]!;
    expect(opened.type).toBe('case-opened');
    if (opened.type !== 'case-opened') return;
    expect(opened.data.policyId).toBe('bscb');
    expect(opened.data.policyVersion).toBe(bscb.version);
    expect(opened.data.policy).toEqual(bscb);
    expect(opened.actor).toMatchObject({ kind: 'person', personId: practitioner().personId, role: 'practitioner', agencyId: 'health' });
  });

  it('refuses bad intake and records nothing', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    const base = openCaseCommand(bscb);
    expect(d.refuses({ ...base, receivingAgency: { id: 'health', name: 'Health' } }, 'invalid')).toMatch(/different agency/);
    expect(d.refuses({ ...base, intake: { ...base.intake, areaId: 'nonsense' } }, 'invalid')).toMatch(/not one of the areas/);
    const firstCheck = bscb.preEscalationChecks[0]!;
    expect(d.refuses({ ...base, intake: { ...base.intake, checks: { ...base.intake.checks, [firstCheck.id]: false } } }, 'invalid')).toContain(firstCheck.question);
    expect(d.refuses({ ...base, intake: { ...base.intake, childRecordRef: '  ' } }, 'invalid')).toMatch(/case reference/);
    // BSCB lets the supervisor/team manager record it for the professional; nobody else.
    expect(d.refuses({ ...base, actor: actor('senior-manager', 'health') }, 'not-allowed')).toMatch(/practitioner who raises the concern, or for them by their supervisor/);
    expect(d.refuses({ ...base, actor: actor('team-manager', 'police') }, 'not-allowed')).toMatch(/practitioner/);
    expect(d.state).toBeNull();
  });
});

describe('Stage 1 approval', () => {
  it('needs the team manager: the practitioner cannot approve their own escalation', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    expect(d.do({ type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: '', approver: participant('team-manager', 'health') })).toEqual(['escalation-requested']);
    expect(d.s.phase).toBe('awaiting-approval');
    const own = { ...stage1Parties(), raiser: practitioner() };
    expect(d.refuses({ type: 'approve-escalation', actor: actorOf(practitioner()), parties: own }, 'not-allowed')).toMatch(/asked for yourself/);
    expect(d.refuses({ type: 'approve-escalation', actor: actor('team-manager', 'police'), parties: stage1Parties() }, 'not-allowed')).toMatch(/own escalation/);
    // Only the person asked approves: not another role, and not a colleague in the same role.
    expect(d.refuses({ type: 'approve-escalation', actor: actor('board-chair', 'health'), parties: stage1Parties() }, 'not-allowed')).toMatch(/was asked to approve/);
    expect(d.refuses({ type: 'approve-escalation', actor: actor('team-manager', 'health', 2), parties: stage1Parties() }, 'not-allowed')).toMatch(/was asked to approve/);
    expect(d.do({ type: 'approve-escalation', actor: teamManager(), parties: stage1Parties() })).toEqual(['stage-opened']);
    expect(d.s.current).toMatchObject({ number: 1, raiser: { role: 'team-manager', agencyId: 'health' }, receiver: { role: 'team-manager', agencyId: 'police' } });
  });

  it('can be returned with a comment, or resolved within the agency', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    d.do({ type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: '', approver: participant('team-manager', 'health') });
    d.refuses({ type: 'return-escalation', actor: teamManager(), comment: ' ' }, 'invalid');
    d.do({ type: 'return-escalation', actor: teamManager(), comment: 'Add the strategy meeting minutes first.' });
    expect(d.s.phase).toBe('ready');
    d.do({ type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: 'Minutes attached.', approver: participant('team-manager', 'health') });
    d.do({ type: 'resolve-within-agency', actor: teamManager(), summary: 'Our named nurse will follow it up.' });
    expect(d.s.phase).toBe('closed');
    expect(d.s.outcome).toBe('resolved-within-agency');
  });
});

describe('deadlines', () => {
  it('counts Stage 1 in working days over Christmas', () => {
    const d = stage1Case('2026-12-24T15:00:00Z');
    expect(d.s.current!.responseDue).toBe('2026-12-29T15:00:00.000Z');
  });

  it('refuses to escalate before the deadline, records a lapse once, then allows escalation', () => {
    const d = stage1Case('2026-11-23T10:00:00Z');
    const due = d.s.current!.responseDue!;
    expect(due).toBe('2026-11-24T10:00:00.000Z');
    const ask = { type: 'request-escalation' as const, actor: teamManager(), toStage: 2, reason: 'no-response' as const, note: '', approver: participant('senior-manager', 'health') };
    expect(d.refuses(ask, 'too-early')).toMatch(/has until/);
    d.refuses({ type: 'mark-deadline-lapsed', actor: SCHEDULER, which: 'response', due }, 'too-early');
    d.refuses({ type: 'mark-deadline-lapsed', actor: teamManager(), which: 'response', due }, 'not-allowed');
    d.at('2026-11-24T10:00:01Z');
    expect(d.do({ type: 'mark-deadline-lapsed', actor: SCHEDULER, which: 'response', due })).toEqual(['deadline-lapsed']);
    const lapse = d.events.at(-1)!;
    expect(lapse.data).toEqual({ which: 'response', due, suggestedStage: 2 });
    expect(lapse.stage).toBe(1);
    // The job fires again (a retry, a second worker): nothing more is recorded.
    expect(d.do({ type: 'mark-deadline-lapsed', actor: SCHEDULER, which: 'response', due })).toEqual([]);
    // A job for a due date the case no longer has records nothing.
    expect(d.do({ type: 'mark-deadline-lapsed', actor: SCHEDULER, which: 'response', due: '2026-11-20T10:00:00.000Z' })).toEqual([]);
    expect(d.do(ask)).toEqual(['escalation-requested']);
  });

  it('moves the due date for more time only when the escalating side accepts', () => {
    const d = stage1Case('2026-11-23T10:00:00Z');
    const receiver = actorOf(d.s.current!.receiver);
    const originalDue = d.s.current!.responseDue!;
    d.refuses({ type: 'respond', actor: receiver, position: 'more-time', rationale: 'Awaiting the GP.' }, 'invalid');
    d.do({ type: 'respond', actor: receiver, position: 'more-time', rationale: 'Awaiting the GP.', proposedDue: '2026-11-27T17:00:00Z' });
    expect(d.s.current!.responseDue).toBe(originalDue);
    d.refuses({ type: 'accept-extension', actor: receiver }, 'not-allowed');
    d.do({ type: 'accept-extension', actor: teamManager() });
    expect(d.s.current!.responseDue).toBe('2026-11-27T17:00:00.000Z');
    d.at('2026-11-25T09:00:00Z');
    // The old deadline's job finds the due date has moved and does nothing.
    expect(d.do({ type: 'mark-deadline-lapsed', actor: SCHEDULER, which: 'response', due: originalDue })).toEqual([]);
    d.refuses({ type: 'request-escalation', actor: teamManager(), toStage: 2, reason: 'no-response', note: '' }, 'too-early');
  });

  it('lets the raiser ask for an earlier response, never a later one', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    d.do({ type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: '', approver: participant('team-manager', 'health') });
    d.refuses({ type: 'approve-escalation', actor: teamManager(), parties: stage1Parties(), requestedDue: '2026-11-25T10:00:00Z' }, 'invalid');
    d.do({ type: 'approve-escalation', actor: teamManager(), parties: stage1Parties(), requestedDue: '2026-11-23T16:00:00Z' });
    expect(d.s.current!.responseDue).toBe('2026-11-23T16:00:00.000Z');
  });
});

describe('Stage 3 and Stage 4', () => {
  it('informs the Board business manager and issues the monitoring form from Stage 3 on', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    reachStage(d, bscb, 2);
    expect(d.events.filter((e) => e.type === 'stage-opened').map((e) => (e.type === 'stage-opened' ? e.data.forms : []))).toEqual([[], []]);
    respondDisagree(d, bscb);
    escalateTo(d, bscb, 3);
    const opened = d.events.at(-1)!;
    if (opened.type !== 'stage-opened') throw new Error('expected stage-opened');
    expect(opened.data.informed.map((p) => p.role)).toContain('board-business-manager');
    expect(opened.data.forms.length).toBeGreaterThan(0);
    expect(opened.data.responseDue).toBe('2026-11-30T10:00:00.000Z'); // 5 working days
    respondDisagree(d, bscb);
    escalateTo(d, bscb, 4);
    const s4 = d.events.at(-1)!;
    if (s4.type !== 'stage-opened') throw new Error('expected stage-opened');
    expect(s4.data.forms).toEqual(opened.data.forms);
    expect(s4.data.acknowledgementDue).toBe('2026-11-25T10:00:00.000Z'); // 2 working days
    expect(d.s.current!.receiver.role).toBe('board-chair');
  });

  it('convenes a resolution panel of three member agencies including those in dispute; its decision binds', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    reachStage(d, bscb, 4);
    const chair = actorOf(d.s.current!.receiver);
    const health = { id: 'health', name: 'Health' };
    const police = { id: 'police', name: 'Police' };
    const school = { id: 'school', name: 'School' };
    const csc = { id: 'csc', name: 'CSC' };
    const choose = (panelAgencies: { id: string; name: string }[]) => ({ type: 'choose-binding-route' as const, actor: chair, route: 'resolution-panel' as const, panelAgencies });
    expect(d.refuses(choose([health, police]), 'invalid')).toMatch(/at least 3/);
    expect(d.refuses(choose([health, school, csc]), 'invalid')).toMatch(/agencies in the dispute/);
    d.refuses({ ...choose([health, police, school]), actor: teamManager() }, 'not-allowed');
    d.do(choose([health, police, school]));
    d.refuses({ type: 'propose-resolution', actor: teamManager(), summary: 'x', actions: [] }, 'wrong-phase');
    d.refuses({ type: 'record-binding-decision', actor: actor('board-member', 'police'), decision: 'x', actions: [] }, 'not-allowed');
    d.do({ type: 'record-binding-decision', actor: chair, decision: 'A strategy discussion will be held.', actions: [] });
    expect(d.s.phase).toBe('resolved');
    d.do({ type: 'close', actor: actorOf(practitioner()), summary: '' });
    expect(d.s.outcome).toBe('binding-decision');
  });
});

describe('resolution', () => {
  it('cannot be confirmed by the receiving agency on behalf of the escalating agency', () => {
    const d = stage1Case();
    const receiver = actorOf(d.s.current!.receiver);
    d.do({ type: 'propose-resolution', actor: receiver, summary: 'We will re-open the referral.', actions: [], reviewDate: '2026-12-01' });
    expect(d.refuses({ type: 'confirm-resolution', actor: receiver }, 'not-allowed')).toMatch(/escalating side must confirm/);
    // A colleague covering the same role in the receiving agency is still the receiving side.
    d.refuses({ type: 'confirm-resolution', actor: actor('team-manager', 'police', 2) }, 'not-allowed');
    d.refuses({ type: 'confirm-resolution', actor: actor('team-manager', 'school') }, 'not-allowed');
    d.do({ type: 'confirm-resolution', actor: teamManager() });
    expect(d.s.agreed).toMatchObject({ side: 'receiving', reviewDate: '2026-12-01' });
  });

  it('validates agreed actions and the review date', () => {
    const d = stage1Case();
    const raiser = teamManager();
    d.refuses({ type: 'propose-resolution', actor: raiser, summary: 'ok', actions: [{ description: 'x', owner: '', due: '2026-12-01' }] }, 'invalid');
    d.refuses({ type: 'propose-resolution', actor: raiser, summary: 'ok', actions: [{ description: 'x', owner: 'y', due: 'next week' }] }, 'invalid');
    d.refuses({ type: 'propose-resolution', actor: raiser, summary: 'ok', actions: [], reviewDate: '2020-01-01' }, 'invalid');
    d.refuses({ type: 'propose-resolution', actor: actor('team-manager', 'school'), summary: 'ok', actions: [] }, 'not-allowed');
  });
});

describe('the thread', () => {
  it('takes messages from participants only', () => {
    const d = stage1Case();
    d.do({ type: 'post-message', actor: actorOf(d.s.current!.receiver), text: 'Can we speak at 2pm?' });
    d.refuses({ type: 'post-message', actor: actor('team-manager', 'school'), text: 'Hello' }, 'not-allowed');
    d.refuses({ type: 'post-message', actor: teamManager(), text: '   ' }, 'invalid');
    d.refuses({ type: 'post-message', actor: teamManager(), text: 'x'.repeat(4001) }, 'invalid');
    expect(d.s.participantIds).toEqual(expect.arrayContaining([practitioner().personId, participant('team-manager', 'police').personId]));
  });

  it('records actor, time and stage on every event', () => {
    const d = stage1Case();
    for (const e of d.events) {
      expect(e.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(e.actor.kind).toBe('person');
      expect(e).toHaveProperty('stage');
    }
    expect(d.events.at(-1)!.stage).toBe(1);
  });
});
