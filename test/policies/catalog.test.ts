/* eslint-disable @typescript-eslint/no-explicit-any -- the fixtures are plain YAML data, spoiled on purpose */
/** The built-in procedures, and how a partnership's own policy file is loaded or refused. */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { BUILT_IN_DIR, loadPolicyCatalog, validatePolicyFile } from '../../src/app/policy-catalog.js';
import type { Timescale } from '../../src/domain/policy/schema.js';

const span = (t: Timescale | undefined) => (!t ? null : t.kind === 'working-days' ? `${t.days}wd` : t.kind === 'hours' ? `${t.hours}h` : 'none');
const bscbYaml = () => parse(readFileSync(join(BUILT_IN_DIR, 'bscb.yaml'), 'utf8'));
const tmp = () => mkdtempSync(join(tmpdir(), 'resolve-policies-'));

describe('the built-in procedures', () => {
  it('have the stages and timescales of their documents', async () => {
    const c = await loadPolicyCatalog();
    const shape = (id: string) => c.get(id)!.stages.map((s) => [span(s.response), span(s.acknowledgement)]);
    expect(shape('bscb')).toEqual([['1wd', null], ['2wd', null], ['5wd', null], ['none', '2wd']]);
    expect(shape('croydon')).toEqual(Array(5).fill(['7wd', null]));
    expect(shape('worcestershire')).toEqual([['1wd', null], ['24h', null], ['none', null], ['none', null]]);
    expect(c.get('derby')!.stages).toHaveLength(6);
    // Four steps, and the route to Children's Social Care for a significant-harm concern that remains.
    expect(c.get('sefton')!.stages).toHaveLength(5);
    expect(c.get('croydon')!.stages.map((s) => s.forms.map((f) => f.id))).toEqual([[], [], ['escalation-notification-form'], [], ['escalation-notification-form']]);
    expect(c.get('croydon')!.stages.map((s) => s.formality)).toEqual(['informal', 'informal', 'formal', 'formal', 'formal']);
    expect(c.get('derby')!.stages[3]!.outcomes.map((o) => o.type)).toContain('child-protection-conference-considered');
    expect(c.get('derby')!.stages[0]!.reflectiveQuestions.length).toBeGreaterThanOrEqual(5);
    expect(c.get('bscb')!.stages[2]!.inform.map((i) => i.role)).toEqual(['board-business-manager']);
  });
});

