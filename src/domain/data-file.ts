/**
 * Reading a data file's text (YAML, or JSON when the name ends in .json) against a zod schema,
 * with messages a person can act on: each names the file, the path inside it and what is wrong.
 * Policies and the directory are both read this way.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';

export type DataFileResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Shared field shapes of the data files. */
export const text = z.string().trim().min(1, 'must not be empty');
export const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens');

export function parseDataFile<S extends z.ZodType>(fileName: string, content: string, schema: S): DataFileResult<z.infer<S>> {
  const json = fileName.endsWith('.json');
  let data: unknown;
  try {
    data = json ? JSON.parse(content) : parseYaml(content, { prettyErrors: true });
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    return { ok: false, errors: [`${fileName}${where}: not valid ${json ? 'JSON' : 'YAML'}: ${first}`] };
  }
  const result = schema.safeParse(data);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: formatIssues(fileName, result.error.issues) };
}

/** One line per problem: the file, the path inside it, and what is wrong. */
function formatIssues(fileName: string, issues: readonly z.core.$ZodIssue[]): string[] {
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
