/** Parsing a policy file's text into a validated Policy (see ../data-file for the messages). */
import { parseDataFile } from '../data-file.js';
import { Policy } from './schema.js';

export type ParseResult = { ok: true; policy: Policy } | { ok: false; errors: string[] };

export function parsePolicy(fileName: string, content: string): ParseResult {
  const r = parseDataFile(fileName, content, Policy);
  return r.ok ? { ok: true, policy: r.value } : r;
}
