/** The directory kept as CSV: checked with every problem on its line, and imported into the store by the command line. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directoryFromCsv } from '../../src/domain/directory-csv.js';
import { cli } from '../support/cli.js';
import { demoAgenciesCsv, demoDirectory, demoPeopleCsv, emailOf } from './support.js';

const demo = demoDirectory();
const build = (people: string, agencies?: string) =>
  directoryFromCsv({ people: { name: 'people.csv', text: people }, ...(agencies ? { agencies: { name: 'agencies.csv', text: agencies } } : {}), partnership: demo.partnership, current: demo });

describe('a people CSV', () => {
  it('builds the demo partnership again, keeping each person’s id and Teams identity', () => {
    const r = build(demoPeopleCsv(), demoAgenciesCsv());
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.directory.people.map((p) => p.id)).toEqual(demo.people.map((p) => p.id));
    const sam = r.directory.people.find((p) => p.id === 'csc-sw')!;
    expect(sam).toMatchObject({ email: emailOf('csc-sw'), lineManagerId: 'csc-tm', identities: { teams: { aadObjectId: '00000000-0000-0000-0000-000000000001' } } });
    expect(r.directory.people.find((p) => p.id === 'police-tm')).toMatchObject({ available: false, deputyId: 'police-tm-deputy' });
    expect(r.directory.agencies).toEqual(demo.agencies);
  });

  it('gives a person listed without an id one made from their email, and no platform identity', () => {
    const r = build(demoPeopleCsv(['new.worker@police.example.org,Nia Worker,police,practitioner,PC,police-tm@demo.example,,,']));
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.directory.people.at(-1)).toMatchObject({ id: 'new-worker-police-example-org', email: 'new.worker@police.example.org', lineManagerId: 'police-tm', identities: {} });
  });

  it('reports every problem with its line, and builds nothing', () => {
    const r = build(
      demoPeopleCsv([
        'not-an-email,Bad Email,police,practitioner,,,,,',
        'csc-sw@demo.example,Twice Listed,csc,practitioner,,,,,',
        'a@x.org,Unknown Agency,fire,practitioner,,,,,',
        'b@x.org,Unknown Manager,police,practitioner,,nobody@x.org,,,',
        'c@x.org,Unknown Role,police,practitioner;wizard,,,,,',
        'd@x.org,Odd Availability,police,practitioner,,,,maybe,',
      ]),
    );
    expect(r.ok).toBe(false);
    const line = demo.people.length + 2; // the header, then the demo's people
    expect(!r.ok && r.errors).toEqual([
      `people.csv, line ${line}: "not-an-email" is not an email address`,
      `people.csv, line ${line + 1}: csc-sw@demo.example is already listed on line 2`,
      `people.csv, line ${line + 2}: agency "fire" is not one of csc, police, health, school, board`,
      `people.csv, line ${line + 3}: manager nobody@x.org is not a person in people.csv`,
      expect.stringMatching(new RegExp(`^people.csv, line ${line + 4}: unknown role "wizard" \\(known: `)),
      `people.csv, line ${line + 5}: available must be yes or no (empty means yes), not "maybe"`,
    ]);
  });

  it('reports an unknown column, an unknown agency kind, and a rule across rows with its line', () => {
    expect(build('email,name,agency,roles,shoeSize\n')).toEqual({ ok: false, errors: [expect.stringContaining('people.csv: no rows'), 'people.csv, line 1: unknown column "shoeSize" (known: email, name, agency, roles, jobTitle, manager, deputy, available, id, language)'] });
    const agencies = demoAgenciesCsv().replace('police,County Police,police', 'police,County Police,constabulary').replace(',"County Police",police,', ',"County Police",constabulary,');
    expect(build(demoPeopleCsv(), agencies)).toEqual({ ok: false, errors: [expect.stringMatching(/^agencies\.csv, line 3: kind "constabulary" is not one of /)] });
    // A deputy from another agency: the directory's own rule, placed on the person's line.
    const crossed = demoPeopleCsv().replace(/^(police-tm@demo\.example,.*?),police-tm-deputy@demo\.example,/m, '$1,csc-tm@demo.example,');
    const r = build(crossed, demoAgenciesCsv());
    expect(!r.ok && r.errors).toEqual([expect.stringMatching(/^people\.csv, line \d+: deputyId: "csc-tm" works at "csc", not "police"/)]);
  });
});

describe('an agencies CSV', () => {
  it('may say which agency serves another (its officers act for it where nobody there can)', () => {
    const [header, ...rows] = demoAgenciesCsv().trim().split('\n');
    const agencies = [`${header},servedBy`, ...rows.map((r) => (r.startsWith('school,') ? `${r},csc` : `${r},`))].join('\n') + '\n';
    const r = build(demoPeopleCsv(), agencies);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.directory.agencies.find((a) => a.id === 'school')?.servedBy).toBe('csc');
    expect(r.directory.agencies.find((a) => a.id === 'police')).not.toHaveProperty('servedBy');
    const bad = build(demoPeopleCsv(), agencies.replace('school,"Oakfield Primary School",education,,school-head@demo.example,csc', 'school,"Oakfield Primary School",education,,school-head@demo.example,fire'));
    expect(bad.ok ? [] : bad.errors).toEqual([expect.stringMatching(/servedBy: no agency with id "fire"/)]);
  });
});

describe('npm run cli -- directory import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resolve-directory-'));
  const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
  beforeAll(() => {
    process.env.DATA_DIR = join(dir, 'data');
    delete process.env.DATABASE_URL;
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  });
  const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));

  it('refuses a file with problems, line by line, and imports nothing', async () => {
    const r = await cli('directory', 'import', file('bad.csv', demoPeopleCsv(['someone@x.org,Some One,police,archmage,,,,,'])));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^bad.csv, line ${demo.people.length + 2}: unknown role "archmage"`));
    expect(r.err).toMatch(/Nothing was imported: 1 problem\.$/);
    expect((await cli('directory', 'bindings')).out).toBe(`0 bindings. Of ${demo.people.length} people, ${demo.people.filter((p) => p.identities.teams).length} can be reached on Teams and ${demo.people.filter((p) => p.identities.slack).length} on Slack.`);
  }, 60_000);

  it('imports a good file, and the bindings command reads it back', async () => {
    const r = await cli('directory', 'import', file('people.csv', demoPeopleCsv(['nia@police.example.org,Nia Worker,police,practitioner,,,,,'])), '--agencies', file('agencies.csv', demoAgenciesCsv()));
    expect(r).toMatchObject({ code: 0, out: `Imported ${demo.people.length + 1} people in 5 agencies for Demo Safeguarding Children Board. Running apps use it from their next message.` });
    expect((await cli('directory', 'bindings')).out).toMatch(new RegExp(`^0 bindings\\. Of ${demo.people.length + 1} people, `));
  }, 60_000);

  it('says how it is used when the file is missing', async () => {
    expect(await cli('directory', 'import')).toMatchObject({ code: 2, err: expect.stringContaining('directory import takes one people CSV file') });
    expect(await cli('directory', 'import', join(dir, 'nowhere.csv'))).toMatchObject({ code: 1, err: expect.stringContaining('nowhere.csv: no such file') });
  });
});
