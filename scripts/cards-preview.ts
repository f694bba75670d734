/** `npm run cards:preview`: every card with its sample data, as PNGs in build/cards/. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHROMIUM, previewCards } from '../src/cards/preview-cards.js';

if (!existsSync(CHROMIUM)) {
  process.stderr.write(`cards:preview: ${CHROMIUM} is not installed (apt-get install -y chromium).\n`);
  process.exit(1);
}
const previews = await previewCards(resolve('build/cards'));
for (const p of previews) process.stdout.write(`${p.file}${p.errors.length ? `  (renderer: ${p.errors.join('; ')})` : ''}\n`);
