/**
 * `prompts undeliverable`: the business unit's list of prompts that never got through (/readyz
 * answers anyone who can reach it, so it shows only the count).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { declareUndeliverable, undeliverableSummary } from '../../src/app/undeliverable.js';
import { loadDirectoryFile } from '../../src/app/directory-file.js';
import { RecordingNotifier } from '../../src/app/notifier.js';
import { openStore } from '../../src/store/open-store.js';
import { cli } from '../support/cli.js';

const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'resolve-prompts-'));
  process.env.DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('prompts undeliverable', () => {
  it('says none when every prompt got through', async () => {
    const { code, out } = await cli('prompts', 'undeliverable');
    expect(code).toBe(0);
    expect(out).toBe('0 prompt(s) could not be delivered after every try.');
  });

  it('lists each prompt declared undeliverable, newest first, with its case and person, as text and JSON', async () => {
    const loaded = await loadDirectoryFile('demo/directory.yaml');
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const { store } = await openStore({ DATA_DIR: dataDir });
    const deps = { store, notifier: new RecordingNotifier(), directory: loaded.directory };
    const prompt = (n: number) => ({ key: `deadline|RES-2026-000${n}`, kind: 'response-overdue' as const, caseRef: `RES-2026-000${n}`, to: { personId: 'csc-tm', name: 'Priya Shah' }, text: 'overdue' });
    await declareUndeliverable(deps, prompt(1), 5, new Date('2026-12-01T10:00:00Z'));
    await declareUndeliverable(deps, prompt(2), 5, new Date('2026-12-02T10:00:00Z'));
    expect((await undeliverableSummary(store, 0)).count).toBe(2);
    await store.close();

    const text = await cli('prompts', 'undeliverable');
    expect(text.code).toBe(0);
    expect(text.out.split('\n')).toEqual([
      '2 prompt(s) could not be delivered after every try; the latest:',
      '2026-12-02T10:00:00.000Z  RES-2026-0002  response-overdue to csc-tm, 5 tries',
      '2026-12-01T10:00:00.000Z  RES-2026-0001  response-overdue to csc-tm, 5 tries',
    ]);
    const json = JSON.parse((await cli('prompts', 'undeliverable', '--json')).out) as { count: number; latest: { caseRef: string }[] };
    expect(json.count).toBe(2);
    expect(json.latest.map((r) => r.caseRef)).toEqual(['RES-2026-0002', 'RES-2026-0001']);
  });
});
