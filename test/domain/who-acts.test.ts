/**
 * Who acts for a side when its own people cannot: an agency served by another agency's officer
 * (a GP practice by the health board's named GP), and an approver who is not the practitioner's
 * line manager. A small directory and policy are written here for the purpose.
 */
import { describe, expect, it } from '@jest/globals';
import { actorAs } from '../../src/app/escalations.js';
import type { z } from 'zod';
import { Directory, personById } from '../../src/domain/directory.js';
import { matchParties, participantOf, type Match } from '../../src/domain/matching.js';
import { answer, complete, nextStep, OWN_CONCERN, STEP, type Draft, type IntakeContext } from '../../src/domain/intake.js';
import { Policy } from '../../src/domain/policy/schema.js';
import { CaseDriver } from '../support/case-driver.js';

type DirectoryInput = z.input<typeof Directory>;
const dirInput = (extra: Partial<DirectoryInput['agencies'][number]> = {}): DirectoryInput => ({
    partnership: { id: 'p', name: 'Test partnership', policyId: 'test' },
    agencies: [
      { id: 'board', name: 'Board', kind: 'partnership' },
      { id: 'police', name: 'County Police', kind: 'police' },
      { id: 'gp', name: 'Hill Street Surgery', kind: 'health', ...extra },
      { id: 'icb', name: 'Health Board', kind: 'health' },
    ],
    people: [
      { id: 'gp-doc', name: 'Dr Ann Hale', agencyId: 'gp', roles: ['practitioner'], lineManagerId: 'gp-partner' },
      { id: 'gp-partner', name: 'Dr Ben Ford', agencyId: 'gp', roles: ['team-manager'] },
      { id: 'icb-named', name: 'Dr Cara Moss', agencyId: 'icb', roles: ['safeguarding-lead'] },
      { id: 'police-dsl', name: 'DI Dev Shah', agencyId: 'police', roles: ['safeguarding-lead'] },
      { id: 'police-tm', name: 'DS Eve Long', agencyId: 'police', roles: ['team-manager'] },
    ],
  });
const dir = (extra: Partial<DirectoryInput['agencies'][number]> = {}) => Directory.parse(dirInput(extra));

/** Stage 1 between the two agencies' safeguarding leads; Stage 2 between their team managers. */
const policy = Policy.parse({
  id: 'test',
  version: 1,
  name: 'Test procedure',
  partnership: 'Test partnership',
  document: 'test.txt',
  areasOfDisagreement: [{ id: 'risk', label: 'Risk', source: 'q' }],
  urgentRoute: { question: 'Immediate harm?', guidance: 'Call now.', contacts: ['police'], opensCase: false, source: 'q' },
  stages: [1, 2].map((n) => ({
    number: n,
    name: `Stage ${n}`,
    summary: 's',
    raisedBy: { roles: [n === 1 ? 'safeguarding-lead' : 'team-manager'], scope: 'escalating-agency', source: 'q' },
    receivedBy: { roles: [n === 1 ? 'safeguarding-lead' : 'team-manager'], scope: 'receiving-agency', source: 'q' },
    response: { kind: 'working-days', days: 2, source: 'q' },
    outcomes: [{ type: 'resolved', label: 'Resolved', source: 'q' }, ...(n === 1 ? [{ type: 'next-stage', label: 'Next', source: 'q' }] : [])],
    source: 'q',
  })),
});

const who = (m: Match) => (m.ok ? `${m.participant.personId} (${m.via})` : `none: ${m.reason}`);

function openGpCase(d: Directory): CaseDriver {
  const doc = personById(d, 'gp-doc')!;
  const driver = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
  driver.do({
    type: 'open-case',
    actor: actorAs(d, doc),
    ref: 'RES-1',
    policy,
    practitioner: participantOf(d, doc, 'practitioner'),
    escalatingAgency: { id: 'gp', name: 'Hill Street Surgery' },
    receivingAgency: { id: 'police', name: 'County Police' },
    urgent: false,
    intake: { checks: {}, discussedWithOtherProfessional: true, decisionChallenged: 'No further action', areaId: 'risk', aim: 'A strategy discussion', childRecordRef: 'GP-1', reflections: {} },
  });
  return driver;
}

