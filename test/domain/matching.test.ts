/** Counterpart matching on the demo directory, with stages written here (BSCB-shaped). */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadDirectoryFile } from '../../src/app/directory-file.js';
import type { Directory } from '../../src/domain/directory.js';
import { matchParties, type Match } from '../../src/domain/matching.js';
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
    expect(m.raiser).toEqual({ ok: false, reason: 'Nobody at County Police holds the role Local Child Protection Manager, and it has no person with strategic responsibility for safeguarding.' });
  });

  it('never puts one person on both sides', () => {
    const s = stage(party(['board-chair'], 'partnership'), party(['board-chair'], 'partnership'));
    const m = matchParties({ directory, stage: s, escalatingAgencyId: 'police', receivingAgencyId: 'csc' });
    expect(m.raiser.ok).toBe(true);
    expect(m.receiver).toMatchObject({ ok: false, reason: expect.stringMatching(/both sides/) });
  });
});
