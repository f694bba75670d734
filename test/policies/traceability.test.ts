/**
 * Every rule of every built-in policy quotes its source, and the quote must really be in the
 * seed document: a rule cannot drift from the procedure it encodes.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import type { Policy, SourceRef } from '../../src/domain/policy/schema.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The seed documents live beside the repository, in ../shared/seeds. */
const SEEDS = resolve(REPO_ROOT, '..', 'shared', 'seeds');
const BUILT_INS = ['bscb', 'sefton', 'croydon', 'worcestershire', 'derby'];

// Whitespace and line breaks (and the PDFs' non-breaking spaces) differ between the documents and
// the quotes; nothing else may.
const normalise = (s: string) => s.replace(/\s+/g, ' ').trim();

function seedText(file: string): string {
  if (!existsSync(SEEDS)) {
    throw new Error(`The seed documents were not found: expected the folder ${SEEDS} (shared/seeds beside the repository at ${REPO_ROOT}).`);
  }
  const path = join(SEEDS, file);
  if (!existsSync(path)) throw new Error(`The seed document ${file} was not found in ${SEEDS}.`);
  return normalise(readFileSync(path, 'utf8'));
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
  it('finds the seed documents', () => {
    if (!existsSync(SEEDS)) throw new Error(`The seed documents were not found: expected the folder ${SEEDS} (shared/seeds beside the repository at ${REPO_ROOT}).`);
    for (const id of BUILT_INS) expect(seedText(policies.find((p) => p.id === id)!.document).length).toBeGreaterThan(1000);
  });

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