describe('an agency served by another agency’s officer', () => {
  it('is matched to that officer where nobody at it holds the role, who acts for it', () => {
    const d = dir({ servedBy: 'icb' });
    const m = matchParties({ directory: d, stage: policy.stages[0]!, escalatingAgencyId: 'gp', receivingAgencyId: 'police', requesterId: 'gp-doc' });
    expect(who(m.raiser)).toBe('icb-named (served-by)');
    expect(m.raiser.ok && m.raiser.participant).toMatchObject({ agencyId: 'icb', forAgencyId: 'gp', agencyName: 'Health Board, for Hill Street Surgery' });
    expect(m.raiser.ok && m.raiser.note).toBe('Nobody at Hill Street Surgery holds the role Named / designated safeguarding lead, and it has no person with strategic responsibility for safeguarding; Dr Cara Moss (Health Board) acts for it, as Health Board serves Hill Street Surgery.');
  });

  it('is not matched elsewhere without it, and says so', () => {
    const m = matchParties({ directory: dir(), stage: policy.stages[0]!, escalatingAgencyId: 'gp', receivingAgencyId: 'police' });
    expect(who(m.raiser)).toMatch(/^none: Nobody at Hill Street Surgery holds the role/);
  });

  it('approves, raises and goes on for the agency it serves; nobody else from outside may', () => {
    const d = dir({ servedBy: 'icb' });
    const driver = openGpCase(d);
    const doc = personById(d, 'gp-doc')!;
    const m = matchParties({ directory: d, stage: policy.stages[0]!, escalatingAgencyId: 'gp', receivingAgencyId: 'police', requesterId: 'gp-doc' });
    if (!m.raiser.ok || !m.receiver.ok) throw new Error('no match');
    const parties = { raiser: m.raiser.participant, receiver: m.receiver.participant, informed: [] };
    driver.do({ type: 'request-escalation', actor: actorAs(d, doc, ['practitioner']), toStage: 1, reason: 'already-discussed', note: '', approver: m.raiser.participant });
    // A safeguarding lead at another agency, not asked and not serving the surgery, cannot approve.
    expect(driver.refuses({ type: 'approve-escalation', actor: actorAs(d, personById(d, 'police-dsl')!, ['safeguarding-lead']), parties }, 'not-allowed')).toMatch(/Only Hill Street Surgery can approve/);
    const named = actorAs(d, personById(d, 'icb-named')!, ['safeguarding-lead']);
    driver.do({ type: 'approve-escalation', actor: named, parties });
    expect(driver.s.current!.raiser).toMatchObject({ personId: 'icb-named', forAgencyId: 'gp' });
    driver.do({ type: 'respond', actor: actorAs(d, personById(d, 'police-dsl')!, ['safeguarding-lead']), position: 'disagree', rationale: 'No.' });
    // As the escalating side, the named GP asks for the next stage (the surgery's team manager raises it).
    const gpPartner = participantOf(d, personById(d, 'gp-partner')!, 'team-manager');
    expect(driver.do({ type: 'request-escalation', actor: named, toStage: 2, reason: 'not-resolved', note: '', approver: gpPartner })).toEqual(['escalation-requested']);
  });

  it('must name an agency of the directory, not itself', () => {
    const problems = (servedBy: string) => Directory.safeParse(dirInput({ servedBy })).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems('nowhere')).toEqual(['agencies.2.servedBy: no agency with id "nowhere"']);
    expect(problems('gp')).toEqual(['agencies.2.servedBy: an agency cannot be served by itself']);
  });
});

