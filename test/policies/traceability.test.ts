/**
 * Every rule of every built-in policy quotes its source, and the quote must really be in the
 * seed document: a rule cannot drift from the procedure it encodes.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import type { Policy, SourceRef } from '../../src/domain/policy/schema.js';

const SEEDS = resolve(process.cwd(), '..', 'shared', 'seeds');
// Whitespace and line breaks differ between the documents and the quotes; nothing else may.
const normalise = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Every `source` in the policy, with the path to it. */
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
    expect({ seeds: SEEDS, found: existsSync(SEEDS) }).toEqual({ seeds: SEEDS, found: true });
  });

  it.each(['bscb', 'sefton', 'croydon', 'worcestershire', 'derby'])('every rule of %s quotes its document', (id) => {
    const policy = policies.find((p) => p.id === id)!;
    const found = sources(policy);
    expect(found.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const { path, source } of found) {
      const file = typeof source === 'string' ? policy.document : source.file;
      const quote = typeof source === 'string' ? source : source.quote;
      const text = normalise(readFileSync(join(SEEDS, file), 'utf8'));
      if (!text.includes(normalise(quote))) missing.push(`${path}: "${quote}" is not in ${file}`);
      if (normalise(quote).length < 12) missing.push(`${path}: "${quote}" is too short to identify where it comes from`);
    }
    expect(missing).toEqual([]);
  });
});
