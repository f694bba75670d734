/**
 * The Microsoft 365 Agents Playground (offline, a Teams-like client) pointed at a running app, and
 * Debian's Chromium (playwright-core, never a downloaded browser) on its page, for the end-to-end
 * tests; `missing` says why they cannot run on this machine.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type { Directory } from '../../src/domain/directory.js';
import { writePlaygroundConfig } from '../../scripts/playground-config.js';

const CHROMIUM = '/usr/bin/chromium';
const PLAYGROUND = resolve('node_modules/.bin/agentsplayground');

/** Why the Playground tests cannot run here, or null. */
export const missing: string | null = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is not installed (apt-get install -y chromium)`
  : !existsSync(PLAYGROUND)
    ? `the Agents Playground (${PLAYGROUND}) is not installed`
    : null;

const freePort = () =>
  new Promise<number>((done, fail) => {
    const s = createNetServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => done(typeof a === 'object' && a ? a.port : 0));
    });
  });

async function waitForHttp(url: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The Playground as the directory person `userId`, talking to the app on `appPort`, open in Chromium. */
export async function openPlayground(app: { directory: Directory; port: number }, userId: string, viewport: { width: number; height: number }): Promise<{ page: Page; close: () => Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'resolve-playground-'));
  writePlaygroundConfig(app.directory, userId, dir);
  const playground = spawn(PLAYGROUND, ['-e', `http://127.0.0.1:${app.port}/api/messages`, '-c', 'msteams', '--dt', '-p', String(port)], { cwd: dir, stdio: 'ignore' });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, 30_000);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const page = await browser.newPage({ viewport });
    await page.goto(`http://127.0.0.1:${port}/`);
    return { page, close: async () => (await browser.close(), void playground.kill()) };
  } catch (e) {
    playground.kill();
    throw e;
  }
}