describe('an approver who is not the practitioner’s line manager', () => {
  it('is the person who raises the stage, asked and recorded; the line manager is not', () => {
    const d = dir({ servedBy: 'icb' });
    const driver = openGpCase(d);
    const doc = personById(d, 'gp-doc')!;
    const m = matchParties({ directory: d, stage: policy.stages[0]!, escalatingAgencyId: 'gp', receivingAgencyId: 'police', requesterId: 'gp-doc' });
    if (!m.raiser.ok || !m.receiver.ok) throw new Error('no match');
    // The practitioner's line manager holds no role that raises Stage 1; the named GP does.
    expect(doc.lineManagerId).toBe('gp-partner');
    driver.do({ type: 'request-escalation', actor: actorAs(d, doc, ['practitioner']), toStage: 1, reason: 'already-discussed', note: '', approver: m.raiser.participant });
    expect(driver.s.pendingEscalation!.approver).toMatchObject({ personId: 'icb-named' });
    const partner = actorAs(d, personById(d, 'gp-partner')!, ['team-manager']);
    expect(driver.refuses({ type: 'approve-escalation', actor: partner, parties: { raiser: participantOf(d, personById(d, 'gp-partner')!, 'team-manager'), receiver: m.receiver.participant, informed: [] } }, 'not-allowed')).toBe('Dr Cara Moss was asked to approve this.');
  });
});

describe('a concern recorded on a practitioner’s behalf', () => {
  const onBehalf = Policy.parse({ ...policy, raisedOnBehalf: { roles: ['team-manager'], source: 'q' } });
  const open = (d: Directory, by: string, p: Policy) => {
    const driver = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    const decision = driver.try({
      type: 'open-case',
      actor: actorAs(d, personById(d, by)!, ['team-manager', 'safeguarding-lead', 'practitioner']),
      ref: 'RES-1',
      policy: p,
      practitioner: participantOf(d, personById(d, 'gp-doc')!, 'practitioner'),
      escalatingAgency: { id: 'gp', name: 'Hill Street Surgery' },
      receivingAgency: { id: 'police', name: 'County Police' },
      urgent: false,
      intake: { checks: {}, discussedWithOtherProfessional: true, decisionChallenged: 'No further action', areaId: 'risk', aim: 'A strategy discussion', childRecordRef: 'GP-1', reflections: {} },
    });
    return { driver, decision };
  };

  it('is opened by a manager the procedure names, at the practitioner’s agency; both follow it', () => {
    const { driver, decision } = open(dir(), 'gp-partner', onBehalf);
    expect(decision.ok).toBe(true);
    expect(driver.s.practitioner.personId).toBe('gp-doc');
    expect(driver.s.participantIds).toEqual(['gp-doc', 'gp-partner']);
  });

  it('is refused where the procedure does not say so, to other roles and to other agencies', () => {
    const message = (r: ReturnType<typeof open>) => (r.decision.ok ? 'opened' : r.decision.message);
    expect(message(open(dir(), 'gp-partner', policy))).toBe('A case is opened by the practitioner who raises the concern.');
    expect(message(open(dir(), 'police-tm', onBehalf))).toBe('A case is opened by the practitioner who raises the concern, or for them by their supervisor / team manager / line manager.');
    expect(message(open(dir(), 'icb-named', onBehalf))).toMatch(/^A case is opened by the practitioner/);
  });

  it('is asked in the walk only of someone who may, and names the colleague', () => {
    const ctx: IntakeContext = { otherAgencies: [{ value: 'police', label: 'County Police' }], colleagues: [{ value: 'gp-doc', label: 'Dr Ann Hale' }] };
    let draft: Draft = { [STEP.urgent]: false };
    expect(nextStep(onBehalf, ctx, draft)).toMatchObject({ id: STEP.onBehalf, prompt: 'Whose concern is this?' });
    expect(nextStep(onBehalf, { ...ctx, colleagues: [] }, draft)?.id).toBe(STEP.agency);
    for (const [id, v] of [[STEP.onBehalf, 'gp-doc'], [STEP.agency, 'police'], [STEP.decision, 'No further action'], [STEP.area, 'risk'], [STEP.aim, 'A strategy discussion'], [STEP.ref, 'GP-1']] as const) {
      const r = answer(onBehalf, ctx, draft, id, v);
      if (!r.ok) throw new Error(r.message);
      draft = r.draft;
    }
    expect(complete(onBehalf, ctx, draft)).toMatchObject({ kind: 'case', onBehalfOf: 'gp-doc' });
    expect(complete(onBehalf, ctx, { ...draft, [STEP.onBehalf]: OWN_CONCERN })).not.toHaveProperty('onBehalfOf');
  });
});
