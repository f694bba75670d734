/** Writes docs/procedures/<id>.md for every built-in policy (see src/cli/procedures-docs.ts). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPolicyCatalog } from '../src/app/policy-catalog.js';
import { PROCEDURES_DOCS_DIR, proceduresDocs } from '../src/cli/procedures-docs.js';

await mkdir(PROCEDURES_DOCS_DIR, { recursive: true });
for (const [name, text] of proceduresDocs(await loadPolicyCatalog())) {
  await writeFile(join(PROCEDURES_DOCS_DIR, name), text, 'utf8');
  process.stdout.write(`docs/procedures/${name}\n`);
}
