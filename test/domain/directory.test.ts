import { describe, expect, it } from '@jest/globals';
import { loadDirectoryFile } from '../../src/app/directory-file.js';
import { findPersonBySlackId, findPersonByTeamsId, parseDirectory } from '../../src/domain/directory.js';

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
});
