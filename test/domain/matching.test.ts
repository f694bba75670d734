/** Counterpart matching on the demo directory, with stages written here (BSCB-shaped). */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadDirectoryFile } from '../../src/app/directory-file.js';
import type { Directory } from '../../src/domain/directory.js';
import { managementChain, matchParties, resolvePerson, type Match } from '../../src/domain/matching.js';
import { Stage, type Role, type Scope } from '../../src/domain/policy/schema.js';

let directory: Directory;
beforeAll(async () => {
  const r = await loadDirectoryFile('demo/directory.yaml');
  if (!r.ok) throw new Error(r.errors.join('\n'));
  directory = r.directory;
});

const party = (roles: Role[], scope: Scope, fallbackRoles: Role[] = []) => ({ roles, scope, fallbackRoles, source: 'q' });
const stage = (raisedBy: ReturnType<typeof party>, receivedBy: ReturnType<typeof party>, inform: { role: Role; scope: Scope }[] = []) =>
  Stage.parse({
    number: 1,
    name: 'S',
    summary: 's',
    raisedBy,
    receivedBy,
    response: { kind: 'working-days', days: 1, source: 'q' },
    inform: inform.map((i) => ({ ...i, why: 'told', source: 'q' })),
    outcomes: [{ type: 'resolved', label: 'Resolved', source: 'q' }],
    source: 'q',
  });

const who = (m: Match) => (m.ok ? `${m.participant.personId} (${m.via})` : `none: ${m.reason}`);
const teamManagers = stage(party(['team-manager'], 'escalating-agency'), party(['team-manager'], 'receiving-agency'));

