/**
 * `audit verify` and `audit seal` on an embedded store, against someone who can write to the
 * database but has not the key: intact cases pass and the head is printed; an edited event, a
 * deleted last event, a truncated case, a deleted case and a rewrite re-hashed with plain SHA-256
 * are each named; the newest records vanishing whole show only against a head noted earlier.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventHash } from '../../src/app/audit.js';
import type { CaseEvent } from '../../src/domain/escalation/events.js';
import { openStore } from '../../src/store/open-store.js';
import { postgresStore } from '../../src/store/postgres/postgres-store.js';
import { openPglite } from '../../src/store/postgres/sql.js';
import { cli } from '../support/cli.js';
import { message } from '../store/store-contract.js';

const saved = { DATA_DIR: process.env.DATA_DIR, AUDIT_KEY: process.env.AUDIT_KEY, DATABASE_URL: process.env.DATABASE_URL };
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'resolve-audit-'));
  process.env.DATA_DIR = dataDir;
  delete process.env.AUDIT_KEY;
  delete process.env.DATABASE_URL;
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** Records cases as the app does (keyed with the key made in DATA_DIR), then closes the store. */
async function record(cases: Record<string, number>) {
  const { store } = await openStore({ DATA_DIR: dataDir });
  for (const [ref, n] of Object.entries(cases)) await store.append(ref, 0, Array.from({ length: n }, (_, i) => message(i + 1)));
  await store.close();
}

/** Runs SQL on the embedded database behind the app's back. */
async function behindTheBack(work: (db: Awaited<ReturnType<typeof openPglite>>) => Promise<unknown>) {
  const db = await openPglite(join(dataDir, 'pglite'));
  try {
    await work(db);
  } finally {
    await db.close();
  }
}

const headOf = (out: string) => /^Head: (\d+:[0-9a-f]{64})$/m.exec(out)?.[1];

