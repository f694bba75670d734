/**
 * A Board channel per Board, where several Boards share the procedure (Derby City and Derbyshire
 * share Derby's): someone of a Board chooses the channel for their own Board, configuration can
 * set one per Board (and wins), and a case's Board notice goes to the channel of the child's
 * Board, else to the partnership's single channel. Driven over Slack's Web API and Teams' Bot
 * Connector (recording servers).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { CaseNews } from '../../src/app/case-news.js';
import { notice } from '../../src/app/case-views.js';
import { loadConfig } from '../../src/config.js';
import { teamsAdapter } from '../../src/teams/teams-bot.js';
import { teamsChannel } from '../../src/teams/teams-channel.js';
import { teamsHarness } from '../teams/support.js';
import { FakeClock } from '../../src/app/clock.js';
import type { Escalations } from '../../src/app/escalations.js';
import { routeMessages } from '../../src/app/messenger.js';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import type { StoredDocument, Store } from '../../src/app/store.js';
import { Directory } from '../../src/domain/directory.js';
import type { CaseState } from '../../src/domain/escalation/state.js';
import { answerMention } from '../../src/slack/board-choice.js';
import { slackChannel } from '../../src/slack/slack-channel.js';
import { startRecordingSlackApi, type RecordingSlackApi } from '../slack/support-slack-api.js';
import { CaseDriver } from '../support/case-driver.js';
import { openCaseCommand, reachStage } from '../support/walk.js';

const TEAM = 'T0DERBY';
const CITY_CHAIR = 'U0CITY';
const SHIRE_CHAIR = 'U0SHIRE';
const directory = Directory.parse({
  partnership: { id: 'dd', name: 'Derby and Derbyshire Safeguarding Children Boards', policyId: 'derby' },
  agencies: [
    { id: 'city-board', name: 'Derby City Safeguarding Children Board', kind: 'partnership', localAreaId: 'derby-city' },
    { id: 'shire-board', name: 'Derbyshire Safeguarding Children Board', kind: 'partnership', localAreaId: 'derbyshire' },
    { id: 'health', name: 'Riverside Health Trust', kind: 'health' },
    { id: 'police', name: 'County Police', kind: 'police' },
  ],
  people: [
    { id: 'city-chair', name: 'Carys City', agencyId: 'city-board', roles: ['board-chair'], identities: { slack: { teamId: TEAM, userId: CITY_CHAIR } } },
    { id: 'shire-chair', name: 'Sian Shire', agencyId: 'shire-board', roles: ['board-chair'], identities: { slack: { teamId: TEAM, userId: SHIRE_CHAIR } } },
  ],
});

/** Only the documents the Board channels use. */
function documentStore(): Store {
  const docs = new Map<string, StoredDocument>();
  let n = 0;
  return {
    getDocument: async (ns: string, key: string) => docs.get(`${ns}/${key}`) ?? null,
    putDocument: async (ns: string, key: string, value: unknown, expected?: string | null) => {
      const old = docs.get(`${ns}/${key}`);
      if (expected !== undefined && (expected === null ? old : old?.etag !== expected)) return { ok: false, conflict: true };
      const etag = String(++n);
      docs.set(`${ns}/${key}`, { value, etag });
      return { ok: true, etag };
    },
  } as unknown as Store;
}

