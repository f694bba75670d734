/**
 * The built-in procedures as their documents write them, checked through the engine: who is
 * matched at each stage on the demo directory, which forms a stage issues, and what a Friday
 * does to BSCB's "24 hours (1 working day)".
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { timescaleText } from '../../src/app/case-views.js';
import { loadDirectoryFile } from '../../src/app/directory-file.js';
import { loadPolicyCatalog, type PolicyCatalog } from '../../src/app/policy-catalog.js';
import { dueInstant } from '../../src/domain/calendar.js';
import { parseDirectory, type Directory } from '../../src/domain/directory.js';
import { answer, complete, intakeSteps, nextStep, STEP, type Draft } from '../../src/domain/intake.js';
import { betweenAgencies, matchAdvisers, matchParties, roleTitle, type Match } from '../../src/domain/matching.js';
import { Stage, type Policy } from '../../src/domain/policy/schema.js';
import { CaseDriver } from '../support/case-driver.js';
import { openCase, reachStage } from '../support/walk.js';

let catalog: PolicyCatalog;
let directory: Directory;
beforeAll(async () => {
  catalog = await loadPolicyCatalog();
  const r = await loadDirectoryFile('demo/directory.yaml');
  if (!r.ok) throw new Error(r.errors.join('\n'));
  directory = r.directory;
});
const policy = (id: string): Policy => catalog.get(id)!;
const who = (m: Match) => (m.ok ? m.participant.personId : `none: ${m.reason}`);
const match = (id: string, n: number) => matchParties({ directory, stage: policy(id).stages[n - 1]!, escalatingAgencyId: 'health', receivingAgencyId: 'police', requesterId: 'health-hv' });

/** The forms each stage-opened event carries, walking a case to the last stage. */
function formsIssued(id: string): string[][] {
  const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
  openCase(d, policy(id));
  reachStage(d, policy(id), policy(id).stages.length);
  return d.events.flatMap((e) => (e.type === 'stage-opened' ? [e.data.forms] : []));
}

describe('BSCB', () => {
  it('Stage 4: the Board member asks, and the BSCB Service Manager refers the matter to the Chair (and is told)', () => {
    const m = match('bscb', 4);
    expect(who(m.raiser)).toBe('health-bm');
    expect(who(m.receiver)).toBe('board-chair');
    expect(m.informed.map(who)).toEqual(['board-qa']);
    // People are named by their job title in the directory, not by a role id.
    expect(m.informed[0]!.ok && roleTitle(directory, m.informed[0]!.participant)).toBe('Quality assurance service manager');
    expect(policy('bscb').stages[3]!.raisedBy.via?.source).toBe('If concerns continue BSCB Service Manager will refer the situation to the Chair of the BSCB');
  });

  it('Stage 1: "24 hours (1 working day)" is read as one working day, and says so', () => {
    const stage1 = policy('bscb').stages[0]!;
    expect(stage1.response.assumption).toMatch(/working-day reading is used/);
    // Friday 15:00 is due on Monday 15:00, not Saturday.
    expect(dueInstant(new Date('2026-11-27T15:00:00Z'), stage1.response, 'england-and-wales')!.toISOString()).toBe('2026-11-30T15:00:00.000Z');
  });

  it('the urgent route marks the contacts it adds to the document’s words', () => {
    const route = policy('bscb').urgentRoute;
    expect(route.guidance).toMatch(/The BSCB procedure adds that the disagreement should then be resolved urgently/);
    expect(route.assumption).toMatch(/does not say whom to contact/);
  });

  it('issues the monitoring form at Stage 3 and Stage 4, and not before', () => {
    expect(formsIssued('bscb')).toEqual([[], [], ['monitoring-form'], ['monitoring-form']]);
  });
});

describe('Croydon', () => {
  it('issues the Escalation Notification Form at Stages 3 and 5 only ("Stages 3, 5, and 5")', () => {
    expect(formsIssued('croydon')).toEqual([[], [], ['escalation-notification-form'], [], ['escalation-notification-form']]);
    expect(policy('croydon').stages[2]!.forms[0]!.assumption).toMatch(/read as Stages 3 and 5/);
  });
});

describe('Sefton', () => {
  it('step 4 goes to the Sefton SCP’s representatives, not to a chair the text never names', () => {
    const m = match('sefton', 4);
    expect(who(m.receiver)).toBe('board-bm');
  });
});

