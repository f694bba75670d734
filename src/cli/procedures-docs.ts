/**
 * docs/procedures/<id>.md: each built-in policy traced to its document (`policies trace`), kept
 * in the repository so the encoding can be read against the procedure without running anything.
 * `npm run docs:procedures` writes them; a test regenerates them in memory and compares.
 */
import { fileURLToPath } from 'node:url';
import { BUILT_IN_IDS, type PolicyCatalog } from '../app/policy-catalog.js';
import { tracePolicy } from './describe-policy.js';

export const PROCEDURES_DOCS_DIR = fileURLToPath(new URL('../../docs/procedures/', import.meta.url));

/** File name to content, for every built-in policy. */
export function proceduresDocs(catalog: PolicyCatalog): Map<string, string> {
  const docs = new Map<string, string>();
  for (const id of BUILT_IN_IDS) {
    const policy = catalog.get(id);
    if (!policy) continue;
    docs.set(`${id}.md`, `${tracePolicy(policy, { generatedNote: `Generated from \`policies/${id}.yaml\` by \`npm run docs:procedures\`; do not edit by hand.` })}\n`);
  }
  return docs;
}