describe('a Board channel per Board (Derby City and Derbyshire)', () => {
  let api: RecordingSlackApi;
  let derbyCase: (area: string) => CaseState;
  beforeAll(async () => {
    api = await startRecordingSlackApi();
    const derby = (await loadPolicyCatalog()).get('derby')!;
    derbyCase = (localAreaId) => {
      const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
      const open = openCaseCommand(derby);
      d.do({ ...open, ref: `RES-2026-${localAreaId === 'derbyshire' ? '0002' : '0001'}`, intake: { ...open.intake, localAreaId } });
      reachStage(d, derby, 6);
      // The walk's people are of a generic Board; the receiver here is the Chair of the child's Board.
      const board = localAreaId === 'derbyshire' ? 'shire-board' : 'city-board';
      return { ...d.s, current: { ...d.s.current!, receiver: { ...d.s.current!.receiver, agencyId: board } } };
    };
  });
  afterAll(async () => api?.close());

  it('sends each case’s notice to its own Board’s channel, chosen by someone of that Board or configured, else the partnership’s', async () => {
    const store = documentStore();
    const clock = new FakeClock(new Date('2026-11-23T10:00:00Z'));
    const log = pino({ level: 'silent' });
    const client = new WebClient('xoxb-test', { slackApiUrl: api.url });
    // The partnership's single channel and Derbyshire's own are configured; Derby City's is not.
    const channel = slackChannel({ client, store, boardChannel: 'CPARTNERSHIP', boardChannels: { 'shire-board': 'CSHIRE' }, log });
    const news = new CaseNews({ store, directory, clock, escalations: {} as Escalations, messenger: routeMessages({ channels: [channel], directory, store, log }) });
    const mention = answerMention({ client, store, directory, clock, boardConfigured: { single: true, boards: { 'shire-board': 'CSHIRE' } }, log });
    const noticesIn = (since: number) => api.calls.slice(since).filter((c) => c.method === 'chat.postMessage').map((c) => [c.params.channel, JSON.stringify(c.params).match(/RES-2026-000\d/)?.[0]]);

    // Derby City has no channel yet: its notice goes to the partnership's.
    let before = api.calls.length;
    await news.announceStage(derbyCase('derby-city'));
    expect(noticesIn(before)).toEqual([['CPARTNERSHIP', 'RES-2026-0001']]);

    // Derby City's Chair chooses a channel for Derby City's Board (the single configured one does not stop it).
    before = api.calls.length;
    await mention({ channel: 'CCITY', user: CITY_CHAIR, text: '<@UBOT> use this channel for Board notices', teamId: TEAM });
    expect(api.calls.slice(before).filter((c) => c.method.startsWith('chat.post')).map((c) => [c.params.channel, c.params.text])).toEqual([
      ['CCITY', expect.stringContaining("Carys City chose this channel for Derby City Safeguarding Children Board's notices")],
    ]);
    expect((await store.getDocument('slack-channel', 'board/city-board'))?.value).toMatchObject({ channel: 'CCITY', setBy: 'city-chair' });
    expect(await store.getDocument('slack-channel', 'board')).toBeNull();

    // Derbyshire's is set in the configuration: its Chair cannot move it.
    before = api.calls.length;
    await mention({ channel: 'COTHER', user: SHIRE_CHAIR, text: '<@UBOT> use this channel for Board notices', teamId: TEAM });
    expect(api.calls.slice(before).filter((c) => c.method.startsWith('chat.post')).map((c) => [c.method, c.params.text])).toEqual([
      ['chat.postEphemeral', expect.stringContaining('(SLACK_BOARD_CHANNELS), so it cannot be changed here')],
    ]);
    expect(await store.getDocument('slack-channel', 'board/shire-board')).toBeNull();

    // Each case's notice reaches its own Board's channel, and no other.
    before = api.calls.length;
    await news.announceStage(derbyCase('derby-city'));
    await news.announceStage(derbyCase('derbyshire'));
    expect(noticesIn(before)).toEqual([
      ['CCITY', 'RES-2026-0001'],
      ['CSHIRE', 'RES-2026-0002'],
    ]);
  });
});

describe('Board channels per Board in the configuration', () => {
  it('reads "board-agency-id=channel" pairs, and refuses anything else with a plain message', () => {
    const ok = loadConfig({ SLACK_BOARD_CHANNELS: 'city-board=CCITY, shire-board=CSHIRE', BOARD_CHANNEL_IDS: 'city-board=19:city@thread.tacv2' });
    expect(ok.ok && [ok.config.SLACK_BOARD_CHANNELS, ok.config.BOARD_CHANNEL_IDS]).toEqual([{ 'city-board': 'CCITY', 'shire-board': 'CSHIRE' }, { 'city-board': '19:city@thread.tacv2' }]);
    expect(loadConfig({ SLACK_BOARD_CHANNELS: 'CCITY' })).toEqual({ ok: false, message: 'Setting SLACK_BOARD_CHANNELS is not valid: must be "board-agency-id=channel" pairs separated by commas' });
  });
});

describe('a Board channel per Board in Teams', () => {
  let h: Awaited<ReturnType<typeof teamsHarness>>;
  beforeAll(async () => {
    h = await teamsHarness();
  }, 60_000);
  afterAll(async () => h?.stop());

  it('posts to the Board’s configured channel, else the one chosen for it, else the partnership’s', async () => {
    const log = pino({ level: 'silent' });
    const { adapter } = teamsAdapter({}, log);
    const { store } = h.app;
    const boardChannel = { channelId: '19:partner@thread.tacv2', channelIds: { 'shire-board': '19:shire@thread.tacv2' }, serviceUrl: h.serviceUrl };
    const channel = teamsChannel({ adapter, store, clientId: undefined, boardChannel, log });
    const reference = { channelId: 'msteams', serviceUrl: h.serviceUrl, agent: { id: '28:resolve-bot', name: 'Resolve' }, conversation: { id: '19:city@thread.tacv2', conversationType: 'channel', isGroup: true } };
    await store.putDocument('teams-channel', 'board/city-board', { reference, setBy: 'city-chair', at: '2026-11-23T10:00:00.000Z' });
    const postedTo = async (boardId?: string) => {
      const before = h.sent.length;
      expect(await channel.postToBoard(notice('Stage 6: RES-2026-0001', 'The Board must be informed.'), boardId)).toBe('posted');
      return h.sent.slice(before).map((s) => /\/v3\/conversations\/([^/]+)\//.exec(s.path)?.[1]);
    };
    expect(await postedTo('shire-board')).toEqual(['19:shire@thread.tacv2']);
    expect(await postedTo('city-board')).toEqual(['19:city@thread.tacv2']);
    expect(await postedTo('other-board')).toEqual(['19:partner@thread.tacv2']);
    expect(await postedTo()).toEqual(['19:partner@thread.tacv2']);
  });
});
