/**
 * Handing over a part held by an officer of the agency that serves a side (`servedBy`: a GP
 * practice served by the health board's named GP). The officer may hand it to someone of the
 * agency served or of their own agency, acting for it, who holds the role the part is held in;
 * nobody else. Someone of the agency itself hands over within it, as before. The rule is
 * `decide`'s; the app (Escalations.handOver) supplies the part as recorded and the new person
 * acting for the same side. A stranger asking learns nothing.
 */
import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import type { Cases } from '../../src/app/cases.js';
import { actorAs, Escalations, notPartOf } from '../../src/app/escalations.js';
import { Directory, personById } from '../../src/domain/directory.js';
import { matchParties, participantOf } from '../../src/domain/matching.js';
import { Policy } from '../../src/domain/policy/schema.js';
import { CaseDriver } from '../support/case-driver.js';

type DirectoryInput = z.input<typeof Directory>;
const people: DirectoryInput['people'] = [
  { id: 'gp-doc', name: 'Dr Ann Hale', agencyId: 'gp', roles: ['practitioner'], lineManagerId: 'gp-partner' },
  { id: 'gp-partner', name: 'Dr Ben Ford', agencyId: 'gp', roles: ['team-manager'] },
  { id: 'icb-named', name: 'Dr Cara Moss', agencyId: 'icb', roles: ['safeguarding-lead'] },
  { id: 'icb-named-2', name: 'Dr Dan Rowe', agencyId: 'icb', roles: ['safeguarding-lead'] },
  { id: 'icb-clerk', name: 'Eli Ward', agencyId: 'icb', roles: ['practitioner'] },
  { id: 'police-dsl', name: 'DI Dev Shah', agencyId: 'police', roles: ['safeguarding-lead'] },
  { id: 'police-tm', name: 'DS Eve Long', agencyId: 'police', roles: ['team-manager'] },
];
const directory = (more: DirectoryInput['people'] = []) =>
  Directory.parse({
    partnership: { id: 'p', name: 'Test partnership', policyId: 'test' },
    agencies: [
      { id: 'board', name: 'Board', kind: 'partnership' },
      { id: 'police', name: 'County Police', kind: 'police' },
      { id: 'gp', name: 'Hill Street Surgery', kind: 'health', servedBy: 'icb' },
      { id: 'icb', name: 'Health Board', kind: 'health' },
    ],
    people: [...people, ...more],
  });

/** Stage 1 between the two agencies' safeguarding leads. */
const policy = Policy.parse({
  id: 'test',
  version: 1,
  name: 'Test procedure',
  partnership: 'Test partnership',
  document: 'test.txt',
  areasOfDisagreement: [{ id: 'risk', label: 'Risk', source: 'q' }],
  urgentRoute: { question: 'Immediate harm?', guidance: 'Call now.', contacts: ['police'], opensCase: false, source: 'q' },
  stages: [
    {
      number: 1,
      name: 'Stage 1',
      summary: 's',
      raisedBy: { roles: ['safeguarding-lead'], scope: 'escalating-agency', source: 'q' },
      receivedBy: { roles: ['safeguarding-lead'], scope: 'receiving-agency', source: 'q' },
      response: { kind: 'working-days', days: 2, source: 'q' },
      outcomes: [{ type: 'resolved', label: 'Resolved', source: 'q' }],
      source: 'q',
    },
  ],
});

const REF = 'RES-1';

/**
 * Stage 1 open, raised for the surgery by the health board's named GP (nobody at the surgery
 * holds the role when it opens). Later the surgery appoints its own lead (`gp-lead`): the
 * directory the app now reads has her.
 */
