/** The command line, run in-process through the same `run` that `npm run cli` calls. */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

describe('policies', () => {
  it('lists the five built-in procedures, one line each with their number of stages', async () => {
    const { code, out } = await cli('policies', 'list');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['bscb', 'sefton', 'croydon', 'worcestershire', 'derby']);
    expect(lines[0]).toMatch(/\(4 stages\)$/);
    expect(lines[4]).toMatch(/\(6 stages\)$/);
  });

  it('shows a procedure with the source of its rules', async () => {
    const { code, out } = await cli('policies', 'show', 'bscb');
    expect(code).toBe(0);
    expect(out).toContain('Stage 3:');
    expect(out).toContain('000_98401728e0d66dee.txt');
    expect(out).toMatch(/5 working days/);
  });

  it('shows the document’s words once: no label added twice, and the document by its title', async () => {
    for (const id of ['bscb', 'croydon']) {
      const { out } = await cli('policies', 'show', id);
      expect(out).not.toMatch(/\((binding|informal|formal)\)[^\n]*\(\1\)/i);
    }
    expect((await cli('policies', 'show', 'croydon')).out).toContain('Stage 1: Practitioners (informal):');
    expect((await cli('policies', 'show', 'bscb')).out).toContain('Source: BSCB Escalation Procedures - Resolution of Professional Disagreements');
  });

  it('says which ids exist when asked for an unknown one', async () => {
    const { code, err } = await cli('policies', 'show', 'nowhere');
    expect(code).toBe(2);
    expect(err).toMatch(/No policy "nowhere"\. Known: bscb, sefton/);
  });

  it('validates a file: exit 0 when valid, exit 1 with messages naming the file and path when not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resolve-cli-'));
    const good = await cli('policies', 'validate', 'policies/bscb.yaml');
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/valid policy "bscb"/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'id: Bad Id\nversion: 1\n');
    const result = await cli('policies', 'validate', bad);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${bad} (line 1, column 5): id: must be lower-case`);
    expect(result.err).toMatch(/stages: is required/);
  });
});

describe('deadline', () => {
  it('prints the Stage 1 due instant over Christmas (the issue’s example)', async () => {
    const { code, out } = await cli('deadline', '--policy', 'bscb', '--stage', '1', '--from', '2026-12-24T15:00:00Z');
    expect(code).toBe(0);
    expect(out.startsWith('2026-12-29T15:00:00+00:00')).toBe(true);
  });

  it('prints JSON with the due instant and the working days', async () => {
    const { code, out } = await cli('deadline', '--policy', 'bscb', '--stage', '3', '--from', '2026-11-27T16:30:00Z', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ policy: 'bscb', stage: 3, due: '2026-12-04T16:30:00+00:00', workingDays: 5 });
  });

  it('uses another region’s bank holidays when asked', async () => {
    // Friday 27 Nov 2026 + 1 working day: Monday 30th in England, Tuesday 1 Dec in Scotland (St Andrew's Day).
    const ew = await cli('deadline', '--policy', 'bscb', '--stage', '1', '--from', '2026-11-27T10:00:00Z', '--json');
    const sc = await cli('deadline', '--policy', 'bscb', '--stage', '1', '--from', '2026-11-27T10:00:00Z', '--region', 'scotland', '--json');
    expect(JSON.parse(ew.out).due).toBe('2026-11-30T10:00:00+00:00');
    expect(JSON.parse(sc.out).due).toBe('2026-12-01T10:00:00+00:00');
  });

  it('gives elapsed hours where the procedure counts hours', async () => {
    const { out } = await cli('deadline', '--policy', 'worcestershire', '--stage', '2', '--from', '2026-11-27T10:00:00Z', '--json');
    expect(JSON.parse(out)).toMatchObject({ due: '2026-11-28T10:00:00+00:00', hours: 24 });
  });

  it.each([
    [['deadline', '--policy', 'bscb', '--stage', '9', '--from', '2026-12-24T15:00:00Z'], /stages 1 to 4/],
    [['deadline', '--policy', 'bscb', '--stage', '1', '--from', 'Christmas'], /ISO 8601/],
    [['deadline', '--policy', 'bscb', '--stage', '1', '--from', '2026-12-24T15:00:00Z', '--region', 'wales'], /--region must be one of/],
    [['deadline', '--policy', 'bscb'], /needs --policy, --stage and --from/],
    [['deadline', '--policy', 'bscb', '--stage', '1', '--from', '2026-12-24T15:00:00Z', '--colour'], /Unknown option/],
    [['frobnicate'], /Unknown command/],
  ])('explains a wrong command (%j) with exit code 2', async (argv, message) => {
    const { code, err } = await cli(...argv);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });
});
