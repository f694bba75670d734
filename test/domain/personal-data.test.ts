import { mkdirSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { loadDirectoryFile } from '../../src/app/directory-file.js';
import { typedTextOf } from '../../src/domain/command-text.js';
import {
  allowListOf,
  directoryAllowList,
  findIdentifying,
  identifyingMessage,
  type AllowList,
  type IdentityKind,
  type TextField,
} from '../../src/domain/personal-data.js';
import { CLEAN, CLEAN_REFS, IDENTIFYING, IDENTIFYING_REFS } from './identity-corpus.js';
import { HELD_OUT_CLEAN, HELD_OUT_IDENTIFYING } from './identity-corpus-held-out.js';
import { actor } from '../support/people.js';

const TODAY = new Date('2026-11-30T12:00:00Z');
let allow: AllowList;
let staff: string[] = [];
beforeAll(async () => {
  const loaded = await loadDirectoryFile('demo/directory.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  allow = directoryAllowList(loaded.directory);
  staff = loaded.directory.people.map((p) => p.name);
});

const check = (text: string, field: TextField = 'free-text') => findIdentifying(text, { field, allow, today: TODAY });
const kinds = (text: string, field: TextField = 'free-text') => check(text, field).map((f) => f.kind);

describe('the case reference (strict)', () => {
  it.each(['CSC-104233', 'HLT/2026/0042', 'MASH 7781', 'ref 55-12-A', '12345', 'LL/2026/0042'])('accepts the reference %s', (ref) => {
    expect(check(ref, 'case-ref')).toEqual([]);
  });

  it.each<[string, IdentityKind]>([
    ['Jane Smith', 'name'],
    ["jayden O'Neill", 'name'],
    ['Smith', 'name'],
    ['Smith, Jayden', 'name'],
    ['baby of kelly jones', 'name'],
    ['CSC-1234 Jayden Smith', 'name'],
    ['12/03/2015', 'date-of-birth'],
    ['2015-03-12', 'date-of-birth'],
    ['March 12, 2015', 'date-of-birth'],
    ['12032015', 'date-of-birth'],
    ['born 3rd March', 'date-of-birth'],
    ['CSC-1 DOB 4 Jan', 'date-of-birth'],
    ['943 476 5919', 'nhs-number'], // a valid NHS number (modulus 11)
    ['9434765918', 'nhs-number'], // mistyped: the check digit is wrong, but it is still a child's number
    ['1203151234', 'chi-number'], // a CHI number: DDMMYY and four digits
    ['BS5 6XY', 'postcode'],
  ])('refuses %s as %s', (text, kind) => {
    expect(kinds(text, 'case-ref')).toContain(kind);
  });
});

describe('free text (professional prose)', () => {
  it('finds each piece of the example relayed on main, with the words it matched', () => {
    const found = check('Jayden Smith DOB 12/03/2015 NHS 943 476 5919, mother Kelly Jones, 14 Elm Road');
    expect(found).toEqual([
      { kind: 'name', text: 'Jayden Smith' },
      { kind: 'date-of-birth', text: '12/03/2015' },
      { kind: 'nhs-number', text: '943 476 5919' },
      { kind: 'name', text: 'Kelly Jones' },
      { kind: 'address', text: '14 Elm Road' },
    ]);
  });

  it('lets directory staff through, and not the same words as somebody else', () => {
    expect(check('Spoke to Priya Natarajan who agreed.')).toEqual([]);
    expect(kinds('Spoke to Priya Smith who agreed.')).toEqual(['name']);
    // Without the allow-list, a member of staff's name is a name like any other.
    expect(findIdentifying('Spoke to Priya Natarajan who agreed.', { field: 'free-text', today: TODAY })).not.toEqual([]);
  });

  it('tells a professional date from a date of birth', () => {
    expect(check('Strategy meeting on 3 December; please respond by Friday; review date 15/01/2027.')).toEqual([]);
    expect(check('The referral was made on 14/06/2019 and closed.')).toEqual([]);
    expect(kinds('The child born 01/11/2026 is at home.')).toEqual(['date-of-birth']);
    expect(kinds('Child of concern: 15/09/2012')).toEqual(['date-of-birth']);
  });

  it('names the age beside a name', () => {
    expect(kinds('Jayden, 7, was left at home alone.')).toEqual(['name', 'age']);
    expect(check('The child is 7 and in Year 3.')).toEqual([]);
  });

  it('says what was found and what to do, without anything else', () => {
    const message = identifyingMessage(check('Jayden Smith DOB 12/03/2015'), 'free-text');
    expect(message).toBe('This looks like it identifies a child: a name ("Jayden Smith"), a date of birth ("12/03/2015"). Nothing was sent or recorded. Use the case reference instead, and rewrite it.');
  });

  it('builds the allow-list without titles', () => {
    const list = allowListOf(['DC Laura Penhale', 'Professor Alan Whitcombe']);
    expect([...list.names]).toEqual(['laura penhale', 'alan whitcombe']);
  });
});

describe('whatever the numbers and whoever the staff', () => {
  const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const pad = (n: number) => String(n).padStart(2, '0');

  it('finds any ten digits given as an NHS number, spaced or not, whatever the check digit', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{10}$/), fc.boolean(), (digits, spaced) => {
        const shown = spaced ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : digits;
        expect(kinds(`The GP gave NHS number ${shown} for the child.`).some((k) => k === 'nhs-number' || k === 'chi-number')).toBe(true);
      }),
    );
  });

  it('finds a date of birth in any common form, from a child’s years', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2008-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 5 }), (d, form) => {
        const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
        const shown = [`${pad(day)}/${pad(m)}/${y}`, `${day}.${m}.${String(y).slice(2)}`, `${y}-${pad(m)}-${pad(day)}`, `${day} ${MONTH_NAMES[m - 1]} ${y}`, `${MONTH_NAMES[m - 1]} ${day}, ${y}`, `${pad(day)}${pad(m)}${y}`][form]!;
        expect(kinds(`Child DOB ${shown}, not registered with a GP.`)).toContain('date-of-birth');
      }),
    );
  });

  it('lets every member of the directory’s staff through, in any professional sentence', () => {
    const sentences = ['Spoke to {} who agreed to convene a strategy meeting.', '{} will share the chronology by Friday.', 'Agreed with {}: CSC to visit on 3 December.', 'Thanks {}, that is helpful.'];
    for (const name of staff) for (const s of sentences) expect([s.replace('{}', name), check(s.replace('{}', name))]).toEqual([s.replace('{}', name), []]);
  });
});

