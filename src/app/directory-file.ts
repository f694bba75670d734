/** Reads the directory file named in the settings. */
import { parseDirectory, type DirectoryResult } from '../domain/directory.js';
import { readTextFile } from './read-text-file.js';

export async function loadDirectoryFile(path: string): Promise<DirectoryResult> {
  const file = await readTextFile(path);
  return file.ok ? parseDirectory(path, file.text) : file;
}