function caseRaisedByTheNamedGp() {
  const atOpening = directory();
  const driver = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
  const doc = personById(atOpening, 'gp-doc')!;
  driver.do({
    type: 'open-case',
    actor: actorAs(atOpening, doc),
    ref: REF,
    policy,
    practitioner: participantOf(atOpening, doc, 'practitioner'),
    escalatingAgency: { id: 'gp', name: 'Hill Street Surgery' },
    receivingAgency: { id: 'police', name: 'County Police' },
    urgent: false,
    intake: { checks: {}, discussedWithOtherProfessional: true, decisionChallenged: 'No further action', areaId: 'risk', aim: 'A strategy discussion', childRecordRef: 'GP-1', reflections: {} },
  });
  const m = matchParties({ directory: atOpening, stage: policy.stages[0]!, escalatingAgencyId: 'gp', receivingAgencyId: 'police', requesterId: 'gp-doc' });
  if (!m.raiser.ok || !m.receiver.ok) throw new Error('no match');
  driver.do({ type: 'request-escalation', actor: actorAs(atOpening, doc, ['practitioner']), toStage: 1, reason: 'already-discussed', note: '', approver: m.raiser.participant });
  driver.do({ type: 'approve-escalation', actor: actorAs(atOpening, personById(atOpening, 'icb-named')!, ['safeguarding-lead']), parties: { raiser: m.raiser.participant, receiver: m.receiver.participant, informed: [] } });
  expect(driver.s.current!.raiser).toMatchObject({ personId: 'icb-named', agencyId: 'icb', forAgencyId: 'gp' });

  const d = directory([{ id: 'gp-lead', name: 'Dr Gita Rao', agencyId: 'gp', roles: ['safeguarding-lead'] }]);
  // Cases over the driver: load the case as it stands, decide and record a command.
  const cases = {
    load: async () => driver.state,
    execute: async (_ref: string, command: Parameters<Cases['execute']>[1]) => {
      const decision = driver.try(command);
      return decision.ok ? { ok: true, state: driver.s, recorded: [], duplicate: false } : { ok: false, code: decision.code, message: decision.message };
    },
  } as unknown as Cases;
  const escalations = new Escalations({ cases, directory: d });
  const who = (id: string) => personById(d, id)!;
  const handOver = (by: string, from: string, to: string) => escalations.handOver(REF, who(by), who(from), who(to));
  return { driver, handOver };
}

const refusal = (name: string, holder: string) =>
  `${name} cannot take ${holder}'s part: it is held for Hill Street Surgery, so it passes only to someone of Hill Street Surgery, or of ${holder}'s own agency acting for it, who holds the role Named / designated safeguarding lead.`;

describe('a part held by an officer of the agency that serves a side', () => {
  it('is refused to anyone outside the two agencies, or without the role, and a stranger learns nothing', async () => {
    const { driver, handOver } = caseRaisedByTheNamedGp();
    const before = driver.events.length;
    // Her own agency's clerk and the surgery's partner hold no safeguarding lead's role; the police's lead is of neither agency.
    expect(await handOver('icb-named', 'icb-named', 'icb-clerk')).toEqual({ ok: false, code: 'invalid', message: refusal('Eli Ward', 'Dr Cara Moss') });
    expect(await handOver('icb-named', 'icb-named', 'gp-partner')).toEqual({ ok: false, code: 'invalid', message: refusal('Dr Ben Ford', 'Dr Cara Moss') });
    expect(await handOver('icb-named', 'icb-named', 'police-dsl')).toMatchObject({ ok: false, message: refusal('DI Dev Shah', 'Dr Cara Moss') });
    // Someone not part of the case hears what they would of a case that does not exist.
    expect(await handOver('icb-named-2', 'icb-named', 'icb-named-2')).toEqual({ ok: false, code: 'not-found', message: notPartOf(REF) });
    expect(driver.events.length).toBe(before);
    expect(driver.s.current!.raiser.personId).toBe('icb-named');
  });

  it('passes to a colleague of her own agency holding the role, who acts for the surgery too', async () => {
    const { driver, handOver } = caseRaisedByTheNamedGp();
    expect(await handOver('icb-named', 'icb-named', 'icb-named-2')).toMatchObject({ ok: true });
    expect(driver.s.current!.raiser).toEqual({ personId: 'icb-named-2', name: 'Dr Dan Rowe', agencyId: 'icb', agencyName: 'Health Board, for Hill Street Surgery', role: 'safeguarding-lead', forAgencyId: 'gp' });
    // She no longer acts; he does, for the surgery (the escalating side).
    const named2 = actorAs(directory(), personById(directory(), 'icb-named-2')!, ['safeguarding-lead']);
    expect(driver.do({ type: 'propose-resolution', actor: named2, summary: 'A strategy discussion on Friday.', actions: [] })).toEqual(['resolution-proposed']);
  });

  it('passes to the surgery’s own lead, who acts for it as herself; from her it passes only within the surgery', async () => {
    const { driver, handOver } = caseRaisedByTheNamedGp();
    expect(await handOver('icb-named', 'icb-named', 'gp-lead')).toMatchObject({ ok: true });
    expect(driver.s.current!.raiser).toEqual({ personId: 'gp-lead', name: 'Dr Gita Rao', agencyId: 'gp', agencyName: 'Hill Street Surgery', role: 'safeguarding-lead' });
    // Held by someone of the surgery itself, the part stays in the surgery, as any agency's does.
    const before = driver.events.length;
    expect(await handOver('gp-lead', 'gp-lead', 'icb-named-2')).toEqual({ ok: false, code: 'invalid', message: 'Dr Dan Rowe is not at Hill Street Surgery; a case is handed over within the same agency.' });
    expect(driver.events.length).toBe(before);
  });
});
