/** The intake walk on a small policy built here, so the test reads on its own. */
import { describe, expect, it } from '@jest/globals';
import { answer, back, complete, nextStep, STEP, type Draft, type IntakeContext } from '../../src/domain/intake.js';
import { Policy, type PolicyInput } from '../../src/domain/policy/schema.js';

const stage = (n: number): PolicyInput['stages'][number] => ({
  number: n,
  name: `Stage ${n}`,
  summary: 'Managers discuss.',
  raisedBy: { roles: ['team-manager'], scope: 'escalating-agency', source: 'q' },
  receivedBy: { roles: ['team-manager'], scope: 'receiving-agency', source: 'q' },
  response: { kind: 'working-days', days: 1, source: 'q' },
  outcomes: [{ type: 'resolved', label: 'Resolved', source: 'q' }, ...(n < 2 ? [{ type: 'next-stage' as const, label: 'Next', source: 'q' }] : [])],
  source: 'q',
});

const make = (urgent: Partial<PolicyInput['urgentRoute']> = {}) =>
  Policy.parse({
    id: 'test',
    version: 1,
    name: 'Test procedure',
    partnership: 'Test partnership',
    document: 'test.txt',
    areasOfDisagreement: [{ id: 'thresholds', label: 'Thresholds', source: 'q' }],
    preEscalationChecks: [{ id: 'significant', question: 'Is this a significant disagreement?', source: 'q' }],
    informalAttempt: { description: 'Talk to the other professional first.', source: 'q' },
    reflectiveQuestions: [{ heading: 'What is life like for this child?', questions: ['How serious are the concerns?'], source: 'q' }],
    urgentRoute: { question: 'Is the child at risk of immediate harm?', guidance: 'Call CSC or the police now.', contacts: ['childrens-social-care', 'police'], opensCase: false, source: 'q', ...urgent },
    stages: [stage(1), stage(2)],
  });

const ctx: IntakeContext = { otherAgencies: [{ value: 'police', label: 'County Police' }] };

function walk(policy: Policy, answers: [string, unknown][]): Draft {
  let draft: Draft = {};
  for (const [id, value] of answers) {
    expect(nextStep(policy, ctx, draft)?.id).toBe(id);
    const r = answer(policy, ctx, draft, id, value);
    if (!r.ok) throw new Error(r.message);
    draft = r.draft;
  }
  return draft;
}

describe('the intake walk', () => {
  it('asks about immediate risk first and ends with guidance when the policy opens no case', () => {
    const p = make();
    expect(nextStep(p, ctx, {})?.prompt).toBe('Is the child at risk of immediate harm?');
    const draft = walk(p, [[STEP.urgent, 'yes']]);
    expect(nextStep(p, ctx, draft)).toBeNull();
    expect(complete(p, ctx, draft)).toEqual({ kind: 'urgent-guidance', guidance: 'Call CSC or the police now.', contacts: ['childrens-social-care', 'police'] });
  });

  it('walks the checks, the informal attempt, the details and the reflective questions', () => {
    const p = make();
    const draft = walk(p, [
      [STEP.urgent, 'no'],
      ['check:significant', 'yes'],
      [STEP.discussed, 'no'],
      [STEP.agency, 'police'],
      [STEP.decision, 'Referral closed with no further action'],
      [STEP.area, 'thresholds'],
      [STEP.aim, 'A strategy discussion'],
      [STEP.ref, 'HLT-104233'],
      ['reflect:0', 'Worrying.'],
    ]);
    expect(complete(p, ctx, draft)).toEqual({
      kind: 'case',
      urgent: false,
      receivingAgencyId: 'police',
      startStage: 1,
      intake: {
        checks: { significant: true },
        discussedWithOtherProfessional: false,
        decisionChallenged: 'Referral closed with no further action',
        areaId: 'thresholds',
        aim: 'A strategy discussion',
        childRecordRef: 'HLT-104233',
        reflections: { 'What is life like for this child?': 'Worrying.' },
      },
    });
  });

  it('lets an urgent case skip the checks and start at a higher stage where the policy allows', () => {
    const p = make({ opensCase: true, maxStartStage: 2 });
    const draft = walk(p, [
      [STEP.urgent, true],
      [STEP.agency, 'police'],
      [STEP.decision, 'No strategy discussion'],
      [STEP.area, 'thresholds'],
      [STEP.aim, 'Protect the child today'],
      [STEP.ref, 'HLT-1'],
      [STEP.startStage, '2'],
    ]);
    expect(complete(p, ctx, draft)).toMatchObject({ kind: 'case', urgent: true, startStage: 2, intake: { checks: {}, discussedWithOtherProfessional: true } });
  });

  it('refuses bad answers with a clear message and keeps the draft unchanged', () => {
    const p = make();
    const draft = walk(p, [[STEP.urgent, 'no']]);
    const no = answer(p, ctx, draft, 'check:significant', 'no');
    expect(no).toMatchObject({ ok: false, message: expect.stringMatching(/Escalation is for when this is true/) });
    const d2 = walk(p, [[STEP.urgent, 'no'], ['check:significant', 'yes'], [STEP.discussed, 'yes']]);
    expect(answer(p, ctx, d2, STEP.agency, 'mars')).toEqual({ ok: false, message: 'Please pick one of the options.' });
    expect(answer(p, ctx, d2, STEP.ref, 'Jane Smith')).toMatchObject({ ok: false, message: expect.stringMatching(/a name \("Jane Smith"\)/) });
    expect(answer(p, ctx, d2, STEP.ref, '12/03/2015')).toMatchObject({ ok: false, message: expect.stringMatching(/date of birth/) });
    expect(answer(p, ctx, d2, STEP.decision, '   ')).toEqual({ ok: false, message: 'This answer is needed.' });
    // The free-text answers too: the decision, the aim and the reflections carry no child's identity.
    const named = answer(p, ctx, d2, STEP.decision, 'Police NFA for jayden smith, DOB 12.03.15');
    expect(named).toMatchObject({ ok: false, message: expect.stringMatching(/a name \("jayden smith"\), a date of birth \("12\.03\.15"\)/) });
    expect(answer(p, ctx, d2, STEP.decision, 'Police declined a strategy meeting on 3 December')).toMatchObject({ ok: true });
    expect(answer(p, ctx, d2, 'nonsense', 'x')).toMatchObject({ ok: false });
  });

  it('goes back one step, and drops later answers when the urgent answer changes', () => {
    const p = make({ opensCase: true });
    const draft = walk(p, [[STEP.urgent, 'no'], ['check:significant', 'yes']]);
    expect(back(p, ctx, draft)).toEqual({ [STEP.urgent]: false });
    const changed = answer(p, ctx, draft, STEP.urgent, 'yes');
    expect(changed).toEqual({ ok: true, draft: { [STEP.urgent]: true } });
  });
});
