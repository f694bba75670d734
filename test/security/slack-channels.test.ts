/**
 * Case content only in DMs, on Slack: a mention of Resolve in a channel or group DM gets a pointer
 * to the DM (seen only by whoever wrote it) and nothing is kept; the Board's channel is chosen on
 * purpose, by someone with a Board role saying so in a channel, and the configuration wins; a
 * refusal to someone not part of a case opens no case thread.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { notice } from '../../src/app/case-views.js';
import { slackChannel } from '../../src/slack/slack-channel.js';
import { eventCallback, textState, type SlackApiCall } from '../slack/support-slack-api.js';
import { AISHA, directoryWithBoardOnSlack, NADIA, OWEN, slackHarness } from '../slack/support.js';

jest.setTimeout(90_000);

const POLICE = 'CPOLICE';
const BOARD = 'CBOARDROOM';
const GROUP_DM = 'GMPDM1';
const BOARD_SAYS = 'Demo Safeguarding Children Board';

describe('Slack channels and the Board channel', () => {
  let h: Awaited<ReturnType<typeof slackHarness>>;
  beforeAll(async () => {
    // No SLACK_BOARD_CHANNEL: the Board's channel is whatever someone with a Board role chose.
    h = await slackHarness({ env: { SLACK_BOARD_CHANNEL: '', DIRECTORY_FILE: directoryWithBoardOnSlack() } });
  });
  afterAll(async () => h?.stop());

  const mention = (user: string, channel: string, words: string) =>
    h.send(eventCallback({ type: 'app_mention', user, channel, text: `<@UBOT> ${words}`, ts: `${Date.now() / 1000}` }), (since) => since.some((c) => c.method === 'chat.postEphemeral' || c.method === 'chat.postMessage'));
  /** What the bot said in answer, as [method, channel, user, text]. */
  const said = (calls: SlackApiCall[]) => calls.filter((c) => c.method.startsWith('chat.post')).map((c) => [c.method, c.params.channel, c.params.user, c.params.text]);
  const chosen = () => h.teams.app.store.getDocument<{ channel: string; setBy: string; at: string }>('slack-channel', 'board');
  const since = async (act: () => Promise<unknown>) => {
    const before = h.api.calls.length;
    await act();
    return h.api.calls.slice(before);
  };

  it('answers a mention with case words in a channel or group DM with a pointer to the DM, and keeps nothing', async () => {
    for (const channel of [POLICE, GROUP_DM]) {
      for (const words of ['status RES-2026-0001', 'my cases', 'escalate RES-2026-0001 please']) {
        const calls = await since(() => mention(OWEN, channel, words));
        expect(said(calls)).toEqual([['chat.postEphemeral', channel, OWEN, expect.stringContaining('I only talk about cases in your direct messages with Resolve')]]);
        expect(JSON.stringify(calls)).not.toContain('RES-2026-0001');
      }
    }
    // Not remembered as where Owen talks to Resolve, and no case thread or DM was opened.
    expect(await h.teams.app.store.getDocument('last-channel', 'school-teacher')).toBeNull();
    expect(h.api.callsOf('conversations.open')).toEqual([]);
    expect(h.messagesTo(OWEN)).toEqual([]);
  });

  it('refuses anyone without a Board role who tries to choose the Board channel, and stores nothing', async () => {
    for (const user of [OWEN, 'U0NOBODY']) {
      const calls = await since(() => mention(user, POLICE, 'use this channel for Board notices'));
      expect(said(calls)).toEqual([['chat.postEphemeral', POLICE, user, `Only someone with a Board role in ${BOARD_SAYS}'s directory can choose where the Board's notices go; nothing was changed.`]]);
    }
    expect(await chosen()).toBeNull();
  });

  it('refuses a group DM, a conversation it cannot look at, and a DM, even for someone with a Board role', async () => {
    expect(said(await since(() => mention(NADIA, GROUP_DM, 'use this channel for Board notices')))).toEqual([['chat.postEphemeral', GROUP_DM, NADIA, expect.stringContaining("The Board's notices go to a channel, not a direct message or group DM")]]);
    h.api.failNext('conversations.info', 'missing_scope');
    expect(said(await since(() => mention(NADIA, 'CHIDDEN', 'use this channel for Board notices')))).toEqual([['chat.postEphemeral', 'CHIDDEN', NADIA, expect.stringContaining('Nothing was changed')]]);
    await h.dm(NADIA, 'use this channel for Board notices', undefined, h.has('chat.postMessage'));
    expect(h.messagesTo(NADIA).at(-1)!.text).toContain("The Board's notices go to a channel, not a direct message or group DM");
    expect(await chosen()).toBeNull();
  });

  it('lets someone with a Board role choose the channel, records who and when, tells both channels when it moves, and posts the Board notice there', async () => {
    const first = await since(() => mention(NADIA, POLICE, 'use this channel for Board notices'));
    expect(said(first)).toEqual([['chat.postMessage', POLICE, undefined, `Nadia Kowalski chose this channel for ${BOARD_SAYS}'s notices: Resolve will post here when a case reaches the stage at which the Board must be informed.`]]);
    const record = (await chosen())!.value;
    expect(record).toMatchObject({ channel: POLICE, setBy: 'board-bm' });
    expect(Number.isNaN(Date.parse(record.at))).toBe(false);

    expect(said(await since(() => mention(NADIA, POLICE, 'Use this channel for Board notices.')))).toEqual([['chat.postEphemeral', POLICE, NADIA, `This is already the channel for ${BOARD_SAYS}'s notices.`]]);

    const moved = await since(() => h.send(eventCallback({ type: 'app_mention', user: NADIA, channel: BOARD, text: "<@UBOT> use this channel for the Board's notices", ts: '2.1' }), h.has('chat.postMessage', 2)));
    expect(said(moved)).toEqual([
      ['chat.postMessage', BOARD, undefined, expect.stringContaining('Nadia Kowalski chose this channel')],
      ['chat.postMessage', POLICE, undefined, `Nadia Kowalski moved ${BOARD_SAYS}'s notices to another channel; Resolve no longer posts them here.`],
    ]);
    expect((await chosen())!.value).toMatchObject({ channel: BOARD, setBy: 'board-bm' });
    // Nadia's DM is not where this happened: nothing of hers was kept as a conversation.
    expect(await h.teams.app.store.getDocument('slack-thread', 'board-bm/RES-2026-0001')).toBeNull();

    // The Slack channel posts the Board's notice to the channel chosen (BSCB Stage 3 driven end to
    // end to a chosen channel is in test/slack/mixed-case.test.ts).
    const channel = slackChannel({ client: new WebClient('xoxb-test', { slackApiUrl: h.api.url }), store: h.teams.app.store, log: pino({ level: 'silent' }) });
    const before = h.api.calls.length;
    expect(await channel.postToBoard(notice('Stage 3: RES-2026-0007', 'The Board must be informed.'))).toBe('posted');
    expect(h.api.calls.slice(before).map((c) => [c.method, c.params.channel])).toEqual([['chat.postMessage', BOARD]]);
  });

  it('a refusal to someone not part of a case opens no case thread and stores no thread', async () => {
    const threads = () => h.api.callsOf('chat.postMessage').filter((p) => String(p.text).includes('everything about this case comes in this thread'));
    for (const ref of ['RES-2026-0001', 'RES-2026-0002', 'RES-2026-0417']) {
      // A button pressed on a message in her own DM, and a window's form sent, each naming the case.
      await h.click(AISHA, 'escalation.approve', { channel: `D${AISHA}`, ts: '1700000000.000001' }, ref, h.has('chat.postMessage'));
      expect(h.messagesTo(AISHA).at(-1)).toMatchObject({ text: expect.stringContaining(`There is no case ${ref} that you are part of.`) });
      expect(h.messagesTo(AISHA).at(-1)!.thread_ts).toBeUndefined();
      await h.submit(AISHA, 'escalation.return', JSON.stringify({ caseRef: ref, origin: null }), textState('comment', 'comment', 'More detail is needed.'), h.has('chat.postMessage'));
      expect(h.messagesTo(AISHA).at(-1)).toMatchObject({ text: expect.stringContaining(`There is no case ${ref} that you are part of.`) });
      expect(await h.teams.app.store.getDocument('slack-thread', `health-tm/${ref}`)).toBeNull();
    }
    expect(threads()).toEqual([]);
    expect(h.api.callsOf('chat.update')).toEqual([]);
  });
});

describe('a Board channel set in the configuration', () => {
  let h: Awaited<ReturnType<typeof slackHarness>>;
  beforeAll(async () => {
    h = await slackHarness({ env: { SLACK_BOARD_CHANNEL: 'CCONFIGURED', DIRECTORY_FILE: directoryWithBoardOnSlack() } });
  });
  afterAll(async () => h?.stop());

  it('cannot be changed in Slack, even by someone with a Board role', async () => {
    await h.send(eventCallback({ type: 'app_mention', user: NADIA, channel: POLICE, text: '<@UBOT> use this channel for Board notices', ts: '3.1' }), h.has('chat.postEphemeral'));
    expect(h.api.callsOf('chat.postEphemeral').at(-1)).toMatchObject({ channel: POLICE, user: NADIA, text: "The Board's channel is set in Resolve's configuration (SLACK_BOARD_CHANNEL), so it cannot be changed here; nothing was changed." });
    expect(h.api.callsOf('chat.postMessage')).toEqual([]);
    expect(await h.teams.app.store.getDocument('slack-channel', 'board')).toBeNull();
  });
});