describe('matching counterparts', () => {
  it('pairs the practitioner’s own team manager with the team manager of the other agency', () => {
    const m = matchParties({ directory, stage: teamManagers, escalatingAgencyId: 'health', receivingAgencyId: 'csc', requesterId: 'health-hv' });
    expect(who(m.raiser)).toBe('health-tm (role)');
    expect(who(m.receiver)).toBe('csc-tm (role)');
    expect(m.raiser.ok && m.raiser.participant).toEqual({ personId: 'health-tm', name: 'Aisha Rahman', agencyId: 'health', agencyName: 'Riverside Health Trust', role: 'team-manager' });
  });

  it('prefers the requester’s management chain over directory order', () => {
    // Two police team managers: the officer's own line manager is DS Brierley (on leave), so his deputy covers.
    const m = matchParties({ directory, stage: teamManagers, escalatingAgencyId: 'police', receivingAgencyId: 'health', requesterId: 'police-officer' });
    expect(who(m.raiser)).toBe('police-tm-deputy (deputy)');
    expect(m.raiser.ok && m.raiser.note).toMatch(/DS Tom Brierley is unavailable; DS Anita Kaur is covering/);
  });

  it('takes the first role held at Stage 2: service manager, else named or designated lead', () => {
    const s2 = stage(party(['senior-manager', 'safeguarding-lead'], 'escalating-agency'), party(['senior-manager', 'safeguarding-lead'], 'receiving-agency'));
    const m = matchParties({ directory, stage: s2, escalatingAgencyId: 'health', receivingAgencyId: 'police', requesterId: 'health-tm' });
    expect(who(m.raiser)).toBe('health-nn (role)');
    expect(who(m.receiver)).toBe('police-sm (role)');
  });

  it('falls back to the person with strategic responsibility where there is no Board member, and informs the business manager', () => {
    const s3 = stage(party(['board-member'], 'escalating-agency'), party(['board-member'], 'receiving-agency'), [{ role: 'board-business-manager', scope: 'partnership' }]);
    const m = matchParties({ directory, stage: s3, escalatingAgencyId: 'health', receivingAgencyId: 'school' });
    expect(who(m.raiser)).toBe('health-bm (role)');
    expect(who(m.receiver)).toBe('school-head (strategic-lead)');
    expect(m.receiver.ok && m.receiver.note).toMatch(/Nobody at Oakfield Primary School holds the role Board member/);
    expect(m.informed.map(who)).toEqual(['board-bm (role)']);
  });

  it('finds the Board chair in the partnership and the Child Protection Manager in children’s social care', () => {
    const s4 = stage(party(['board-member'], 'escalating-agency'), party(['board-chair'], 'partnership'));
    expect(who(matchParties({ directory, stage: s4, escalatingAgencyId: 'police', receivingAgencyId: 'health' }).receiver)).toBe('board-chair (role)');
    const cpm = stage(party(['safeguarding-lead'], 'escalating-agency'), party(['child-protection-manager'], 'childrens-social-care'));
    expect(who(matchParties({ directory, stage: cpm, escalatingAgencyId: 'police', receivingAgencyId: 'health' }).receiver)).toBe('csc-cpm (role)');
  });

  it('uses fallback roles before the strategic lead', () => {
    const s = stage(party(['board-member'], 'escalating-agency', ['safeguarding-lead']), party(['team-manager'], 'receiving-agency'));
    expect(who(matchParties({ directory, stage: s, escalatingAgencyId: 'school', receivingAgencyId: 'csc' }).raiser)).toBe('school-dsl (fallback-role)');
  });

  it('finds the practitioner’s own manager when a stage is a talk inside their agency', () => {
    const internal = stage(party(['practitioner'], 'escalating-agency'), party(['team-manager'], 'escalating-agency'));
    // Both police sergeants available, and the officer reporting to the second one in directory
    // order: the chain, not the order, must pick her.
    const people = directory.people.map((p) =>
      p.id === 'police-tm' ? { ...p, available: true } : p.id === 'police-officer' ? { ...p, lineManagerId: 'police-tm-deputy' } : p,
    );
    const m = matchParties({ directory: { ...directory, people }, stage: internal, escalatingAgencyId: 'police', receivingAgencyId: 'csc', requesterId: 'police-officer' });
    expect(who(m.raiser)).toBe('police-officer (role)');
    expect(who(m.receiver)).toBe('police-tm-deputy (role)');
  });

  it('says clearly when nobody can be found', () => {
    const s = stage(party(['child-protection-manager'], 'escalating-agency'), party(['team-manager'], 'receiving-agency'));
    const m = matchParties({ directory, stage: s, escalatingAgencyId: 'police', receivingAgencyId: 'csc' });
    expect(m.raiser).toEqual({
      ok: false,
      side: 'raiser',
      scope: 'escalating-agency',
      agencyId: 'police',
      roles: ['child-protection-manager'],
      reason: 'Nobody at County Police holds the role Local Child Protection Manager, and it has no person with strategic responsibility for safeguarding.',
    });
    expect(who(m.receiver)).toBe('csc-tm (role)');
  });

  it('names an agency id the directory does not know', () => {
    const m = matchParties({ directory, stage: teamManagers, escalatingAgencyId: 'police', receivingAgencyId: 'fire' });
    expect(m.receiver).toMatchObject({ ok: false, side: 'receiver', scope: 'receiving-agency', reason: 'The directory has no agency with id "fire".' });
  });

  it('never puts one person on both sides', () => {
    const s = stage(party(['board-chair'], 'partnership'), party(['board-chair'], 'partnership'));
    const m = matchParties({ directory, stage: s, escalatingAgencyId: 'police', receivingAgencyId: 'csc' });
    expect(who(m.raiser)).toBe('board-chair (role)');
    expect(m.receiver).toEqual({
      ok: false,
      side: 'receiver',
      scope: 'partnership',
      agencyId: 'board',
      roles: ['board-chair'],
      reason: 'Nobody available at Demo Safeguarding Children Board can act as Chair of the Safeguarding Board: Professor Alan Whitcombe cannot be on both sides of the disagreement.',
    });
  });

  it('picks another holder of the role rather than the raiser when the agency has one', () => {
    const people = directory.people.map((p) => (p.id === 'police-tm' ? { ...p, available: true } : p));
    const internal = stage(party(['team-manager'], 'escalating-agency'), party(['team-manager'], 'escalating-agency'));
    const m = matchParties({ directory: { ...directory, people }, stage: internal, escalatingAgencyId: 'police', receivingAgencyId: 'csc', requesterId: 'police-officer' });
    expect(who(m.raiser)).toBe('police-tm (role)');
    expect(who(m.receiver)).toBe('police-tm-deputy (role)');
    expect(m.receiver.ok && m.receiver.note).toBe('DS Tom Brierley cannot be on both sides of the disagreement; DS Anita Kaur also holds the role Supervisor / team manager / line manager.');
  });

  it('at Stage 1, the escalating side is the requester’s own line manager even when another comes first in the directory', () => {
    const people = directory.people.map((p) =>
      p.id === 'police-tm' ? { ...p, available: true } : p.id === 'police-officer' ? { ...p, lineManagerId: 'police-tm-deputy' } : p,
    );
    const d = { ...directory, people };
    expect(who(matchParties({ directory: d, stage: teamManagers, escalatingAgencyId: 'police', receivingAgencyId: 'csc', requesterId: 'police-officer' }).raiser)).toBe('police-tm-deputy (role)');
    // Without a requester, directory order decides.
    expect(who(matchParties({ directory: d, stage: teamManagers, escalatingAgencyId: 'police', receivingAgencyId: 'csc' }).raiser)).toBe('police-tm (role)');
    // The receiving side never follows the requester's chain.
    expect(who(matchParties({ directory: d, stage: teamManagers, escalatingAgencyId: 'csc', receivingAgencyId: 'police', requesterId: 'csc-sw' }).receiver)).toBe('police-tm (role)');
  });

  it('uses another holder of the role when the person is away with no deputy, and says why when nobody can act', () => {
    const noDeputy = directory.people.map((p) => (p.id === 'police-tm' ? { ...p, deputyId: undefined } : p));
    const m = matchParties({ directory: { ...directory, people: noDeputy }, stage: teamManagers, escalatingAgencyId: 'police', receivingAgencyId: 'csc', requesterId: 'police-officer' });
    expect(who(m.raiser)).toBe('police-tm-deputy (role)');
    expect(m.raiser.ok && m.raiser.note).toBe('DS Tom Brierley is unavailable and nobody is named to cover; DS Anita Kaur also holds the role Supervisor / team manager / line manager.');

    const bothAway = directory.people.map((p) => (p.id === 'police-tm-deputy' ? { ...p, available: false } : p));
    const none = matchParties({ directory: { ...directory, people: bothAway }, stage: teamManagers, escalatingAgencyId: 'police', receivingAgencyId: 'csc', requesterId: 'police-officer' });
    expect(none.raiser).toMatchObject({
      ok: false,
      reason: 'Nobody available at County Police can act as Supervisor / team manager / line manager: DS Tom Brierley is unavailable and so is their deputy DS Anita Kaur.',
    });
  });

  it('moves to the next role in order when nobody can act in the first', () => {
    const s2 = stage(party(['senior-manager', 'safeguarding-lead'], 'escalating-agency'), party(['team-manager'], 'receiving-agency'));
    const away = directory.people.map((p) => (p.id === 'school-head' ? { ...p, available: false } : p));
    expect(who(matchParties({ directory: { ...directory, people: away }, stage: s2, escalatingAgencyId: 'school', receivingAgencyId: 'csc' }).raiser)).toBe('school-dsl (role)');
  });

  it('lets the strategic lead’s deputy cover, and fails plainly when the strategic lead is away too', () => {
    const s3 = stage(party(['board-member'], 'escalating-agency'), party(['board-member'], 'receiving-agency'));
    const covered = directory.people.map((p) => (p.id === 'school-head' ? { ...p, available: false, deputyId: 'school-dsl' } : p));
    const m = matchParties({ directory: { ...directory, people: covered }, stage: s3, escalatingAgencyId: 'school', receivingAgencyId: 'police' });
    expect(who(m.raiser)).toBe('school-dsl (strategic-lead)');
    expect(m.raiser.ok && m.raiser.participant.role).toBe('board-member');
    expect(m.raiser.ok && m.raiser.note).toBe(
      'Nobody at Oakfield Primary School holds the role Board member / agency representative on the Board; Margaret Ellery has strategic responsibility for safeguarding there. Margaret Ellery is unavailable; Bethan Lloyd is covering.',
    );
    const away = directory.people.map((p) => (p.id === 'school-head' ? { ...p, available: false } : p));
    const none = matchParties({ directory: { ...directory, people: away }, stage: s3, escalatingAgencyId: 'school', receivingAgencyId: 'police' });
    expect(none.raiser).toMatchObject({
      ok: false,
      side: 'raiser',
      reason: 'Nobody available at Oakfield Primary School can act as Board member / agency representative on the Board: Margaret Ellery is unavailable and nobody is named to cover.',
    });
  });

  it('finds children’s social care when it is itself a party to the disagreement', () => {
    const s = stage(party(['team-manager'], 'escalating-agency'), party(['team-manager'], 'receiving-agency'), [{ role: 'child-protection-manager', scope: 'childrens-social-care' }]);
    const m = matchParties({ directory, stage: s, escalatingAgencyId: 'police', receivingAgencyId: 'csc', requesterId: 'police-officer' });
    expect(m.informed.map(who)).toEqual(['csc-cpm (role)']);
  });

  it('resolves a person at one agency directly, and walks the management chain', () => {
    expect(who(resolvePerson(directory, { agencyId: 'health', roles: ['safeguarding-lead'] }))).toBe('health-nn (role)');
    expect(resolvePerson(directory, { agencyId: 'health', roles: ['board-chair'], side: 'informed', scope: 'receiving-agency' })).toMatchObject({ ok: false, agencyId: 'health', roles: ['board-chair'] });
    expect(managementChain(directory, 'health-hv').map((p) => p.id)).toEqual(['health-hv', 'health-tm', 'health-nn', 'health-bm']);
  });
});
