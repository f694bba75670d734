/**
 * Parsing a policy file's text into a validated Policy, with messages a person can act on:
 * each names the file, the path inside it and what is wrong.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { Policy } from './schema.js';

export type ParseResult = { ok: true; policy: Policy } | { ok: false; errors: string[] };

export function parsePolicy(fileName: string, content: string): ParseResult {
  let data: unknown;
  try {
    data = fileName.endsWith('.json') ? JSON.parse(content) : parseYaml(content, { prettyErrors: true });
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    return { ok: false, errors: [`${fileName}${where}: not valid ${fileName.endsWith('.json') ? 'JSON' : 'YAML'}: ${first}`] };
  }
  const result = Policy.safeParse(data);
  if (result.success) return { ok: true, policy: result.data };
  return { ok: false, errors: formatIssues(fileName, result.error.issues) };
}

/** One line per problem: the file, the path inside it, and what is wrong. */
export function formatIssues(fileName: string, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${fileName}: ${formatPath(issue.path)}: ${describe(issue)}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `is required (${issue.expected})`;
  return issue.message;
}
