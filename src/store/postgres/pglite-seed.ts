/**
 * A fresh embedded database starts from a copy of an empty one made at build time (`npm run
 * build`, which `npm install` and `npm ci` run): PGlite's own initdb takes several seconds, most
 * of a first start. The copy is kept twice: as a folder, copied file by file into a new DATA_DIR
 * (0.2 s, measured here), and as a tarball PGlite unpacks into a throw-away memory:// database
 * (unpacking into a folder took about 1.1 s more than copying one). Both are named for the
 * PGlite version that made them, so after an upgrade without a rebuild PGlite simply runs
 * initdb again. (make-pglite-seed.ts makes them; this file only finds them, so the app's main
 * thread never loads PGlite, which runs on a thread of its own.)
 */
import { existsSync } from 'node:fs';
import { cp, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/ at the root of the app, from src/store/postgres or dist/store/postgres alike. */
const DIST = fileURLToPath(new URL('../../../dist/', import.meta.url));

export async function seedFile(): Promise<string> {
  return join(DIST, `pglite-${await pgliteVersion()}-seed.tar.gz`);
}

/** The seed as a database folder, beside the tarball. */
export const seedFolder = async () => (await seedFile()).replace(/\.tar\.gz$/, '');

async function pgliteVersion(): Promise<string> {
  // The package's exports hide its package.json; it sits above the file `import` resolves to.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The seed for a data directory that has no database yet (a throw-away memory:// one always),
 * if one was built for this PGlite. Measured here: a memory:// database in 0.9 s from the seed,
 * 2.8 to 4.4 s through initdb, which the tests open many times.
 */
export async function seedFor(dataDir: string): Promise<Blob | undefined> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory && existsSync(join(dataDir, 'PG_VERSION'))) return undefined;
  const folder = await seedFolder();
  if (!inMemory && existsSync(join(folder, 'PG_VERSION'))) {
    await cp(folder, dataDir, { recursive: true });
    return undefined;
  }
  const file = await seedFile();
  return existsSync(file) ? new Blob([await readFile(file)]) : undefined;
}
