/** The rules of the escalation core, shown on the BSCB procedure. */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { evolve } from '../../src/domain/escalation/state.js';
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

describe('a quicker response date set by the raiser', () => {
  it('brings the due date forward while the stage is unanswered, only earlier and only where the procedure allows it', () => {
    const d = stage1Case('2026-11-23T10:00:00Z');
    const due = d.s.current!.responseDue!;
    const raiser = teamManager();
    const receiver = actorOf(d.s.current!.receiver);
    d.refuses({ type: 'set-quicker-due', actor: receiver, due: '2026-11-23T15:00:00Z' }, 'not-allowed');
    expect(d.refuses({ type: 'set-quicker-due', actor: raiser, due: '2026-11-25T10:00:00Z' }, 'invalid')).toBe('Stage 1 already has a response due by Tue 24 Nov 2026, 10:00; an earlier date can be set, never a later one.');
    expect(d.refuses({ type: 'set-quicker-due', actor: raiser, due: '2026-11-23T09:00:00Z' }, 'invalid')).toMatch(/in the future/);
    d.refuses({ type: 'set-quicker-due', actor: raiser, due: 'tomorrow' }, 'invalid');
    expect(d.do({ type: 'set-quicker-due', actor: raiser, due: '2026-11-23T15:00:00Z' })).toEqual(['response-due-brought-forward']);
    expect(d.events.at(-1)).toMatchObject({ data: { previousDue: due, newDue: '2026-11-23T15:00:00.000Z' } });
    expect(d.s.current!.responseDue).toBe('2026-11-23T15:00:00.000Z');
    // A request for more time waits for the raiser's answer first; after it the stage is still unanswered.
    d.do({ type: 'respond', actor: receiver, position: 'more-time', rationale: 'GP records.', proposedDue: '2026-11-24T17:00:00Z' });
    expect(d.refuses({ type: 'set-quicker-due', actor: raiser, due: '2026-11-23T14:00:00Z' }, 'wrong-phase')).toMatch(/request for more time/);
    d.do({ type: 'accept-extension', actor: raiser });
    d.do({ type: 'set-quicker-due', actor: raiser, due: '2026-11-24T12:00:00Z' });
    expect(d.s.current!.responseDue).toBe('2026-11-24T12:00:00.000Z');
    // Once answered there is nothing left to hurry.
    d.do({ type: 'respond', actor: receiver, position: 'disagree', rationale: 'The decision stands.' });
    d.refuses({ type: 'set-quicker-due', actor: raiser, due: '2026-11-23T14:00:00Z' }, 'already-done');
  });

  it('is refused at a stage with no fixed timescale (BSCB Stage 4: the Chair sets it)', () => {
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(d, bscb);
    reachStage(d, bscb, 4);
    expect(d.refuses({ type: 'set-quicker-due', actor: actorOf(d.s.current!.raiser), due: '2026-11-24T10:00:00Z' }, 'invalid')).toMatch(/cannot be set here/);
  });
});

