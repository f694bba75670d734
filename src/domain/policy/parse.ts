/** Parsing a policy file's text into a validated Policy (see ../data-file for the messages). */
import { parseDataFile } from '../data-file.js';
import { migratePolicyDocument } from './migrate.js';
import { Policy } from './schema.js';

export type ParseResult = { ok: true; policy: Policy } | { ok: false; errors: string[] };

/** Files of an older format are migrated in memory first; every message has its line and column. */
export function parsePolicy(fileName: string, content: string): ParseResult {
  const r = parseDataFile(fileName, content, Policy, { migrate: (doc) => migratePolicyDocument(doc), positions: true });
  return r.ok ? { ok: true, policy: r.value } : r;
}
