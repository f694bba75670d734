/**
 * Case content only in personal chats: in a team channel or group chat Resolve answers with a
 * pointer and keeps nothing; the Board's channel is chosen on purpose, by someone with a Board
 * role, never by installing the app.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { message } from '../store/store-contract.js';
import { PRIYA, SAM, teamsHarness } from '../teams/support.js';

jest.setTimeout(60_000);

const NADIA = '00000000-0000-0000-0000-000000000042'; // Board business manager
const POLICE_TEAM = '19:police@thread.tacv2';
const BOARD_TEAM = '19:board@thread.tacv2';
const inChannel = (id: string) => ({ conversation: { id, conversationType: 'channel', isGroup: true }, channelData: { team: { id: `${id}-team` } } });
const where = (path: string) => path.replace(/^\/v3\/conversations\//, '').replace(/\/activities.*$/, '');

let h: Awaited<ReturnType<typeof teamsHarness>>;
beforeAll(async () => {
  h = await teamsHarness();
  const summary = {
    ref: 'RES-C1', version: 1, policyId: 'bscb', phase: 'stage-open' as const, stage: 1, urgent: false, escalatingAgencyId: 'csc', receivingAgencyId: 'police',
    participantIds: ['csc-sw'], nextDue: '2026-11-25T10:00:00.000Z', overdueSince: null, outcome: null, openedAt: '2026-11-23T10:00:00.000Z', updatedAt: '2026-11-23T10:00:00.000Z',
  };
  expect((await h.app.store.append('RES-C1', 0, [message(1)], { summary })).ok).toBe(true);
});
afterAll(async () => h?.stop());

describe('team channels and group chats', () => {
  it('answers a case command in a team channel or group chat with a pointer, and stores nothing', async () => {
    for (const conversation of [inChannel(POLICE_TEAM), { conversation: { id: '19:group@thread.v2', conversationType: 'groupChat', isGroup: true } }]) {
      for (const text of ['<at>Resolve</at> status RES-C1', 'my cases', 'escalate']) {
        const sent = await h.send({ type: 'message', text, ...conversation }, SAM);
        expect(sent.map((s) => [where(s.path), s.body.text])).toEqual([[conversation.conversation.id, expect.stringContaining('only talk about cases in your personal chat')]]);
        expect(JSON.stringify(sent)).not.toContain('RES-C1');
      }
    }
    expect(await h.app.store.getDocument('teams-conversation', 'csc-sw')).toBeNull();
    // A card button pressed in a channel gets the same pointer, and nothing is done or kept.
    const r = await h.post({ type: 'invoke', name: 'adaptiveCard/action', ...inChannel(POLICE_TEAM), value: { action: { type: 'Action.Execute', verb: 'case.timeline', data: { caseRef: 'RES-C1' } } } }, SAM);
    expect(r.status).toBe(200);
    const card = r.text;
    expect(card).toContain('only talk about cases in your personal chat');
    expect(card).not.toContain('RES-C1');
    expect(await h.app.store.getDocument('teams-conversation', 'csc-sw')).toBeNull();
  });

  it('keeps a person’s personal chat as theirs when they later speak in a channel', async () => {
    await h.say('hello', SAM);
    const personal = (await h.app.store.getDocument<{ conversation: { id: string } }>('teams-conversation', 'csc-sw'))!.value.conversation.id;
    expect(personal).toBe(`personal-${SAM}`);
    await h.send({ type: 'message', text: 'status RES-C1', ...inChannel(POLICE_TEAM) }, SAM);
    expect((await h.app.store.getDocument<{ conversation: { id: string } }>('teams-conversation', 'csc-sw'))!.value.conversation.id).toBe(personal);
  });

  it('does not let a request’s serviceUrl redirect a person’s messages', async () => {
    await h.say('hello', SAM);
    const stored = async () => (await h.app.store.getDocument<{ serviceUrl: string }>('teams-conversation', 'csc-sw'))!.value.serviceUrl;
    expect(await stored()).toBe(h.serviceUrl);
    // Anonymous (no Bot registration): a serviceUrl off this machine is refused outright...
    for (const serviceUrl of ['https://evil.example/', 'http://10.0.0.1/', 'javascript:alert(1)']) {
      expect((await h.post({ type: 'message', text: 'help', serviceUrl }, SAM)).status).toBe(400);
    }
    // ...and another one on it is answered, but the stored chat keeps its own.
    await h.post({ type: 'message', text: 'help', serviceUrl: 'http://127.0.0.2:9/' }, SAM);
    expect(await stored()).toBe(h.serviceUrl);
  });

  it('does not make a team the Board channel when the app is installed in it, and says how to', async () => {
    const installed = await h.send({ type: 'conversationUpdate', membersAdded: [{ id: '28:resolve-bot' }], ...inChannel(POLICE_TEAM) });
    expect(installed.map((s) => [where(s.path), s.body.text])).toEqual([[POLICE_TEAM, expect.stringContaining('someone with a Board role says "@Resolve use this channel for Board notices" here')]]);
    expect(await h.app.store.getDocument('teams-channel', 'board')).toBeNull();
  });

  it('refuses someone without a Board role who tries to choose the Board channel', async () => {
    const refused = await h.send({ type: 'message', text: '<at>Resolve</at> use this channel for Board notices', ...inChannel(POLICE_TEAM) }, PRIYA);
    expect(refused.map((s) => s.body.text)).toEqual([expect.stringContaining("Only someone with a Board role in Demo Safeguarding Children Board's directory can choose where the Board's notices go; nothing was changed.")]);
    expect(await h.app.store.getDocument('teams-channel', 'board')).toBeNull();
    // Someone outside the directory likewise.
    const stranger = await h.send({ type: 'message', text: 'use this channel for Board notices', ...inChannel(POLICE_TEAM) }, '99999999-0000-0000-0000-000000000000');
    expect(stranger.map((s) => s.body.text)).toEqual([expect.stringContaining('Only someone with a Board role')]);
    expect(await h.app.store.getDocument('teams-channel', 'board')).toBeNull();
  });

  it('lets someone with a Board role choose the channel, records who and when, and tells the old channel when it moves', async () => {
    const first = await h.send({ type: 'message', text: '<at>Resolve</at> use this channel for Board notices', ...inChannel(POLICE_TEAM) }, NADIA);
    expect(first.map((s) => [where(s.path), s.body.text])).toEqual([[POLICE_TEAM, expect.stringContaining('Nadia Kowalski chose this channel')]]);
    const chosen = (await h.app.store.getDocument<{ reference: { conversation: { id: string } }; setBy: string; at: string }>('teams-channel', 'board'))!.value;
    expect(chosen).toMatchObject({ reference: { conversation: { id: POLICE_TEAM } }, setBy: 'board-bm' });
    expect(Number.isNaN(Date.parse(chosen.at))).toBe(false);

    const moved = await h.send({ type: 'message', text: 'Use this channel for Board notices.', ...inChannel(BOARD_TEAM) }, NADIA);
    expect(moved.map((s) => [where(s.path), s.body.text])).toEqual([
      [BOARD_TEAM, expect.stringContaining('Nadia Kowalski chose this channel')],
      [POLICE_TEAM, expect.stringContaining("Nadia Kowalski moved Demo Safeguarding Children Board's notices to another channel")],
    ]);
    expect((await h.app.store.getDocument<{ reference: { conversation: { id: string } } }>('teams-channel', 'board'))!.value.reference.conversation.id).toBe(BOARD_TEAM);
    // Nadia's personal chat was never set to either channel.
    expect(await h.app.store.getDocument('teams-conversation', 'board-bm')).toBeNull();
  });
});
