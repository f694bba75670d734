/**
 * End to end in a real Teams-like client: the Microsoft 365 Agents Playground, driven by
 * playwright-core in Debian's Chromium. Sam (social worker) is the Playground's user: he types
 * "escalate", answers every card of the walk by clicking it, and submits. Priya (his team
 * manager) talks to the bot over the Activity protocol with a recording connector; her approval
 * card arrives there, her Approve updates it, and Sam sees the news in the Playground.
 * Screenshots of each step are saved in test-results/e2e/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { teamsHarness, cardText, type Card } from '../teams/support.js';
import { missing, openPlayground } from './playground-session.js';

const SHOTS = resolve('test-results/e2e');
const PRIYA = '00000000-0000-0000-0000-000000000002';

if (missing) {
  describe('end to end in the Agents Playground', () => {
    it.skip(`SKIPPED: ${missing}, so the Playground end-to-end test did not run`, () => undefined);
  });
} else {
  let h: Awaited<ReturnType<typeof teamsHarness>>;
  let session: Awaited<ReturnType<typeof openPlayground>> | undefined;
  let page: Page;
  let step = 0;
  const shot = async (name: string) => page.screenshot({ path: join(SHOTS, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await teamsHarness();
    session = await openPlayground(h.app, 'csc-sw', { width: 1280, height: 900 });
    page = session.page;
  }, 90_000);

  afterAll(async () => {
    await session?.close();
    await h?.stop();
  });

  /** The newest card in the chat. */
  const lastCard = (): Locator => page.locator('.ac-adaptiveCard').last();

  /** Answers the card on screen the way a practitioner would, and clicks Next. */
  async function answerCard(card: Locator): Promise<string> {
    const text = await card.innerText();
    const radios = card.locator('input[type=radio]');
    if (await radios.count()) {
      const labels = await card.locator('label').allInnerTexts();
      const pick = text.includes('Is the child at risk of immediate harm?') ? 'No' : labels.find((l) => l.trim() === 'Yes') ? 'Yes' : labels.find((l) => l.includes('County Police')) ?? labels.find((l) => l.trim() && !l.includes('*'))!;
      await card.getByText(pick.trim(), { exact: true }).click();
    } else {
      const box = card.locator('textarea, input[type=text]').first();
      await box.fill(/reference/i.test(text) ? 'CSC-20417' : 'The decision not to hold a strategy discussion.');
    }
    const before = text;
    await card.getByRole('button', { name: 'Next' }).click();
    // The card is replaced in place when the bot answers.
    await page.waitForFunction(`(() => { const c = document.querySelectorAll('.ac-adaptiveCard'); return c.length && c[c.length - 1].innerText !== ${JSON.stringify(before)}; })()`);
    return text.split('\n').find((l) => l.startsWith('Step ')) ?? '';
  }

  describe('end to end in the Agents Playground', () => {
    it('walks the intake by clicking cards, submits, and the manager approves on her card', async () => {
      // The Playground installs the app: the welcome card.
      await page.locator('.ac-adaptiveCard', { hasText: 'Hello Sam' }).waitFor({ timeout: 20_000 });
      await shot('welcome');

      // Priya talks to the bot (outside the Playground), so it can reach her.
      await h.say('hello', PRIYA);

      // The compose box is a contenteditable, as in Teams.
      const box = page.locator('[contenteditable="true"]').first();
      await box.click();
      await box.fill('escalate');
      await page.keyboard.press('Enter');
      await page.locator('.ac-adaptiveCard', { hasText: 'Step 1 of' }).waitFor({ timeout: 20_000 });
      await shot('first-question');

      const steps: string[] = [];
      for (let i = 0; i < 30 && (await lastCard().getByRole('button', { name: 'Next' }).count()); i++) {
        steps.push(await answerCard(lastCard()));
        await shot(`answered-${i + 1}`);
      }
      expect(steps.length).toBeGreaterThan(5);
      expect(steps[0]).toMatch(/^Step 1 of \d+$/);

      // The summary, then Submit.
      await lastCard().getByRole('button', { name: 'Submit' }).waitFor({ timeout: 10_000 });
      await shot('summary');
      const before = h.sent.length;
      await lastCard().getByRole('button', { name: 'Submit' }).click();
      await page.locator('.ac-adaptiveCard', { hasText: 'is recorded' }).waitFor({ timeout: 20_000 });
      await shot('recorded');
      const recorded = await lastCard().innerText();
      const ref = /Case (RES-\d{4}-\d{4}) is recorded/.exec(recorded)?.[1];
      expect(ref).toBeDefined();
      expect(recorded).toContain('I have asked Priya Natarajan');

      // Priya's approval card reached her chat; she approves, and her card becomes the decision.
      const approval = h.sent.slice(before).find((s) => s.path.includes(`personal-${PRIYA}`))?.body.attachments?.[0]?.content as Card | undefined;
      expect(approval && JSON.stringify(approval)).toContain(ref);
      const decided = await h.click('escalation.approve', { caseRef: ref, stage: 1 }, PRIYA);
      expect(cardText(decided)[1]).toMatch(/^Approved: Stage 1 raised with .+, County Police$/);

      // Sam hears of it in the Playground.
      await page.locator('p', { hasText: `${ref}: Priya Natarajan approved Stage 1` }).waitFor({ timeout: 20_000 });
      await shot('approved');
      expect((await h.app.cases.load(ref!))?.phase).toBe('stage-open');
    }, 180_000);
  });
}
