/**
 * A fresh embedded database starts from a copy of an empty one made at build time (`npm run
 * build`, which `npm install` and `npm ci` run): PGlite's own initdb takes several seconds, most
 * of a first start, while unpacking the copy takes about one. The copy is named for the PGlite
 * version that made it, so after an upgrade without a rebuild PGlite simply runs initdb again.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/** dist/ at the root of the app, from src/store/postgres or dist/store/postgres alike. */
const DIST = fileURLToPath(new URL('../../../dist/', import.meta.url));

async function seedFile(): Promise<string> {
  // The package's exports hide its package.json; it sits above the file `import` resolves to.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  const { version } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version: string };
  return join(DIST, `pglite-${version}-seed.tar.gz`);
}

/**
 * The seed for a data directory that has no database yet (a throw-away memory:// one always),
 * if one was built for this PGlite. Measured here: a memory:// database in 0.9 s from the seed,
 * 2.8 to 4.4 s through initdb, which the tests open many times.
 */
export async function seedFor(dataDir: string): Promise<Blob | undefined> {
  if (!dataDir.startsWith('memory://') && existsSync(join(dataDir, 'PG_VERSION'))) return undefined;
  const file = await seedFile();
  return existsSync(file) ? new Blob([await readFile(file)]) : undefined;
}

/** Makes the seed: an empty database, as PGlite's initdb leaves it. */
export async function makeSeed(): Promise<string> {
  const file = await seedFile();
  const db = await PGlite.create('memory://');
  try {
    const dump = await db.dumpDataDir('gzip');
    // Written whole, then renamed, so a start never reads half a seed.
    await writeFile(`${file}.tmp`, Buffer.from(await dump.arrayBuffer()));
    await rename(`${file}.tmp`, file);
  } finally {
    await db.close();
  }
  return file;
}
