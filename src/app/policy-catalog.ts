/**
 * The policy catalog: the built-in procedures in `policies/`, plus any files in the extra folders
 * a partnership configures (POLICY_DIR). Adding a procedure is adding a file. If any file is
 * invalid, loading fails with every problem listed, each naming its file, so nobody runs a case
 * under a half-read procedure.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePolicy, type ParseResult } from '../domain/policy/parse.js';
import type { Policy } from '../domain/policy/schema.js';
import { readTextFile } from './read-text-file.js';

export const BUILT_IN_DIR = fileURLToPath(new URL('../../policies/', import.meta.url));
/** The built-ins, in the order they are listed; extra policies follow, by id. */
export const BUILT_IN_IDS = ['bscb', 'sefton', 'croydon', 'worcestershire', 'derby'];
const BUILT_IN_ORDER = BUILT_IN_IDS;
const POLICY_FILE = /\.(ya?ml|json)$/;

export type PolicyCatalog = { list(): Policy[]; get(id: string): Policy | undefined };

export async function loadPolicyCatalog(options: { extraDirs?: string[] } = {}): Promise<PolicyCatalog> {
  const files: string[] = [];
  const errors: string[] = [];
  for (const dir of [BUILT_IN_DIR, ...(options.extraDirs ?? [])]) {
    try {
      const names = (await readdir(dir)).filter((n) => POLICY_FILE.test(n)).sort();
      files.push(...names.map((n) => join(dir, n)));
    } catch {
      errors.push(`${dir}: the policy folder cannot be read`);
    }
  }
  const byId = new Map<string, { policy: Policy; file: string }>();
  for (const file of files) {
    const result = await validatePolicyFile(file);
    if (!result.ok) {
      errors.push(...result.errors);
      continue;
    }
    const seen = byId.get(result.policy.id);
    if (seen) errors.push(`${file}: id: "${result.policy.id}" is already defined in ${seen.file}`);
    else byId.set(result.policy.id, { policy: result.policy, file });
  }
  if (errors.length) throw new Error(`Invalid policy files:\n${errors.join('\n')}`);
  const rank = (id: string) => (BUILT_IN_ORDER.includes(id) ? BUILT_IN_ORDER.indexOf(id) : BUILT_IN_ORDER.length);
  const policies = [...byId.values()].map((v) => v.policy).sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
  return { list: () => policies, get: (id) => byId.get(id)?.policy };
}

export async function validatePolicyFile(path: string): Promise<ParseResult> {
  const file = await readTextFile(path);
  return file.ok ? parsePolicy(path, file.text) : file;
}