describe('checking back on the agreed actions', () => {
  const agreedCase = () => {
    const d = stage1Case('2026-11-23T10:00:00Z');
    const receiver = actorOf(d.s.current!.receiver);
    d.do({ type: 'respond', actor: receiver, position: 'agree', rationale: '' });
    d.do({
      type: 'propose-resolution',
      actor: teamManager(),
      summary: 'Strategy discussion to be held.',
      actions: [
        { description: 'Hold a strategy discussion', owner: 'Police', due: '2026-11-27' },
        { description: 'Share the plan', owner: 'Health', due: '2026-11-30' },
      ],
      reviewDate: '2026-12-04',
    });
    d.do({ type: 'confirm-resolution', actor: receiver });
    d.at('2026-12-04T09:30:00Z');
    return d;
  };

  it('closes the case when every action was done', () => {
    const d = agreedCase();
    expect(d.refuses({ type: 'review-actions', actor: teamManager(), done: [true], notes: '' }, 'invalid')).toMatch(/each of the 2 agreed actions/);
    expect(d.do({ type: 'review-actions', actor: teamManager(), done: [true, true], notes: 'Both done.' })).toEqual(['actions-reviewed', 'case-closed']);
    expect(d.events.at(-2)).toMatchObject({ data: { implemented: true, results: [{ description: 'Hold a strategy discussion', done: true }, { description: 'Share the plan', done: true }] } });
    expect(d.s.phase).toBe('closed');
    expect(d.s.outcome).toBe('resolved');
  });

  it('reopens the stage when an action was not done, so the sides agree again or the escalating side asks for the next stage', () => {
    const d = agreedCase();
    expect(d.refuses({ type: 'review-actions', actor: teamManager(), done: [true, false], notes: ' ' }, 'invalid')).toMatch(/what was not done/);
    expect(d.do({ type: 'review-actions', actor: teamManager(), done: [true, false], notes: 'The plan was not shared.' })).toEqual(['actions-reviewed']);
    expect(d.s.phase).toBe('stage-open');
    expect(d.s.agreed).toBeNull();
    d.refuses({ type: 'close', actor: teamManager(), summary: '' }, 'wrong-phase');
    expect(d.do({ type: 'request-escalation', actor: teamManager(), toStage: 2, reason: 'not-resolved', note: 'Actions not carried out.', approver: participant('senior-manager', 'health') })).toEqual(['escalation-requested']);
  });

  it('still folds a review recorded before each action was marked (implemented only): the case stays resolved', () => {
    const d = agreedCase();
    const old = { type: 'actions-reviewed', at: '2026-12-04T09:30:00.000Z', actor: teamManager(), stage: 1, data: { implemented: false, notes: 'Not yet.' } } as const;
    const s = evolve(d.s, old);
    expect(s.phase).toBe('resolved');
    expect(s.actionsReviewed).toBe(false);
    expect(evolve(d.s, { ...old, data: { implemented: true, notes: 'Done.' } }).actionsReviewed).toBe(true);
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
    // "representatives of three agencies ... to include those agencies involved in the dispute":
    // three, not at least three, and the two in dispute among them.
    expect(d.refuses(choose([health, police]), 'invalid')).toMatch(/of 3 member agencies; 2 chosen/);
    expect(d.refuses(choose([health, police, school, csc]), 'invalid')).toMatch(/of 3 member agencies; 4 chosen/);
    expect(d.refuses(choose([health, police, police]), 'invalid')).toMatch(/2 chosen/);
    expect(d.refuses(choose([health, school, csc]), 'invalid')).toMatch(/agencies in the dispute/);
    d.refuses({ ...choose([health, police, school]), actor: teamManager() }, 'not-allowed');
    // Mediation takes no panel: agencies sent with it (a card's preselection) are not recorded.
    const mediation = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    openCase(mediation, bscb);
    reachStage(mediation, bscb, 4);
    mediation.do({ type: 'choose-binding-route', actor: actorOf(mediation.s.current!.receiver), route: 'mediation', panelAgencies: [health, police] });
    expect(mediation.s.current!.bindingRoute).toEqual({ route: 'mediation', panelAgencies: [] });
    d.do(choose([health, police, school]));
    d.refuses({ type: 'propose-resolution', actor: teamManager(), summary: 'x', actions: [] }, 'wrong-phase');
    d.refuses({ type: 'record-binding-decision', actor: actor('board-member', 'police'), decision: 'x', actions: [] }, 'not-allowed');
    d.do({ type: 'record-binding-decision', actor: chair, decision: 'A strategy discussion will be held.', actions: [] });
    expect(d.s.phase).toBe('resolved');
    expect(d.events.at(-1)).toMatchObject({ type: 'binding-decision-recorded', data: { route: 'resolution-panel', binding: true } });
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