describe('a partnership’s own policy', () => {
  it('is loaded from the extra folder beside the built-ins, with no code change', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'northshire.yaml'), stringify({ ...bscbYaml(), id: 'northshire', name: 'Northshire procedure' }));
    const c = await loadPolicyCatalog({ extraDirs: [dir] });
    expect(c.list().map((p) => p.id)).toEqual(['bscb', 'sefton', 'croydon', 'worcestershire', 'derby', 'northshire']);
    expect(c.get('northshire')!.stages).toHaveLength(4);
  });

  it('may be .yml or .json; other files in the folder are ignored', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'eastshire.yml'), stringify({ ...bscbYaml(), id: 'eastshire' }));
    writeFileSync(join(dir, 'westshire.json'), JSON.stringify({ ...bscbYaml(), id: 'westshire' }));
    writeFileSync(join(dir, 'README.md'), '# not a policy\n');
    const c = await loadPolicyCatalog({ extraDirs: [dir] });
    expect(c.list().map((p) => p.id).slice(5)).toEqual(['eastshire', 'westshire']);
  });

  it('is refused when its folder cannot be read, naming the folder', async () => {
    const dir = join(tmp(), 'missing');
    await expect(loadPolicyCatalog({ extraDirs: [dir] })).rejects.toThrow(`${dir}: the policy folder cannot be read`);
  });

  it('is refused when it reuses an id, naming both files', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'copy.yaml'), stringify(bscbYaml()));
    await expect(loadPolicyCatalog({ extraDirs: [dir] })).rejects.toThrow(`${join(dir, 'copy.yaml')}: id: "bscb" is already defined in ${join(BUILT_IN_DIR, 'bscb.yaml')}`);
  });

  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  it.each([
    ['a missing field', (p: Record<string, unknown>) => { delete p.name; }, 'name: is required', 'formatVersion: 3'],
    ['a wrong timescale kind', (p: any) => { p.stages[0].response = { kind: 'fortnights', days: 1, source: 'x' }; }, "stages[0].response.kind: Invalid discriminator value. Expected 'working-days' | 'calendar-days' | 'hours' | 'none'", 'kind: fortnights'],
    ['stages out of order', (p: any) => { p.stages[1].number = 3; }, 'stages[1].number: expected stage 2, found 3', 'number: 3'],
    ['an unknown key', (p: any) => { p.stages[0].deadline = 'soon'; }, 'stages[0]: unknown field(s) "deadline"', 'number: 1'],
    ['an unknown role', (p: any) => { p.stages[0].raisedBy.roles = ['wizard']; }, 'stages[0].raisedBy.roles[0]: ', 'wizard'],
    ['a panel without its composition', (p: any) => { delete p.stages[3].outcomes[1].panel; }, 'stages[3].outcomes[1].panel: a resolution panel needs its composition rule', 'type: resolution-panel'],
    ['a format this version does not know', (p: any) => { p.formatVersion = 4; }, 'formatVersion: must be 3; run "npm run -s cli -- policies migrate <file>"', 'formatVersion: 4'],
    ['an unknown agency kind for a role', (p: any) => { p.stages[0].raisedBy.rolesByAgencyKind = { school: ['safeguarding-lead'] }; }, 'stages[0].raisedBy.rolesByAgencyKind: unknown field(s) "school"', 'school:'],
    ['an unknown role to raise a stage via', (p: any) => { p.stages[3].raisedBy.via.roles = ['service-manager']; }, 'stages[3].raisedBy.via.roles[0]: ', 'service-manager'],
    ['a procedure for adults without Adult Social Care to call', (p: any) => { p.covers = { adults: true, source: 'individual at risk' }; }, 'urgentRoute.contacts: a procedure that covers adults lists adult-social-care', '- childrens-social-care'],
    ['an adviser in an unknown scope', (p: any) => { p.advisers = [{ role: 'senior-liaison-officer', scope: 'county', why: 'help', source: 'x' }]; }, 'advisers[0].scope: ', 'scope: county'],
  ])('is refused with a message naming the file, line, column and path: %s', async (_what, spoil, message, onLine) => {
    const file = join(tmp(), 'bad.yaml');
    const data = bscbYaml();
    spoil(data);
    const text = stringify(data);
    writeFileSync(file, text);
    const result = await validatePolicyFile(file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const pattern = new RegExp(`^${escape(file)} \\(line (\\d+), column (\\d+)\\): ${escape(message)}`);
    const error = result.errors.find((e) => pattern.test(e));
    expect({ errors: result.errors, found: Boolean(error) }).toMatchObject({ found: true });
    // The line named is the one that holds the mistake (or the mapping that lacks the field).
    const line = Number(pattern.exec(error!)![1]);
    expect(text.split('\n')[line - 1]).toContain(onLine);
  });

  it('is refused with a line number when the YAML is malformed', async () => {
    const file = join(tmp(), 'broken.yaml');
    writeFileSync(file, 'id: broken\nstages:\n  - number: 1\n   name: [unclosed\n');
    const result = await validatePolicyFile(file);
    expect(result).toEqual({ ok: false, errors: [expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(line 4, column \\d+\\): not valid YAML`))] });
  });

  it('makes the whole catalog fail to load, listing every problem, when any file is invalid', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.yaml'), 'id: a\n');
    writeFileSync(join(dir, 'b.json'), '{ not json');
    await expect(loadPolicyCatalog({ extraDirs: [dir] })).rejects.toThrow(/a\.yaml \(line 1, column 1\): version: is required[\s\S]*b\.json: not valid JSON/);
  });
});