describe('audit verify', () => {
  it('passes intact cases, prints the keyed chain and its head, and names an edited event', async () => {
    await record({ 'RES-A': 2, 'RES-B': 3 });
    const ok = await cli('audit', 'verify');
    expect(ok).toMatchObject({ code: 0, err: '' });
    const lines = ok.out.split('\n');
    expect(lines.slice(0, 3)).toEqual(['RES-A: 2 events, chain intact', 'RES-B: 3 events, chain intact', expect.stringMatching(/^Anchor chain: 2 anchors, intact, keyed \(key [0-9a-f]{16}\)$/)]);
    expect(headOf(ok.out)).toBeDefined();

    await behindTheBack((db) => db.query(`UPDATE case_events SET event = jsonb_set(event, '{data,text}', '"edited"') WHERE case_ref = 'RES-B' AND seq = 2`));
    const all = await cli('audit', 'verify');
    expect(all.code).toBe(1);
    expect(all.out.split('\n')[0]).toBe('RES-A: 2 events, chain intact');
    expect(all.err).toBe('RES-B: BROKEN at event 2: event 2 (message-posted) was changed after it was recorded');
    expect(await cli('audit', 'verify', 'RES-A')).toMatchObject({ code: 0, err: '' });
    expect(await cli('audit', 'verify', 'RES-NONE')).toMatchObject({ code: 1, err: 'RES-NONE: no such case' });
  }, 120_000);

  it('names a deleted last event, a truncated case, a deleted case and a rewrite re-hashed with plain SHA-256', async () => {
    await record({ 'RES-A': 3, 'RES-B': 4, 'RES-C': 2, 'RES-D': 3, 'RES-E': 1 });
    await behindTheBack(async (db) => {
      await db.query(`DELETE FROM case_events WHERE case_ref = 'RES-A' AND seq = 3`);
      await db.query(`DELETE FROM case_events WHERE case_ref = 'RES-B' AND seq >= 2`);
      await db.query(`DELETE FROM case_events WHERE case_ref = 'RES-C'`);
      await db.query(`DELETE FROM case_summaries WHERE case_ref = 'RES-C'`);
      // RES-D: event 2 rewritten, and the chain from it re-computed as anyone can, without the key.
      let prev = (await db.query<{ hash: string }>(`SELECT hash FROM case_events WHERE case_ref = 'RES-D' AND seq = 1`)).rows[0]!.hash;
      for (const seq of [2, 3]) {
        const event = seq === 2 ? ({ ...message(2), data: { text: 'nothing happened here' } } as CaseEvent) : message(3);
        const hash = eventHash(prev, 'RES-D', seq, event);
        await db.query(`UPDATE case_events SET event = $2::jsonb, prev_hash = $3, hash = $4, scheme = 'sha256' WHERE case_ref = 'RES-D' AND seq = $1`, [seq, JSON.stringify(event), prev, hash]);
        prev = hash;
      }
    });
    const r = await cli('audit', 'verify');
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toEqual([
      'RES-A: BROKEN: event 3 is missing: its anchors record 3 events, 2 found',
      'RES-B: BROKEN: events 2 to 4 are missing: its anchors record 4 events, 1 found',
      'RES-C: BROKEN: the case is missing: its anchors record 2 events, none found',
      'RES-D: BROKEN at event 2: event 2 is hashed without the key after keyed events: it was rewritten or added by someone without AUDIT_KEY',
    ]);
    expect(r.out.split('\n')[0]).toBe('RES-E: 1 events, chain intact');
    expect(r.out).toMatch(/^Anchor chain: 5 anchors, intact, keyed \(key [0-9a-f]{16}\)$/m);
  }, 120_000);

  it('names a case deleted with its anchors, and the newest records removed whole when given the head noted before', async () => {
    await record({ 'RES-A': 1, 'RES-B': 1, 'RES-C': 1 });
    const noted = headOf((await cli('audit', 'verify')).out)!;
    expect(noted).toMatch(/^3:/);

    // RES-C was the newest append: it and its anchor gone, nothing inside the database shows it.
    await behindTheBack((db) => db.query(`DELETE FROM case_events WHERE case_ref = 'RES-C'; DELETE FROM audit_anchors WHERE case_ref = 'RES-C';`));
    expect(await cli('audit', 'verify')).toMatchObject({ code: 0, err: '' });
    expect(await cli('audit', 'verify', '--head', noted)).toMatchObject({
      code: 1,
      err: 'Anchor chain BROKEN: the head noted earlier (anchor 3) is missing: the chain ends at anchor 2, so the newest records were removed',
    });

    // RES-A was not: deleting it with its anchor leaves a gap in the chain.
    await behindTheBack((db) => db.query(`DELETE FROM case_events WHERE case_ref = 'RES-A'; DELETE FROM audit_anchors WHERE case_ref = 'RES-A';`));
    expect(await cli('audit', 'verify')).toMatchObject({ code: 1, err: 'Anchor chain BROKEN: anchor 1 is missing' });
    expect(await cli('audit', 'verify', '--head', 'three')).toMatchObject({ code: 2, err: expect.stringMatching(/^--head must be the head "audit verify" printed/) as unknown });
  }, 120_000);

  it('cannot be fooled by another key, and seals cases recorded before anchors but never keyed ones whose anchors are gone', async () => {
    // An installation from before anchors and keys: plain events, no anchor.
    const old = await postgresStore(await openPglite(join(dataDir, 'pglite')), 'pglite');
    await old.append('RES-OLD', 0, [message(1), message(2)]);
    await old.close();
    await behindTheBack((db) => db.query('DELETE FROM audit_anchors'));
    await record({ 'RES-A': 2 });

    process.env.AUDIT_KEY = 'another-key-0123456789abcdef-0123456789';
    expect(await cli('audit', 'verify')).toMatchObject({ code: 1, err: expect.stringMatching(/^Cannot verify: the audit records are keyed with key [0-9a-f]{16}, but AUDIT_KEY is key [0-9a-f]{16}: set the key they were made with\.$/) as unknown });
    delete process.env.AUDIT_KEY;

    expect(await cli('audit', 'verify')).toMatchObject({ code: 1, err: expect.stringMatching(/^RES-OLD: not anchored: recorded before anchors existed \(run "audit seal" once after upgrading\)/) as unknown });
    expect(await cli('audit', 'seal')).toEqual({ code: 0, out: 'RES-OLD: anchored at 2 events (anchor 2)', err: '' });
    expect(await cli('audit', 'seal')).toEqual({ code: 0, out: 'Every case is anchored already.', err: '' });
    expect(await cli('audit', 'verify')).toMatchObject({ code: 0, err: '' });

    // Every anchor deleted and RES-A cut short: sealing would vouch for the cut, so it is refused.
    await behindTheBack((db) => db.query(`DELETE FROM audit_anchors; DELETE FROM case_events WHERE case_ref = 'RES-A' AND seq = 2`));
    expect(await cli('audit', 'seal')).toEqual({
      code: 1,
      out: 'RES-OLD: anchored at 2 events (anchor 1)',
      err: 'RES-A: not sealed: BROKEN: not anchored, though its events were recorded with the key: its anchors were deleted (or its only append stopped before its anchor)',
    });
  }, 120_000);
});
