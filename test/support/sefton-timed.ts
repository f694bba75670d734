/**
 * Sefton's procedure with a response timescale at each stage, so a response can lapse and the
 * lapse card offer Sefton's route on a condition (the pack as shipped sets none: its document
 * gives none). Each stage takes BSCB's Stage 1 timescale, as a pack with both would.
 */
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import type { Policy } from '../../src/domain/policy/schema.js';

export async function seftonTimed(): Promise<Policy> {
  const catalog = await loadPolicyCatalog();
  const sefton = catalog.get('sefton')!;
  const response = catalog.get('bscb')!.stages[0]!.response;
  return { ...sefton, stages: sefton.stages.map((s) => ({ ...s, response })) };
}
