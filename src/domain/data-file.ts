/**
 * Reading a data file's text (YAML, or JSON when the name ends in .json) against a zod schema,
 * with messages a person can act on: each names the file, the path inside it and what is wrong.
 * Policies and the directory are both read this way.
 */
import { isCollection, LineCounter, parse as parseYaml, parseDocument, YAMLParseError, type Document } from 'yaml';
import { z } from 'zod';

export type DataFileResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Shared field shapes of the data files. */
export const text = z.string().trim().min(1, 'must not be empty');
export const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens');

export type DataFileOptions = {
  /** Rewrites an older format into the current one before it is checked (policies). */
  migrate?: (doc: Document) => void;
  /** Put the line and column of the value at fault in each message. */
  positions?: boolean;
};

export function parseDataFile<S extends z.ZodType>(fileName: string, content: string, schema: S, options: DataFileOptions = {}): DataFileResult<z.infer<S>> {
  const json = fileName.endsWith('.json');
  let data: unknown;
  try {
    data = json ? JSON.parse(content) : parseYaml(content, { prettyErrors: true });
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    return { ok: false, errors: [`${fileName}${where}: not valid ${json ? 'JSON' : 'YAML'}: ${first}`] };
  }
  // The text is valid, so reading it again as a document (JSON is YAML too) only adds positions.
  let doc: Document | undefined;
  const lines = new LineCounter();
  if (options.migrate || options.positions) {
    doc = parseDocument(content, { lineCounter: lines });
    options.migrate?.(doc);
    data = doc.toJS();
  }
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  const where = (path: readonly PropertyKey[]) => (doc && options.positions ? positionOf(doc, lines, path) : '');
  return { ok: false, errors: result.error.issues.map((issue) => `${fileName}${where(issue.path)}: ${formatPath(issue.path)}: ${describe(issue)}`) };
}

/**
 * " (line L, column C)" of the value at the path, or of the nearest enclosing one that is in the
 * text (a missing field points at the mapping that should hold it).
 */
function positionOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): string {
  let node: unknown = doc.contents;
  let offset: number | undefined = rangeStart(node);
  for (const key of path) {
    if (!isCollection(node)) break;
    node = node.get(key, true);
    const start = rangeStart(node);
    if (node === undefined) break;
    if (start !== undefined) offset = start;
  }
  if (offset === undefined) return '';
  const { line, col } = lines.linePos(offset);
  return ` (line ${line}, column ${col})`;
}

const rangeStart = (node: unknown): number | undefined => (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range) ? (node.range[0] as number) : undefined);

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `is required (${issue.expected})`;
  return issue.message;
}
