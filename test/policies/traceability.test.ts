/**
 * Every rule of every built-in policy quotes its source, and the quote must really be in the
 * source document: a rule cannot drift from the procedure it encodes. The documents live beside
 * the repository (SEEDS_DIR, default ../shared/seeds); in a clone without them these checks are
 * skipped with the reason printed, and CI, which has them, runs them.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { findSourceDocuments, normaliseQuote as normalise, readSourceDocument } from '../../src/app/source-documents.js';
import type { Policy, SourceRef } from '../../src/domain/policy/schema.js';

const BUILT_INS = ['bscb', 'sefton', 'croydon', 'worcestershire', 'derby'];
const documents = findSourceDocuments();

function seedText(file: string): string {
  if (!documents.ok) throw new Error(documents.reason);
  const text = readSourceDocument(documents.dir, file);
  if (text === undefined) throw new Error(`The source document ${file} was not found in ${documents.dir}.`);
  return text;
}

/** Every `source` anywhere in the value, with the path to it. */
function sources(value: unknown, path: string[] = []): { path: string; source: SourceRef }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => sources(v, [...path, String(i)]));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => (k === 'source' ? [{ path: [...path, k].join('.'), source: v as SourceRef }] : sources(v, [...path, k])));
}

let policies: Policy[];
beforeAll(async () => {
  policies = (await loadPolicyCatalog()).list();
});

describe('traceability', () => {
  it('finds the source of every kind of rule, however deep', () => {
    const paths = sources(policies.find((p) => p.id === 'bscb')).map((s) => s.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'areasOfDisagreement.0.source',
        'preEscalationChecks.0.source',
        'informalAttempt.source',
        'urgentRoute.source',
        'stages.0.source',
        'stages.0.raisedBy.source',
        'stages.0.receivedBy.source',
        'stages.0.response.source',
        'stages.2.inform.0.source',
        'stages.2.forms.0.source',
        'stages.3.acknowledgement.source',
        'stages.3.outcomes.1.source',
        'recording.0.source',
        'afterResolution.0.source',
      ]),
    );
  });
});

if (documents.ok) {
  describe('traceability against the source documents', () => {
    it('finds the seed documents', () => {
      for (const id of BUILT_INS) expect(seedText(policies.find((p) => p.id === id)!.document).length).toBeGreaterThan(1000);
    });

    it.each(BUILT_INS)('every rule of %s quotes its document', (id) => {
      const policy = policies.find((p) => p.id === id)!;
      const found = sources(policy);
      expect(found.length).toBeGreaterThan(20);
      const problems: string[] = [];
      for (const { path, source } of found) {
        const file = typeof source === 'string' ? policy.document : source.file;
        const quote = normalise(typeof source === 'string' ? source : source.quote);
        if (!seedText(file).includes(quote)) problems.push(`${path}: "${quote}" is not in ${file}`);
        if (quote.length < 12 || quote.split(' ').length < 3) problems.push(`${path}: "${quote}" is too short to show where it comes from`);
      }
      expect(problems).toEqual([]);
    });
  });
} else {
  describe('traceability against the source documents', () => {
    it.skip(`SKIPPED: ${documents.reason}, so no quote was checked against its document`, () => undefined);
  });
}