describe('Derby', () => {
  it('Stage 2 happens inside one agency, and reads as such', () => {
    const m = match('derby', 2);
    if (!m.raiser.ok || !m.receiver.ok) throw new Error('not matched');
    expect(betweenAgencies(m.raiser.participant, m.receiver.participant)).toBe('within Riverside Health Trust');
    const s3 = match('derby', 3);
    if (!s3.raiser.ok || !s3.receiver.ok) throw new Error('not matched');
    expect(betweenAgencies(s3.raiser.participant, s3.receiver.participant)).toBe('between Riverside Health Trust and County Police');
  });

  it('Stage 6 is raised by the manager or named/designated lead, via the agency’s Board representative', () => {
    const m = match('derby', 6);
    expect(who(m.raiser)).toBe('health-tm');
    expect(who(m.receiver)).toBe('board-chair');
    expect(m.informed.map(who)).toEqual(['health-bm']);
  });
});

describe('Worcestershire', () => {
  it('offers the Senior Liaison Officer at any stage, not at Stages 3 and 4 only', () => {
    const p = policy('worcestershire');
    expect(p.stages.flatMap((s) => s.guidance).map((g) => g.text).join(' ')).not.toMatch(/Senior Liaison Officer/);
    const advisers = matchAdvisers({ directory, policy: p, escalatingAgencyId: 'health', receivingAgencyId: 'police' });
    expect(advisers.map((a) => who(a.match))).toEqual(['board-slo']);
  });

  it('"without delay" is shown on the cards in the document’s words, not dropped as "no fixed timescale"', () => {
    expect(policy('worcestershire').stages.slice(2).map((s) => timescaleText(s.response))).toEqual(['Without delay (the procedure sets no fixed time).', 'Without delay (the procedure sets no fixed time).']);
  });

  it('covers adults: the urgent question is neutral and Adult Social Care is a contact', () => {
    const p = policy('worcestershire');
    expect(p.covers?.adults).toBe(true);
    expect(p.urgentRoute.question).not.toMatch(/child/i);
    expect(p.urgentRoute.contacts).toContain('adult-social-care');
  });

  it('is walked in neutral words: no question speaks of "the child"', () => {
    const ctx = { otherAgencies: [{ value: 'police', label: 'Police' }] };
    const words = intakeSteps(policy('worcestershire'), ctx, { [STEP.urgent]: false }).map((s) => `${s.prompt} ${s.help ?? ''}`);
    expect(words.filter((w) => /\bchild(’s)?\b/i.test(w))).toEqual([]);
    expect(words).toContain('Your agency’s reference for the person at risk’s record A reference only: never the person at risk’s name, date of birth or NHS number.');
    // A procedure for children keeps its words.
    expect(intakeSteps(policy('bscb'), ctx, { [STEP.urgent]: false }).map((s) => s.prompt)).toContain('Your agency’s reference for the child’s record');
  });
});

describe('who acts depends on the kind of agency', () => {
  // A school whose designated safeguarding lead holds only that role, as schools have no team managers.
  const schoolDirectory = () => {
    const r = parseDirectory(
      'school.yaml',
      `partnership: { id: p, name: P, policyId: bscb }
agencies:
  - { id: school, name: Oakfield School, kind: education }
  - { id: police, name: Police, kind: police }
  - { id: board, name: Board, kind: partnership }
people:
  - { id: teacher, name: T, agencyId: school, roles: [practitioner], lineManagerId: dsl }
  - { id: dsl, name: D, agencyId: school, roles: [safeguarding-lead] }
  - { id: ds, name: S, agencyId: police, roles: [team-manager] }
`,
    );
    if (!r.ok) throw new Error(r.errors.join('\n'));
    return r.directory;
  };
  const stage = Stage.parse({
    number: 1,
    name: 'First-line managers',
    summary: 's',
    source: 'q',
    raisedBy: { roles: ['team-manager'], scope: 'escalating-agency', rolesByAgencyKind: { education: ['safeguarding-lead'] }, source: 'q' },
    receivedBy: { roles: ['team-manager'], scope: 'receiving-agency', rolesByAgencyKind: { education: ['safeguarding-lead'] }, source: 'q' },
    response: { kind: 'working-days', days: 1, source: 'q' },
    outcomes: [{ type: 'resolved', label: 'Resolved', source: 'q' }],
  });

  it('matches the school’s DSL as its first-line equivalent, and the police’s team manager (a detective sergeant)', () => {
    const d = schoolDirectory();
    const m = matchParties({ directory: d, stage, escalatingAgencyId: 'school', receivingAgencyId: 'police', requesterId: 'teacher' });
    expect([who(m.raiser), who(m.receiver)]).toEqual(['dsl', 'ds']);
    expect(m.raiser.ok && m.raiser.participant.role).toBe('safeguarding-lead');
  });

  it('without the per-kind role, finds nobody at the school', () => {
    const d = schoolDirectory();
    const plain = Stage.parse({ ...stage, raisedBy: { ...stage.raisedBy, rolesByAgencyKind: {} } });
    const m = matchParties({ directory: d, stage: plain, escalatingAgencyId: 'school', receivingAgencyId: 'police', requesterId: 'teacher' });
    expect(m.raiser.ok).toBe(false);
  });
});

