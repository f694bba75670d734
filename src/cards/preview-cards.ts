/**
 * Renders every card template with each of its sample data files to a PNG, with the official
 * Adaptive Cards renderer in headless Chromium, so a person can look at them without Teams.
 * `npm run cards:preview` writes them to build/cards/.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CARD_NAMES, CARDS_DIR, renderCard, type CardName } from './render-card.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Each sample file of each card: `<name>.json` and variants `<name>.<variant>.json`. */
export function cardSamples(): { card: CardName; sample: string }[] {
  const files = readdirSync(join(CARDS_DIR, 'samples'));
  return CARD_NAMES.flatMap((card) => files.filter((f) => f === `${card}.json` || (f.startsWith(`${card}.`) && /^[a-z-]+\.[a-z-]+\.json$/.test(f))).sort().map((sample) => ({ card, sample })));
}

export type Preview = { file: string; elements: number; errors: string[] };

export async function previewCards(outDir: string): Promise<Preview[]> {
  const require = createRequire(import.meta.url);
  const renderer = readFileSync(require.resolve('adaptivecards/dist/adaptivecards.min.js'), 'utf8');
  const css = readFileSync(require.resolve('adaptivecards/dist/adaptivecards.css'), 'utf8');
  mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const previews: Preview[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 520, height: 400 } });
    for (const { card, sample } of cardSamples()) {
      const data = JSON.parse(readFileSync(join(CARDS_DIR, 'samples', sample), 'utf8')) as Record<string, unknown>;
      await page.setContent(`<html><head><style>${css} body{font-family:sans-serif;margin:0;padding:16px;background:#f5f5f5} #card{background:#fff;width:480px}</style></head><body><div id="card"></div></body></html>`);
      await page.addScriptTag({ content: renderer });
      const result = await page.evaluate(`(() => {
        const card = new AdaptiveCards.AdaptiveCard();
        const errors = [];
        card.parse(${JSON.stringify(renderCard(card, data))});
        for (const e of card.validateProperties().validationEvents) errors.push(e.message);
        const el = card.render();
        document.getElementById('card').appendChild(el);
        return { elements: el ? el.querySelectorAll('*').length : 0, errors };
      })()`);
      const file = join(outDir, sample.replace(/\.json$/, '.png'));
      await page.locator('#card').screenshot({ path: file });
      previews.push({ file, ...(result as { elements: number; errors: string[] }) });
    }
  } finally {
    await browser.close();
  }
  return previews;
}
