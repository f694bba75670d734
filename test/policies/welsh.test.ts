/**
 * Welsh beside English: a policy's words may carry a `cy` translation; a person whose directory
 * entry says `language: cy` is shown it (here, in the intake walk; on the case's cards, notices
 * and `status` in test/app/welsh-readers.test.ts and test/flows/welsh.test.ts), English wherever
 * it is missing. A policy without Welsh is unchanged, and files of the older formats keep loading.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { directoryFromCsv } from '../../src/domain/directory-csv.js';
import { Directory } from '../../src/domain/directory.js';
import { complete, intakeSteps, STEP, type IntakeContext } from '../../src/domain/intake.js';
import { parsePolicy } from '../../src/domain/policy/parse.js';
import { FORMAT_VERSION, Policy, say, type PolicyInput } from '../../src/domain/policy/schema.js';
import { demoDirectory, demoPeopleCsv } from '../directory/support.js';

const input = (): PolicyInput => ({
  id: 'test',
  version: 1,
  name: 'Test procedure',
  partnership: 'Test partnership',
  document: 'test.txt',
  areasOfDisagreement: [
    { id: 'thresholds', label: 'Thresholds', source: 'q', cy: { label: 'Trothwyon' } },
    { id: 'plans', label: 'Plans', source: 'q' },
  ],
  preEscalationChecks: [{ id: 'focus', question: 'Is the focus on the child?', source: 'q', cy: { question: 'Ai’r plentyn yw’r ffocws?' } }],
  offRamps: [{ id: 'complaint', question: 'Is this a complaint?', guidance: 'Use the complaints policy.', source: 'q', cy: { question: 'Ai cwyn yw hon?', guidance: 'Defnyddiwch y polisi cwynion.' } }],
  reflectiveQuestions: [{ heading: 'What is life like for the child?', questions: ['How serious is it?'], source: 'q', cy: { heading: 'Sut fywyd sydd gan y plentyn?', questions: ['Pa mor ddifrifol yw hyn?'] } }],
  urgentRoute: { question: 'Is the child at risk of immediate harm?', guidance: 'Call now.', contacts: ['police'], opensCase: false, source: 'q', cy: { question: 'A yw’r plentyn mewn perygl o niwed uniongyrchol?' } },
  stages: [
    {
      number: 1,
      name: 'Managers',
      summary: 'Managers discuss.',
      raisedBy: { roles: ['team-manager'], scope: 'escalating-agency', source: 'q' },
      receivedBy: { roles: ['team-manager'], scope: 'receiving-agency', source: 'q' },
      response: { kind: 'none', note: 'Without delay.', source: 'q', cy: { note: 'Heb oedi.' } },
      outcomes: [{ type: 'resolved', label: 'Resolved', source: 'q', cy: { label: 'Wedi’i ddatrys' } }],
      source: 'q',
      cy: { name: 'Rheolwyr' },
    },
  ],
  cy: { name: 'Gweithdrefn brawf' },
});
const ctx = (language?: 'cy' | 'en'): IntakeContext => ({ otherAgencies: [{ value: 'police', label: 'County Police' }], ...(language ? { language } : {}) });

describe('Welsh beside English', () => {
  it('is said in Welsh where given, in English where not, and in English to everyone else', () => {
    const p = Policy.parse(input());
    expect(say(p, 'name', 'cy')).toBe('Gweithdrefn brawf');
    expect(say(p, 'name', 'en')).toBe('Test procedure');
    expect(say(p.stages[0]!, 'name', 'cy')).toBe('Rheolwyr');
    expect(say(p.stages[0]!, 'summary', 'cy')).toBe('Managers discuss.');
    const none = p.stages[0]!.response;
    expect(none.kind === 'none' && say(none, 'note', 'cy')).toBe('Heb oedi.');
  });

  it('walks a Welsh speaker through the policy’s words in Welsh', () => {
    const p = Policy.parse(input());
    const prompts = (lang?: 'cy' | 'en') => intakeSteps(p, ctx(lang), { [STEP.urgent]: false }).map((s) => [s.prompt, s.kind === 'choice' ? s.choices.map((c) => c.label) : s.help ?? null]);
    const cy = prompts('cy');
    expect(cy[0]![0]).toBe('A yw’r plentyn mewn perygl o niwed uniongyrchol?');
    expect(cy.map((s) => s[0])).toEqual(expect.arrayContaining(['Ai cwyn yw hon?', 'Ai’r plentyn yw’r ffocws?', 'Sut fywyd sydd gan y plentyn?']));
    // The area without Welsh falls back to English.
    expect(cy.find((s) => s[0] === 'What is the disagreement mainly about?')![1]).toEqual(['Trothwyon', 'Plans']);
    expect(cy.find((s) => s[0] === 'Sut fywyd sydd gan y plentyn?')![1]).toBe('Pa mor ddifrifol yw hyn?');
    // English for everyone else: the same walk as a policy without Welsh.
    const plain = Policy.parse(JSON.parse(JSON.stringify(input(), (k, v: unknown) => (k === 'cy' ? undefined : v))) as PolicyInput);
    expect(prompts('en')).toEqual(intakeSteps(plain, ctx(), { [STEP.urgent]: false }).map((s) => [s.prompt, s.kind === 'choice' ? s.choices.map((c) => c.label) : s.help ?? null]));
    expect(prompts()).toEqual(prompts('en'));
    // Where the walk ends with the policy's guidance, that is in Welsh too.
    expect(complete(p, ctx('cy'), { [STEP.urgent]: false, 'off-ramp:complaint': true })).toEqual({ kind: 'off-ramp', guidance: 'Defnyddiwch y polisi cwynion.' });
  });

  it('is checked: only the object’s own words, and every reflective question', () => {
    const bad = input();
    bad.areasOfDisagreement[0]!.cy = { title: 'x' } as never;
    bad.reflectiveQuestions![0]!.cy = { questions: ['Un', 'Dau'] };
    const r = Policy.safeParse(bad);
    expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      expect.stringMatching(/^areasOfDisagreement\.0\.cy: Unrecognized key/),
      'reflectiveQuestions.0.cy.questions: give the Welsh of each of the 1 questions, in the same order',
    ]);
  });
});

describe('a policy without Welsh', () => {
  let built: Awaited<ReturnType<typeof loadPolicyCatalog>>;
  beforeAll(async () => {
    built = await loadPolicyCatalog();
  });

  it('reads as before: the built-in policies carry no cy, and are in the current format', () => {
    for (const p of built.list()) {
      expect(p.formatVersion).toBe(FORMAT_VERSION);
      expect(JSON.stringify(p)).not.toContain('"cy"');
    }
  });

  it('of format 2 still loads, in the current format with the same rules', () => {
    const text = readFileSync('policies/derby.yaml', 'utf8');
    const old = parsePolicy('derby-format-2.yaml', text.replace(/^formatVersion: 3$/m, 'formatVersion: 2'));
    const now = parsePolicy('derby.yaml', text);
    if (!old.ok || !now.ok) throw new Error('did not load');
    expect(old.policy).toEqual(now.policy);
    expect(old.policy.formatVersion).toBe(3);
  });
});

describe('a person’s language', () => {
  it('is kept in the directory, and in the people CSV', () => {
    const demo = demoDirectory();
    const d = Directory.parse({ ...demo, people: demo.people.map((p) => (p.id === 'csc-sw' ? { ...p, language: 'cy' } : p)) });
    expect(d.people.find((p) => p.id === 'csc-sw')?.language).toBe('cy');
    expect(d.people.find((p) => p.id === 'csc-tm')?.language).toBeUndefined();
    // The demo's people with a language column, and one more person who reads Welsh.
    const [header, ...rows] = demoPeopleCsv().trim().split('\n');
    const csv = (language: string) =>
      directoryFromCsv({
        people: { name: 'people.csv', text: [`${header},language`, ...rows.map((r) => `${r},`), `welsh@police.example.org,Nia Jones,police,practitioner,,,,,,${language}`].join('\n') + '\n' },
        partnership: demo.partnership,
        current: demo,
      });
    const ok = csv('cy');
    if (!ok.ok) throw new Error(ok.errors.join('\n'));
    expect(ok.directory.people.at(-1)).toMatchObject({ name: 'Nia Jones', language: 'cy' });
    expect(ok.directory.people[0]).not.toHaveProperty('language');
    const bad = csv('fr');
    expect(bad.ok ? [] : bad.errors).toEqual([`people.csv, line ${rows.length + 2}: language must be en or cy (empty means en), not "fr"`]);
  });
});