describe('Derby and Derbyshire: two Boards, each with its own chair and Children’s Social Care', () => {
  const twoBoards = (boardsArea: [string, string] = ['derby-city', 'derbyshire']) =>
    parseDirectory(
      'derby.yaml',
      `partnership: { id: dd, name: Derby and Derbyshire, policyId: derby }
agencies:
  - { id: city-board, name: Derby Safeguarding Children Board, kind: partnership, localAreaId: ${boardsArea[0]} }
  - { id: county-board, name: Derbyshire Safeguarding Children Board, kind: partnership, localAreaId: ${boardsArea[1]} }
  - { id: city-csc, name: Derby City Children's Social Care, kind: childrens-social-care, localAreaId: derby-city }
  - { id: county-csc, name: Derbyshire Children's Social Care, kind: childrens-social-care, localAreaId: derbyshire }
  - { id: health, name: Health, kind: health }
  - { id: police, name: Police, kind: police }
people:
  - { id: city-chair, name: City Chair, agencyId: city-board, roles: [board-chair] }
  - { id: county-chair, name: County Chair, agencyId: county-board, roles: [board-chair] }
  - { id: city-cpm, name: City CPM, agencyId: city-csc, roles: [child-protection-manager] }
  - { id: county-cpm, name: County CPM, agencyId: county-csc, roles: [child-protection-manager] }
  - { id: hv, name: HV, agencyId: health, roles: [practitioner], lineManagerId: tm }
  - { id: tm, name: TM, agencyId: health, roles: [team-manager] }
  - { id: rep, name: Rep, agencyId: health, roles: [board-member] }
  - { id: ps, name: PS, agencyId: police, roles: [team-manager] }
`,
    );

  it('asks where the child lives, and records it with the case', () => {
    const p = policy('derby');
    const ctx = { otherAgencies: [{ value: 'police', label: 'Police' }] };
    let draft: Draft = { [STEP.urgent]: false };
    const asked: string[] = [];
    for (let step = nextStep(p, ctx, draft); step; step = nextStep(p, ctx, draft)) {
      asked.push(step.id);
      const value = step.id === STEP.localArea ? 'derbyshire' : step.kind === 'yes-no' ? true : step.kind === 'choice' ? step.choices[0]!.value : 'REF-1';
      if (step.id === STEP.localArea) expect(step).toMatchObject({ prompt: 'Where does the child live?', choices: [{ value: 'derby-city', label: 'Derby City' }, { value: 'derbyshire', label: 'Derbyshire' }] });
      const r = answer(p, ctx, draft, step.id, value);
      if (!r.ok) throw new Error(r.message);
      draft = r.draft;
    }
    expect(asked).toContain(STEP.localArea);
    const done = complete(p, ctx, draft);
    expect(done?.kind === 'case' && done.intake.localAreaId).toBe('derbyshire');
    // A procedure with one Board does not ask.
    expect(intakeSteps(policy('bscb'), ctx, { [STEP.urgent]: false }).map((s) => s.id)).not.toContain(STEP.localArea);
  });

  it('matches the Child Protection Manager and the Chair of the child’s own area', () => {
    const r = twoBoards();
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const at = (n: number, localAreaId: string) => matchParties({ directory: r.directory, stage: policy('derby').stages[n - 1]!, escalatingAgencyId: 'health', receivingAgencyId: 'police', requesterId: 'hv', localAreaId });
    expect(who(at(4, 'derbyshire').receiver)).toBe('county-cpm');
    expect(who(at(4, 'derby-city').receiver)).toBe('city-cpm');
    expect(who(at(6, 'derbyshire').receiver)).toBe('county-chair');
    expect(who(at(6, 'derby-city').receiver)).toBe('city-chair');
    expect(at(6, 'derbyshire').informed.map(who)).toEqual(['rep']);
  });

  it('refuses a directory with two Boards for the same area', () => {
    const r = twoBoards(['derbyshire', 'derbyshire']);
    expect(r.ok ? [] : r.errors).toEqual(['derby.yaml: agencies: one agency of kind "partnership" (a Board) per local area: two serve the same one']);
  });
});
