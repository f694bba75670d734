/**
 * Roles that differ by the kind of agency, through the engine: one rule (`rolesFor`) decides who
 * is matched, who raises a stage without asking anyone, and who may approve, so a school's
 * designated safeguarding lead who holds no team-manager role is matched and then not refused.
 * The procedure is test/policies/fixtures/agency-kinds.yaml, the people agency-kinds-directory.yaml.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CaseFlow } from '../../src/app/case-flow.js';
import { Cases } from '../../src/app/cases.js';
import type { IntakeSessions } from '../../src/app/intake-sessions.js';
import type { Messenger } from '../../src/app/messenger.js';
import { FakeClock } from '../../src/app/clock.js';
import { actorAs, Escalations } from '../../src/app/escalations.js';
import { validatePolicyFile } from '../../src/app/policy-catalog.js';
import type { Store } from '../../src/app/store.js';
import { parseDirectory, personById, type Directory } from '../../src/domain/directory.js';
import type { Actor } from '../../src/domain/escalation/events.js';
import { evolve } from '../../src/domain/escalation/state.js';
import { participantOf } from '../../src/domain/matching.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { postgresStore } from '../../src/store/postgres/postgres-store.js';
import { freshPglite } from '../support/pglite.js';
import { CaseDriver } from '../support/case-driver.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
let policy: Policy;
let directory: Directory;
beforeAll(async () => {
  const r = await validatePolicyFile(fixture('agency-kinds.yaml'));
  if (!r.ok) throw new Error(r.errors.join('\n'));
  policy = r.policy;
  const d = parseDirectory('agency-kinds-directory.yaml', readFileSync(fixture('agency-kinds-directory.yaml'), 'utf8'));
  if (!d.ok) throw new Error(d.errors.join('\n'));
  directory = d.directory;
});

const person = (id: string) => personById(directory, id)!;
const agency = (id: string) => directory.agencies.find((a) => a.id === id)!;

function openCommand(ref: string, practitionerId: string, otherAgencyId: string) {
  const p = person(practitionerId);
  const role = p.roles[0]!;
  const own = agency(p.agencyId);
  const other = agency(otherAgencyId);
  return {
    type: 'open-case' as const,
    actor: actorAs(directory, p, [role]),
    ref,
    policy,
    practitioner: participantOf(directory, p, role),
    escalatingAgency: { id: own.id, name: own.name },
    receivingAgency: { id: other.id, name: other.name },
    urgent: false,
    intake: { checks: {}, discussedWithOtherProfessional: true, decisionChallenged: 'No further action', areaId: 'thresholds', aim: 'A strategy discussion', childRecordRef: 'SCH-555', reflections: {} },
  };
}

describe('roles by the kind of agency, through the app', () => {
  // The file's embedded database starts in the first test's hook; a busy machine needs room.
  jest.setTimeout(60_000);
  let store: Store;
  let cases: Cases;
  let escalations: Escalations;
  let flow: CaseFlow;
  beforeEach(async () => {
    store = await postgresStore(await freshPglite(), 'pglite');
    const clock = new FakeClock(new Date('2026-11-02T10:00:00Z'));
    cases = new Cases(store, clock);
    escalations = new Escalations({ cases, directory });
    // The steps run as from a chat; who hears of them is not this test's concern.
    const quiet: Messenger = { send: async () => true, postToBoard: async () => true, seen: async () => undefined };
    flow = new CaseFlow({ store, cases, directory, intake: {} as IntakeSessions, escalations, clock, messenger: quiet });
  }, 60_000);
  afterEach(() => store.close());

  it('asks the school’s designated safeguarding lead to approve, and their approval opens Stage 1 with them as raiser', async () => {
    expect((await cases.execute('RES-1', openCommand('RES-1', 'teacher', 'police'))).ok).toBe(true);
    const asked = await escalations.request((await cases.load('RES-1'))!, person('teacher'), 1, 'Please raise this.');
    expect(asked.ok && asked.state.pendingEscalation?.approver).toMatchObject({ personId: 'dsl', role: 'safeguarding-lead' });
    expect((await flow.act(person('dsl'), 'escalation.approve', { caseRef: 'RES-1' })).ok).toBe(true);
    expect((await cases.load('RES-1'))?.current).toMatchObject({ number: 1, raiser: { personId: 'dsl', role: 'safeguarding-lead' }, receiver: { personId: 'ds', role: 'team-manager' } });
    // The actor is recorded with the kind of their agency, which decide checked the roles against.
    const opened = (await store.load('RES-1')).map((s) => s.event).find((e) => e.type === 'stage-opened')!;
    expect(opened.actor).toMatchObject({ personId: 'dsl', role: 'safeguarding-lead', agencyKind: 'education' });
  });

  it('lets the designated safeguarding lead who raised the concern raise Stage 1 themself, as a team manager does elsewhere', async () => {
    expect((await cases.execute('RES-2', openCommand('RES-2', 'dsl', 'police'))).ok).toBe(true);
    // Before the rule was shared, the lead was sent to approve their own request, and refused.
    const raised = await escalations.request((await cases.load('RES-2'))!, person('dsl'), 1, '');
    expect(raised).toMatchObject({ ok: true, state: { phase: 'stage-open', current: { number: 1, raiser: { personId: 'dsl' } } } });
  });

  it('raises it with the school’s lead when the school is the other agency, and the lead responds', async () => {
    expect((await cases.execute('RES-3', openCommand('RES-3', 'pc', 'school'))).ok).toBe(true);
    expect((await escalations.request((await cases.load('RES-3'))!, person('pc'), 1, 'Please raise this.')).ok).toBe(true);
    expect((await flow.act(person('ds'), 'escalation.approve', { caseRef: 'RES-3' })).ok).toBe(true);
    expect((await cases.load('RES-3'))?.current?.receiver).toMatchObject({ personId: 'dsl', role: 'safeguarding-lead' });
    expect((await flow.act(person('dsl'), 'stage.respond', { caseRef: 'RES-3', position: 'disagree', rationale: 'The threshold is not met.' })).ok).toBe(true);
    expect((await cases.load('RES-3'))?.current?.response?.position).toBe('disagree');
  });

  it('asks the team manager, not the safeguarding lead, to raise Stage 1 in another kind of agency', async () => {
    expect((await cases.execute('RES-4', openCommand('RES-4', 'named', 'police'))).ok).toBe(true);
    const asked = await escalations.request((await cases.load('RES-4'))!, person('named'), 1, '');
    expect(asked.ok && asked.state).toMatchObject({ phase: 'awaiting-approval', pendingEscalation: { approver: { personId: 'ward-tm' } } });
  });
});

describe('roles by the kind of agency, in decide', () => {
  const lead = (agencyKind?: 'education' | 'health'): Actor => ({ kind: 'person', personId: 'dsl', name: 'Ben Lead', role: 'safeguarding-lead', agencyId: 'school', agencyName: 'Oakfield Primary School', ...(agencyKind ? { agencyKind } : {}) });

  /** A case recorded before approvers were named: Stage 1 asked for, nobody recorded to approve it. */
  function olderPendingCase(): CaseDriver {
    const d = new CaseDriver(new Date('2026-11-02T10:00:00Z'));
    d.do(openCommand('RES-9', 'teacher', 'police'));
    d.state = evolve(d.state, { type: 'escalation-requested', at: '2026-11-02T10:00:00.000Z', actor: actorAs(directory, person('teacher')), stage: null, data: { toStage: 1, reason: 'not-resolved', note: '' } } as never);
    return d;
  }
  const parties = () => ({ raiser: participantOf(directory, person('dsl'), 'safeguarding-lead'), receiver: participantOf(directory, person('ds'), 'team-manager'), informed: [] });

  it('lets a lead whose agency is recorded as a school approve by role', () => {
    const d = olderPendingCase();
    expect(d.do({ type: 'approve-escalation', actor: lead('education'), parties: parties() })).toEqual(['stage-opened']);
  });

  it('refuses the same role where the agency is of another kind, or its kind was not recorded, naming the roles that can', () => {
    expect(olderPendingCase().refuses({ type: 'approve-escalation', actor: lead('health'), parties: parties() }, 'not-allowed')).toMatch(/raised by supervisor \/ team manager/i);
    expect(olderPendingCase().refuses({ type: 'approve-escalation', actor: lead(), parties: parties() }, 'not-allowed')).toMatch(/your role cannot approve it/);
  });
});
