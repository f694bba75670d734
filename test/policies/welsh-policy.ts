/**
 * A test-only policy with Welsh: the BSCB procedure (which has no Welsh of its own) with `cy`
 * beside some of its words, a stage's response with no fixed timescale, a step and a conditional
 * route at Stage 1, and an adviser. Some words are left without Welsh on purpose, to show the
 * English fallback: Stage 3's name, the conditional route's label, the areas but Thresholds.
 * The Welsh here is for tests only; no built-in policy carries any.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { PolicyInput } from '../../src/domain/policy/schema.js';

export const WELSH_POLICY_ID = 'bscb-cy-test';

/** English and the test's Welsh for the words the tests look for. */
export const W = {
  stage1: { en: 'Team managers', cy: 'Rheolwyr tîm' },
  stage2: { en: 'Service managers / named or designated safeguarding leads', cy: 'Rheolwyr gwasanaeth' },
  /** No Welsh: the English is shown to everyone. */
  stage3: { en: 'Board members' },
  note: { en: 'Without delay, as the managers agree.', cy: 'Heb oedi, fel y cytuna’r rheolwyr.' },
  thresholds: { en: 'Thresholds', cy: 'Trothwyon' },
  step: { en: 'Reflective consultation', cy: 'Ymgynghoriad myfyriol' },
  /** The route's label has no Welsh; its condition has. */
  route: { en: 'Straight to the Board members' },
  condition: { en: 'The child remains at risk of significant harm', cy: 'Mae’r plentyn yn dal mewn perygl o niwed sylweddol' },
  adviser: { en: 'The Board business manager can advise at any stage.', cy: 'Gall rheolwr busnes y Bwrdd gynghori ar unrhyw gam.' },
  inform: { en: 'A Stage 3 escalation has been made; the Business Manager can recommend a senior contact where an agency has no Board member.', cy: 'Mae uwchgyfeirio Cam 3 wedi’i wneud.' },
  learning: { en: 'Agencies should reflect on what they learned.', cy: 'Dylai asiantaethau fyfyrio ar yr hyn a ddysgwyd.' },
  name: { en: 'BSCB Escalation Procedure', cy: 'Gweithdrefn Uwchgyfeirio BSCB' },
} as const;

export function welshPolicy(): PolicyInput {
  const p = parse(readFileSync('policies/bscb.yaml', 'utf8')) as PolicyInput & Record<string, unknown>;
  p.id = WELSH_POLICY_ID;
  p.cy = { name: W.name.cy };
  p.areasOfDisagreement[0]!.cy = { label: W.thresholds.cy };
  const [one, two, three] = p.stages;
  one!.cy = { name: W.stage1.cy };
  one!.response = { kind: 'none', note: W.note.en, source: 'test', cy: { note: W.note.cy } };
  one!.outcomes.push(
    { type: 'reflective-consultation', label: W.step.en, source: 'test', cy: { label: W.step.cy } },
    { type: 'next-stage', toStage: 3, label: W.route.en, condition: W.condition.en, source: 'test', cy: { condition: W.condition.cy } },
  );
  two!.cy = { name: W.stage2.cy };
  three!.inform![0]!.cy = { why: W.inform.cy };
  p.advisers = [{ role: 'board-business-manager', scope: 'partnership', why: W.adviser.en, source: 'test', cy: { why: W.adviser.cy } }];
  p.afterResolution = [{ text: W.learning.en, source: 'test', cy: { text: W.learning.cy } }];
  return p;
}

/** A POLICY_DIR holding the Welsh test policy, and a DIRECTORY_FILE of the demo's people using it, with these people reading Welsh. */
export function welshSetup(readWelsh: string[]): { POLICY_DIR: string; DIRECTORY_FILE: string } {
  const dir = mkdtempSync(join(tmpdir(), 'resolve-welsh-'));
  const policies = join(dir, 'policies');
  writeFileSync(join(dir, 'directory.yaml'), (() => {
    const directory = parse(readFileSync('demo/directory.yaml', 'utf8')) as { partnership: { policyId: string }; people: { id: string; language?: string }[] };
    directory.partnership.policyId = WELSH_POLICY_ID;
    for (const p of directory.people) if (readWelsh.includes(p.id)) p.language = 'cy';
    return stringify(directory);
  })());
  // A folder of its own: POLICY_DIR loads every file in it.
  mkdirSync(policies);
  writeFileSync(join(policies, 'bscb-cy.yaml'), stringify(welshPolicy()));
  return { POLICY_DIR: policies, DIRECTORY_FILE: join(dir, 'directory.yaml') };
}
