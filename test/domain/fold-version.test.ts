/**
 * Snapshots (src/app/cases.ts) hold a folded case and the fold version that made it. These check
 * that a snapshot gives the same case as folding every event, and notice a change to the fold
 * that was made without raising FOLD_VERSION: the fingerprint of the fold of a set of recorded
 * cases (test/domain/fixtures/fold-cases.json, made by walking two built-in procedures) is noted
 * here per fold version.
 */
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CaseEvent } from '../../src/domain/escalation/events.js';
import { evolve, fold, FOLD_VERSION, type CaseState } from '../../src/domain/escalation/state.js';

const recorded = JSON.parse(readFileSync(new URL('./fixtures/fold-cases.json', import.meta.url), 'utf8')) as Record<string, CaseEvent[]>;

/** What each fold version makes of the recorded cases. A new version adds its line; none is edited. */
const FINGERPRINTS: Record<number, string> = {
  1: 'c962933e1f2670e98e8ec26439cb9af6c691b320e5b7efd3009b6187a3680811',
  // The state tracks who debriefed, each stage's outcome steps, who recorded a concern on another's behalf.
  2: '728c206e878b7168f57daa11c263d8fe20942f8571cb02d18db37fced335b2dd',
};

function fingerprint(): string {
  const hash = createHash('sha256');
  for (const [name, events] of Object.entries(recorded)) {
    let state: CaseState | null = null;
    for (const e of events) {
      state = evolve(state, e);
      hash.update(`${name}\n${JSON.stringify(state)}\n`);
    }
  }
  return hash.digest('hex');
}

describe('the fold and its snapshots', () => {
  it('folds the recorded cases as this fold version always has (else raise FOLD_VERSION and note the new fingerprint)', () => {
    expect({ version: FOLD_VERSION, fingerprint: fingerprint() }).toEqual({ version: FOLD_VERSION, fingerprint: FINGERPRINTS[FOLD_VERSION] });
  });

  it('gives the same case from a stored snapshot at any event plus the events since as from all the events', () => {
    for (const events of Object.values(recorded)) {
      const whole = JSON.stringify(fold(events));
      for (let at = 1; at <= events.length; at++) {
        // Stored as JSON, as every store keeps it.
        const snapshot = JSON.parse(JSON.stringify(fold(events.slice(0, at)))) as CaseState;
        expect(JSON.stringify(events.slice(at).reduce((s, e) => evolve(s, e), snapshot))).toBe(whole);
      }
    }
  });
});
