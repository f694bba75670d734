/** Run by `npm run build` after tsc: writes the embedded database's seed (see pglite-seed.ts). */
import { rename, rm, writeFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { seedFile, seedFolder } from './pglite-seed.js';

/** Makes the seed: an empty database, as PGlite's initdb leaves it, as a tarball and as a folder. */
async function makeSeed(): Promise<string> {
  const file = await seedFile();
  const db = await PGlite.create('memory://');
  let dump: Blob;
  try {
    dump = await db.dumpDataDir('gzip');
    // Written whole, then renamed, so a start never reads half a seed.
    await writeFile(`${file}.tmp`, Buffer.from(await dump.arrayBuffer()));
    await rename(`${file}.tmp`, file);
  } finally {
    await db.close();
  }
  const folder = await seedFolder();
  await rm(`${folder}.tmp`, { recursive: true, force: true });
  const onDisk = await PGlite.create(`${folder}.tmp`, { loadDataDir: dump });
  await onDisk.close();
  await rm(folder, { recursive: true, force: true });
  await rename(`${folder}.tmp`, folder);
  return file;
}

process.stdout.write(`Embedded database seed: ${await makeSeed()}\n`);
