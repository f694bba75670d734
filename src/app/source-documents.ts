/**
 * The source documents the built-in policies encode (the published procedures). They are not
 * part of the repository: they live in a folder beside it, `../shared/seeds` unless SEEDS_DIR
 * names another (relative paths are read from the repository root). Only the traceability
 * checks and `policies trace` read them; nothing at run time depends on them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function sourceDocumentsDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(REPO_ROOT, env.SEEDS_DIR || join('..', 'shared', 'seeds'));
}

/** Whitespace and line breaks (and the PDFs' non-breaking spaces) differ between a document and its quotes; nothing else may. */
export const normaliseQuote = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The folder, or the sentence saying why it cannot be used. */
export function findSourceDocuments(env: NodeJS.ProcessEnv = process.env): { ok: true; dir: string } | { ok: false; dir: string; reason: string } {
  const dir = sourceDocumentsDir(env);
  if (existsSync(dir)) return { ok: true, dir };
  return { ok: false, dir, reason: `the source documents were not found at ${dir} (set SEEDS_DIR to the folder that holds them)` };
}

/** A document's text with whitespace normalised, or undefined when the file is not in the folder. */
export function readSourceDocument(dir: string, file: string): string | undefined {
  const path = join(dir, file);
  return existsSync(path) ? normaliseQuote(readFileSync(path, 'utf8')) : undefined;
}