describe('every typed field of every command is checked', () => {
  const by = actor('practitioner', 'health');
  it('lists the free-text fields and the reference', () => {
    expect(typedTextOf({ type: 'post-message', actor: by, text: 'hello' })).toEqual([{ field: 'free-text', text: 'hello' }]);
    expect(typedTextOf({ type: 'propose-resolution', actor: by, summary: 's', actions: [{ description: 'd', owner: 'o', due: '2026-12-04' }] }).map((t) => t.text)).toEqual(['s', 'd', 'o']);
    expect(typedTextOf({ type: 'record-debrief', actor: by, notes: 'n', learning: 'l' }).map((t) => t.text)).toEqual(['n', 'l']);
    expect(typedTextOf({ type: 'confirm-resolution', actor: by })).toEqual([]);
  });
});

/**
 * The labelled corpus: recall (identifying text refused) and false-positive rate (clean text
 * refused), on the tuning set and, separately, on the held-out set. Written to
 * test-results/identity-guard.json and printed.
 */
describe('the labelled corpus', () => {
  const score = (identifying: string[], clean: string[], field: TextField) => {
    const missed = identifying.filter((t) => check(t, field).length === 0);
    const falsePositives = clean.filter((t) => check(t, field).length > 0);
    return {
      identifying: identifying.length,
      clean: clean.length,
      recall: (identifying.length - missed.length) / identifying.length,
      falsePositiveRate: falsePositives.length / clean.length,
      missed,
      falsePositives: falsePositives.map((t) => ({ text: t, found: check(t, field) })),
    };
  };
  const results: Record<string, ReturnType<typeof score>> = {};

  beforeAll(() => {
    results.freeText = score(IDENTIFYING, CLEAN, 'free-text');
    results.caseRef = score(IDENTIFYING_REFS, CLEAN_REFS, 'case-ref');
    results.heldOut = score(HELD_OUT_IDENTIFYING, HELD_OUT_CLEAN, 'free-text');
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/identity-guard.json', `${JSON.stringify({ date: new Date().toISOString(), ...results }, null, 2)}\n`);
    const line = (name: string, r: ReturnType<typeof score>) =>
      `${name}: ${r.identifying} identifying, ${r.clean} clean; recall ${(100 * r.recall).toFixed(1)}%, false positives ${(100 * r.falsePositiveRate).toFixed(1)}%`;
    console.log(['Identity guard corpus', line('free text (tuning)', results.freeText), line('case reference', results.caseRef), line('free text (held out)', results.heldOut)].join('\n'));
  });

  it('has at least 150 identifying and 150 clean sentences', () => {
    expect(IDENTIFYING.length).toBeGreaterThanOrEqual(150);
    expect(CLEAN.length).toBeGreaterThanOrEqual(150);
  });

  it('refuses at least 95% of the identifying sentences and at most 5% of the clean ones', () => {
    expect(results.freeText!.recall).toBeGreaterThanOrEqual(0.95);
    expect(results.freeText!.falsePositiveRate).toBeLessThanOrEqual(0.05);
  });

  it('holds case references to the strict rule', () => {
    expect(results.caseRef!.missed).toEqual([]);
    expect(results.caseRef!.falsePositives).toEqual([]);
  });

  it('does as well on the held-out sentences, never looked at while tuning', () => {
    expect(results.heldOut!.recall).toBeGreaterThanOrEqual(0.95);
    expect(results.heldOut!.falsePositiveRate).toBeLessThanOrEqual(0.05);
  });
});
