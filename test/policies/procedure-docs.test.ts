/** docs/procedures/<id>.md are what `npm run docs:procedures` writes from the policies today. */
import { describe, expect, it, jest } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { PROCEDURES_DOCS_DIR, proceduresDocs } from '../../src/cli/procedures-docs.js';
import { cli } from '../support/cli.js';

// Each test reads and checks whole policies; give them room on a busy machine.
jest.setTimeout(60_000);

describe('docs/procedures', () => {
  it('holds one current page per built-in policy (run `npm run docs:procedures` after changing a policy)', async () => {
    const docs = proceduresDocs(await loadPolicyCatalog());
    expect(readdirSync(PROCEDURES_DOCS_DIR).sort()).toEqual([...docs.keys()].sort());
    for (const [name, text] of docs) expect({ name, text: readFileSync(join(PROCEDURES_DOCS_DIR, name), 'utf8') }).toEqual({ name, text });
  });

  it('is `policies trace`: each rule under the document’s sentence, with any assumption', async () => {
    const { code, out } = await cli('policies', 'trace', 'bscb');
    expect(code).toBe(0);
    expect(out).toContain('> A response must be received from the organisation who receives the escalation within a maximum timescale of 24 hours of escalation (1 working day).\n\n- **response**: 1 working day\n- **assumption**: The document gives both "24 hours" and "(1 working day)"');
    expect(out).toContain('> If concerns continue BSCB Service Manager will refer the situation to the Chair of the BSCB\n\n- **raised via**: Board quality assurance service manager (partnership); if none, Board business manager');
    expect(readFileSync(join(PROCEDURES_DOCS_DIR, 'bscb.md'), 'utf8')).toContain(out.split('\n').slice(6).join('\n'));
  });
});
