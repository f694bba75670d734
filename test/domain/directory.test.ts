import { describe, expect, it } from '@jest/globals';
import { loadDirectoryFile } from '../../src/app/directory-file.js';
import {
  agencyById,
  childrensSocialCareAgency,
  findPersonByEmail,
  findPersonBySlackId,
  findPersonByTeamsId,
  parseDirectory,
  PeopleIndex,
  partnershipAgency,
  peopleOf,
  personById,
} from '../../src/domain/directory.js';

describe('the directory', () => {
  it('loads the demo directory, with people reachable by their Teams and Slack identities', async () => {
    const r = await loadDirectoryFile('demo/directory.yaml');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const d = r.directory;
    expect(d.partnership.policyId).toBe('bscb');
    expect(d.people.length).toBeGreaterThanOrEqual(12);
    expect(findPersonByTeamsId(d, '00000000-0000-0000-0000-000000000021')?.id).toBe('health-hv');
    expect(findPersonBySlackId(d, 'T0DEMO', 'U0DEMO031')?.id).toBe('school-teacher');
    expect(findPersonBySlackId(d, 'T0OTHER', 'U0DEMO031')).toBeUndefined();
    expect(findPersonByTeamsId(d, 'nobody')).toBeUndefined();
  });

  it('finds people through its index as the finds do: by Teams id, Slack account and email, the first in order', async () => {
    const r = await loadDirectoryFile('demo/directory.yaml');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const d = structuredClone(r.directory);
    // Emails are not unique in a directory: the first person listed with one is found (any case).
    const [first, second, third] = d.people;
    first!.email = 'Shared@Demo.example';
    second!.email = 'shared@demo.example';
    third!.email = 'third@demo.example';
    const index = new PeopleIndex(d);
    let identities = 0;
    for (const p of d.people) {
      const aad = p.identities.teams?.aadObjectId;
      if (aad) expect(index.byTeamsId(aad)).toBe(findPersonByTeamsId(d, aad));
      const slack = p.identities.slack;
      if (slack) expect(index.bySlackId(slack.teamId, slack.userId)).toBe(findPersonBySlackId(d, slack.teamId, slack.userId));
      if (p.email) expect(index.byEmail(` ${p.email.toLowerCase()} `)).toBe(findPersonByEmail(d, p.email));
      identities += Number(Boolean(aad)) + Number(Boolean(slack));
    }
    expect(identities).toBeGreaterThanOrEqual(12);
    expect(index.byEmail(second!.email)).toBe(first);
    expect(index.byTeamsId('nobody')).toBeUndefined();
    expect(index.bySlackId('T0OTHER', 'U0DEMO031')).toBeUndefined();
    expect(index.bySlackId('T0DEMO', 'U0NOBODY')).toBeUndefined();
    expect(index.byEmail('nobody@nowhere.example')).toBeUndefined();
    // Made from the directory as it stood: a person added later is not in it until it is made again.
    d.people.push({ ...structuredClone(first!), id: 'late', identities: { teams: { aadObjectId: 'late-aad' } } });
    expect(index.byTeamsId('late-aad')).toBeUndefined();
    expect(new PeopleIndex(d).byTeamsId('late-aad')?.id).toBe('late');
  });

  it('describes a demo partnership that exercises every matching rule', async () => {
    const r = await loadDirectoryFile('demo/directory.yaml');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const d = r.directory;
    expect(d.partnership.name).toBe('Demo Safeguarding Children Board');
    expect(partnershipAgency(d).id).toBe('board');
    expect(childrensSocialCareAgency(d)?.id).toBe('csc');
    expect(agencyById(d, 'school')?.strategicSafeguardingLeadId).toBe('school-head');
    expect(peopleOf(d, 'school').some((p) => p.roles.includes('board-member'))).toBe(false);
    for (const id of ['csc', 'police', 'health']) expect(peopleOf(d, id).some((p) => p.roles.includes('board-member'))).toBe(true);
    for (const role of ['board-chair', 'board-business-manager', 'board-quality-assurance-manager'] as const) {
      expect(peopleOf(d, 'board').some((p) => p.roles.includes(role))).toBe(true);
    }
    expect(peopleOf(d, 'csc').some((p) => p.roles.includes('child-protection-manager'))).toBe(true);
    const away = d.people.filter((p) => !p.available);
    expect(away.map((p) => [p.id, p.deputyId])).toEqual([['police-tm', 'police-tm-deputy']]);
    expect(personById(d, 'csc-sw')?.available).toBe(true); // the default
    const both = d.people.filter((p) => p.identities.teams && p.identities.slack);
    const slackOnly = d.people.filter((p) => !p.identities.teams && p.identities.slack);
    const teamsOnly = d.people.filter((p) => p.identities.teams && !p.identities.slack);
    expect([both.length > 0, slackOnly.length > 0, teamsOnly.length > 0]).toEqual([true, true, true]);
  });

  it('says plainly when the file is missing', async () => {
    expect(await loadDirectoryFile('nowhere.yaml')).toEqual({ ok: false, errors: ['nowhere.yaml: no such file'] });
  });

  it('names the file, the path and the problem for broken references and duplicates', () => {
    const yaml = `
partnership: { id: p, name: P, policyId: bscb }
agencies:
  - { id: a, name: A, kind: police, strategicSafeguardingLeadId: ghost }
  - { id: board, name: Board, kind: partnership }
people:
  - { id: x, name: X, agencyId: a, roles: [practitioner], lineManagerId: nobody, identities: { teams: { aadObjectId: t1 } } }
  - { id: x, name: Y, agencyId: b, roles: [team-manager], identities: { teams: { aadObjectId: t1 } } }
  - { id: z, name: Z, agencyId: a, roles: [wizard] }
`;
    const r = parseDirectory('dir.yaml', yaml);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dir\.yaml: people\[2\]\.roles\[0\]: /),
      ]),
    );
    const fixed = parseDirectory('dir.yaml', yaml.replace('[wizard]', '[practitioner]'));
    if (fixed.ok) throw new Error('expected errors');
    expect(fixed.errors).toEqual(
      expect.arrayContaining([
        'dir.yaml: people[1].id: duplicate person id "x"',
        'dir.yaml: people[0].lineManagerId: no person with id "nobody"',
        'dir.yaml: people[1].agencyId: no agency with id "b"',
        'dir.yaml: agencies[0].strategicSafeguardingLeadId: no person with id "ghost"',
        'dir.yaml: people[1].identities.teams.aadObjectId: already used by "x"',
      ]),
    );
  });

  it('needs exactly one partnership agency', () => {
    const r = parseDirectory('d.json', JSON.stringify({ partnership: { id: 'p', name: 'P', policyId: 'bscb' }, agencies: [{ id: 'a', name: 'A', kind: 'police' }, { id: 'b', name: 'B', kind: 'health' }], people: [] }));
    expect(r).toEqual({ ok: false, errors: ['d.json: agencies: exactly one agency must be of kind "partnership" (the Board); found 0'] });
  });

  it('gives the line and column of a YAML syntax error', () => {
    const r = parseDirectory('bad.yaml', 'partnership: { id: p\nagencies: [');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^bad\.yaml \(line \d+, column \d+\): not valid YAML: /);
    expect(parseDirectory('bad.json', '{')).toMatchObject({ ok: false, errors: [expect.stringMatching(/^bad\.json: not valid JSON: /)] });
  });

  it('catches duplicate agencies, a deputy at another agency, shared Slack identities and a bad email', () => {
    const d = {
      partnership: { id: 'p', name: 'P', policyId: 'bscb' },
      agencies: [
        { id: 'a', name: 'A', kind: 'police' },
        { id: 'a', name: 'A again', kind: 'health' },
        { id: 'board', name: 'Board', kind: 'partnership' },
      ],
      people: [
        { id: 'x', name: 'X', agencyId: 'a', roles: ['team-manager'], deputyId: 'y', email: 'not-an-email', identities: { slack: { teamId: 'T1', userId: 'U1' } } },
        { id: 'y', name: 'Y', agencyId: 'board', roles: ['board-chair'], deputyId: 'y', identities: { slack: { teamId: 'T1', userId: 'U1' } } },
        { id: 'z', name: 'Z', agencyId: 'a', roles: [] },
      ],
    };
    const r = parseDirectory('d.json', JSON.stringify(d));
    if (r.ok) throw new Error('expected errors');
    expect(r.errors).toEqual(
      expect.arrayContaining([
        'd.json: agencies[1].id: duplicate agency id "a"',
        'd.json: people[0].deputyId: "y" works at "board", not "a": a deputy covers within the same agency',
        'd.json: people[1].deputyId: a person cannot be their own line manager or deputy',
        'd.json: people[1].identities.slack.userId: already used by "x"',
        'd.json: people[0].email: must be an email address',
        expect.stringMatching(/^d\.json: people\[2\]\.roles: /),
      ]),
    );
  });
});
