/** `npm run cards:preview`: every sample card renders in Chromium with the official renderer, without complaint. */
import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardSamples, CHROMIUM, previewCards } from '../../src/cards/preview-cards.js';

if (!existsSync(CHROMIUM)) {
  describe('card previews', () => {
    it.skip(`SKIPPED: ${CHROMIUM} is not installed (apt-get install -y chromium), so the card previews were not rendered`, () => undefined);
  });
} else {
  describe('card previews', () => {
    it('renders each card with each of its samples to a PNG, with no renderer warnings', async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'resolve-cards-')), 'cards');
      const previews = await previewCards(out);
      expect(previews.map((p) => p.file.slice(out.length + 1))).toEqual(cardSamples().map((s) => s.sample.replace(/\.json$/, '.png')));
      for (const p of previews) {
        expect([p.file, p.errors]).toEqual([p.file, []]);
        expect(p.elements).toBeGreaterThanOrEqual(3);
        const png = readFileSync(p.file);
        expect(png.subarray(1, 4).toString()).toBe('PNG');
        // Width and height from the PNG header: a real picture, not an empty box.
        expect(png.readUInt32BE(16)).toBeGreaterThan(300);
        expect(png.readUInt32BE(20)).toBeGreaterThan(50);
      }
    }, 120_000);
  });
}
