/**
 * The Teams door over the Activity protocol: activities POSTed to /api/messages as Teams sends
 * them, and the bot's replies and proactive messages caught by a recording connector on
 * 127.0.0.1 (the conversation's serviceUrl).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { startApp, type RunningApp } from '../../src/start-app.js';
import { createTeamsBot } from '../../src/teams/teams-bot.js';
import { message } from '../store/store-contract.js';
import { capturedLog } from '../jobs/support.js';

type Sent = { path: string; body: { type?: string; text?: string; conversation?: { id: string } } };

let app: RunningApp;
let connector: Server;
let serviceUrl: string;
const sent: Sent[] = [];
const log = capturedLog();

beforeAll(async () => {
  connector = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      sent.push({ path: req.url ?? '', body: body ? (JSON.parse(body) as Sent['body']) : {} });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `activity-${sent.length}` }));
    });
  });
  await new Promise<void>((r) => connector.listen(0, '127.0.0.1', r));
  const address = connector.address();
  serviceUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  const loaded = loadConfig({ PORT: '0', LOG_LEVEL: 'info', DATA_DIR: join(mkdtempSync(join(tmpdir(), 'resolve-teams-')), 'data') });
  if (!loaded.ok) throw new Error(loaded.message);
  app = await startApp(loaded.config, { log: log.log });
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await new Promise((r) => connector.close(r));
});

const SAM = '00000000-0000-0000-0000-000000000001';

async function say(text: string, aadObjectId = SAM, conversationId = `personal-${aadObjectId}`) {
  const before = sent.length;
  const res = await fetch(`http://127.0.0.1:${app.port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `m-${Math.random()}`,
      channelId: 'msteams',
      serviceUrl,
      text,
      from: { id: `29:${aadObjectId}`, aadObjectId, name: 'Someone' },
      recipient: { id: '28:resolve-bot', name: 'Resolve' },
      conversation: { id: conversationId, conversationType: 'personal' },
    }),
  });
  expect(res.status).toBeLessThan(300);
  return sent.slice(before).map((s) => s.body.text ?? '');
}

describe('the Teams bot', () => {
  it('answers help in the chat the message came from', async () => {
    const replies = await say('help');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('`my cases`');
    expect(replies[0]).toContain("never put a child's name in this chat");
    expect(sent.at(-1)!.path).toContain(`/v3/conversations/personal-${SAM}/activities`);
  });

  it('tells someone outside the directory so, and shows them nothing', async () => {
    const replies = await say('my cases', '99999999-0000-0000-0000-000000000000');
    expect(replies).toEqual([expect.stringContaining("I can't find you in this partnership's directory")]);
  });

  it('lists my cases and shows a timeline only to the people taking part', async () => {
    const summary = {
      ref: 'RES-T1', version: 1, policyId: 'bscb', phase: 'stage-open' as const, stage: 1, urgent: false, escalatingAgencyId: 'csc', receivingAgencyId: 'police',
      participantIds: ['csc-sw'], nextDue: '2026-11-25T10:00:00.000Z', overdueSince: null, outcome: null, openedAt: '2026-11-23T10:00:00.000Z', updatedAt: '2026-11-23T10:00:00.000Z',
    };
    expect((await app.store.append('RES-T1', 0, [message(1)], { summary })).ok).toBe(true);
    expect(await say('my cases')).toEqual([expect.stringContaining('- **RES-T1**: Stage 1, open, due Wed, 25 Nov 2026, 10:00')]);
    const timeline = (await say('status res-t1'))[0]!;
    expect(timeline).toContain("**RES-T1**: Children's Social Care and County Police; Stage 1, open.");
    expect(timeline).toContain('- Mon, 23 Nov 2026, 10:00: message posted at Stage 1, by P One (Health)');
    // Priya (CSC team manager) is in the directory but not in this case.
    expect(await say('status RES-T1', '00000000-0000-0000-0000-000000000002')).toEqual(['You are not taking part in a case RES-T1, or there is no such case.']);
  });

  it('says what it does not understand, with the help', async () => {
    expect((await say('frobnicate'))[0]).toMatch(/^I don't know "frobnicate"\. I run /);
  });

  it('delivers a prompt to someone who has talked to it, and says when it cannot reach someone', async () => {
    const before = sent.length;
    const prompt = { key: 'k1', kind: 'stage-reminder' as const, caseRef: 'RES-T1', text: 'RES-T1: a response is due tomorrow.' };
    // A second bot on the same store, as after a restart: the reference comes from the store.
    const bot = createTeamsBot({ store: app.store, directory: app.directory, log: log.log, credentials: {} });
    expect(await bot.notifier.reach({ ...prompt, to: { personId: 'csc-sw', name: 'Sam Whitlock' } })).toBe(true);
    // (The SDK gives a continuation an id of its own, so the path may end with it.)
    expect(sent.slice(before).map((s) => [s.path.replace(/\/activities\/.+$/, '/activities'), s.body.text])).toEqual([[`/v3/conversations/personal-${SAM}/activities`, 'RES-T1: a response is due tomorrow.']]);
    expect(await bot.notifier.reach({ ...prompt, key: 'k2', to: { personId: 'police-tm', name: 'Someone' } })).toBe(false);
    expect(log.lines.filter((l) => l.msg === 'cannot reach this person in Teams: they have not talked to the bot yet')).toHaveLength(1);
  });
});
