/**
 * Policy format versions: a file written in format 1 still loads, meaning what it meant, and
 * `policies migrate` rewrites it in the current format, keeping its comments; a migration whose
 * result would be invalid changes nothing.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicyCatalog, validatePolicyFile } from '../../src/app/policy-catalog.js';
import { parse } from 'yaml';
import { FORMAT_VERSION, type Policy } from '../../src/domain/policy/schema.js';
import { CaseDriver } from '../support/case-driver.js';
import { openCaseCommand, reachStage } from '../support/walk.js';
import { cli } from '../support/cli.js';

// Each test reads and checks whole policies; give them room on a busy machine.
jest.setTimeout(60_000);

const FORMAT_1 = fileURLToPath(new URL('./fixtures/format-1-croydon.yaml', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'resolve-formats-'));
const formsByStage = (p: { stages: { forms: { id: string }[] }[] }) => p.stages.map((s) => s.forms.map((f) => f.id));

describe('a policy file in format 1', () => {
  it('loads, with its forms meaning what they meant then: from their stage on', async () => {
    const r = await validatePolicyFile(FORMAT_1);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.policy.formatVersion).toBe(FORMAT_VERSION);
    const enf = 'escalation-notification-form';
    expect(formsByStage(r.policy)).toEqual([[], [], [enf], [enf], [enf]]);
    const dir = tmp();
    copyFileSync(FORMAT_1, join(dir, 'old.yaml'));
    expect((await loadPolicyCatalog({ extraDirs: [dir] })).get('croydon-format-1')?.stages).toHaveLength(5);
  });

  it('is rewritten in the current format by `policies migrate`, comments kept; a second run has nothing to do', async () => {
    const file = join(tmp(), 'old.yaml');
    copyFileSync(FORMAT_1, file);
    const before = await validatePolicyFile(file);
    const r = await cli('policies', 'migrate', file);
    expect(r).toMatchObject({ code: 0, out: `${file}: migrated from format 1 to ${FORMAT_VERSION} (policy "croydon-format-1" version 1).` });
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(new RegExp(`^formatVersion: ${FORMAT_VERSION}$`, 'm'));
    expect(text).toContain('# Croydon Safeguarding Children Partnership: Escalation and Resolution Policy.');
    expect(text).toContain('# The document says "Stages 3, 5, and 5" (sic); read as Stages 3 and 5.');
    const after = await validatePolicyFile(file);
    expect(after.ok && before.ok && after.policy).toEqual(before.ok && before.policy);
    expect(await cli('policies', 'migrate', file)).toMatchObject({ code: 0, out: `${file}: already in format ${FORMAT_VERSION}; nothing to do.` });
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('is left unchanged when the migrated policy would not be valid, with the reason', async () => {
    const file = join(tmp(), 'broken.yaml');
    const spoiled = readFileSync(FORMAT_1, 'utf8').replace('version: 1\n', 'version: 0\n');
    writeFileSync(file, spoiled);
    const r = await cli('policies', 'migrate', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\(line \d+, column \d+\): version: /);
    expect(r.err).toContain(`${file}: the migrated policy is not valid, so the file is unchanged.`);
    expect(readFileSync(file, 'utf8')).toBe(spoiled);
  });

  it('refuses a format it does not know, naming the command that migrates', async () => {
    const file = join(tmp(), 'future.yaml');
    writeFileSync(file, readFileSync(FORMAT_1, 'utf8').replace('id: croydon-format-1', `formatVersion: ${FORMAT_VERSION + 1}\nid: croydon-format-1`));
    const r = await validatePolicyFile(file);
    expect(r.ok ? [] : r.errors).toEqual([expect.stringMatching(/\(line \d+, column \d+\): formatVersion: must be 3; run "npm run -s cli -- policies migrate <file>"/)]);
    expect(await cli('policies', 'migrate', file)).toMatchObject({ code: 1 });
  });

  it('pinned on a case recorded before format 2, keeps its meaning: the form is still issued at Stage 4', async () => {
    // The policy as a case recorded it then: format 1, with no defaults filled in by today's schema.
    const recorded = parse(readFileSync(FORMAT_1, 'utf8')) as Policy;
    expect('formatVersion' in recorded).toBe(false);
    const read = await validatePolicyFile(FORMAT_1);
    if (!read.ok) throw new Error(read.errors.join('\n'));
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    d.do(openCaseCommand(recorded));
    // (The walk helpers pick people by the stages' roles, the same in both readings.)
    reachStage(d, read.policy, 5);
    const forms = d.events.flatMap((e) => (e.type === 'stage-opened' ? [e.data.forms] : []));
    const enf = 'escalation-notification-form';
    expect(forms).toEqual([[], [], [enf], [enf], [enf]]);
    // The event keeps the policy exactly as recorded; only the reading of it is migrated.
    const opened = d.events.find((e) => e.type === 'case-opened');
    expect(opened?.type === 'case-opened' && 'formatVersion' in opened.data.policy).toBe(false);
  });
});
