/** Reads a configuration file, turning a read failure into one line that names the file. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export async function readTextFile(path: string): Promise<{ ok: true; text: string } | { ok: false; errors: string[] }> {
  try {
    return { ok: true, text: await readFile(resolve(path), 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, errors: [`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(e)})`}`] };
  }
}
