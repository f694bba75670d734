/** Reads the directory file named in the settings. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDirectory, type DirectoryResult } from '../domain/directory.js';

export async function loadDirectoryFile(path: string): Promise<DirectoryResult> {
  let text: string;
  try {
    text = await readFile(resolve(path), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, errors: [`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(e)})`}`] };
  }
  return parseDirectory(path, text);
}
