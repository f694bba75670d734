/** Run by `npm run build` after tsc: writes the embedded database's seed (see pglite-seed.ts). */
import { makeSeed } from './pglite-seed.js';

process.stdout.write(`Embedded database seed: ${await makeSeed()}\n`);
