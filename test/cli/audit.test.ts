/** `audit verify` on an embedded store: intact chains pass; an event edited in the database is named. */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';
import { postgresStore } from '../../src/store/postgres/postgres-store.js';
import { openPglite } from '../../src/store/postgres/sql.js';
import { message } from '../store/store-contract.js';

describe('audit verify', () => {
  it('passes intact cases and names the first broken link of a tampered one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'resolve-audit-'));
    const sql = await openPglite(join(dataDir, 'pglite'));
    const store = await postgresStore(sql, 'pglite');
    await store.append('RES-A', 0, [message(1), message(2)]);
    await store.append('RES-B', 0, [message(1), message(2), message(3)]);
    await store.close();

    const before = process.env.DATA_DIR;
    process.env.DATA_DIR = dataDir;
    try {
      expect(await cli('audit', 'verify')).toEqual({ code: 0, out: 'RES-A: 2 events, chain intact\nRES-B: 3 events, chain intact', err: '' });

      const db = await openPglite(join(dataDir, 'pglite'));
      await db.query(`UPDATE case_events SET event = jsonb_set(event, '{data,text}', '"edited"') WHERE case_ref = 'RES-B' AND seq = 2`);
      await db.close();

      const all = await cli('audit', 'verify');
      expect(all.code).toBe(1);
      expect(all.out).toBe('RES-A: 2 events, chain intact');
      expect(all.err).toBe('RES-B: BROKEN at event 2: event 2 (message-posted) was changed after it was recorded');
      expect(await cli('audit', 'verify', 'RES-A')).toMatchObject({ code: 0 });
      expect(await cli('audit', 'verify', 'RES-NONE')).toEqual({ code: 1, out: '', err: 'RES-NONE: no such case' });
    } finally {
      if (before === undefined) delete process.env.DATA_DIR;
      else process.env.DATA_DIR = before;
    }
  }, 60_000);
});
