/**
 * What reaches POST /slack/events that should not: forged, stale, replayed, malformed or unknown
 * requests are refused (401/400) or answered plainly, and none of them records anything.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { blockAction, eventCallback, globalShortcut, postSigned, signature, SIGNING_SECRET, slashCommand, viewSubmission } from './support-slack-api.js';
import { BETHAN, OWEN, slackHarness } from './support.js';

// Each test starts the app on an embedded database and drives it over HTTP: slow on a busy machine.
jest.setTimeout(60_000);

describe('requests to /slack/events', () => {
  let h: Awaited<ReturnType<typeof slackHarness>>;
  beforeAll(async () => {
    h = await slackHarness();
  });
  afterAll(async () => h?.stop());

  /** Nothing recorded: no case, no walk started, no message relayed. */
  const nothingRecorded = async () => {
    expect(await h.teams.app.store.findCases({})).toEqual([]);
    expect(await h.teams.app.store.getDocument('intake-draft', 'school-teacher')).toBeNull();
  };

  it('refuses a forged signature, a missing one and a stale timestamp with 401, before anything runs', async () => {
    const body = slashCommand({ userId: OWEN, command: '/escalate' });
    expect((await postSigned(h.url(), body, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await postSigned(h.url(), body, { signature: 'v0=00' })).status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await postSigned(h.url(), body, { timestamp: sixMinutesAgo })).status).toBe(401);
    const res = await fetch(h.url(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.body });
    expect(res.status).toBe(401);
    // (Bolt checks its token with auth.test at start-up; nothing else may have been called.)
    expect(h.api.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    await nothingRecorded();
  });

  it('refuses a replay of a request it has already taken (same signature and timestamp) with 401', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const body = slashCommand({ userId: OWEN, command: '/resolve-cases' });
    const first = await postSigned(h.url(), body, { timestamp: ts });
    expect(first.status).toBe(200);
    await h.api.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage'));
    const posts = h.api.callsOf('chat.postMessage').length;
    expect((await postSigned(h.url(), body, { timestamp: ts, signature: signature(SIGNING_SECRET, ts, body.body) })).status).toBe(401);
    expect(h.api.callsOf('chat.postMessage')).toHaveLength(posts);
  });

  it('answers 400 to bodies that are not Slack payloads, and changes nothing', async () => {
    for (const [body, contentType] of [
      ['payload=%7Bnot-json', 'form'],
      ['{"type":"event_callback"}', 'json'],
      ['{"type":"something_else","user":{"id":"U1"}}', 'json'],
      ['payload=%7B%22type%22%3A%22block_actions%22%7D', 'form'],
      ['hello=world', 'form'],
    ] as const) {
      const r = await postSigned(h.url(), body, { contentType });
      expect([body, r.status]).toEqual([body, 400]);
    }
    await nothingRecorded();
  });

  it('answers an unknown command, button, form or shortcut plainly, and changes nothing', async () => {
    const unknownCommand = await h.send(slashCommand({ userId: OWEN, command: '/frobnicate' }));
    expect(unknownCommand.json).toMatchObject({ text: expect.stringContaining("I don't know /frobnicate") });
    const before = h.messagesTo(OWEN).length;
    await h.send(blockAction({ userId: OWEN, actionId: 'case.delete', value: 'RES-2026-0001', channelId: `D${OWEN}`, messageTs: '1.2' }), () => h.messagesTo(OWEN).length > before);
    expect(h.messagesTo(OWEN).at(-1)!.text).toBe("I don't know that button; nothing was changed. Say `help` to see what I can do.");
    await h.send(viewSubmission({ userId: OWEN, callbackId: 'case.rewrite' }), () => h.messagesTo(OWEN).length > before + 1);
    expect(h.messagesTo(OWEN).at(-1)!.text).toContain("I don't know that form");
    await h.send(globalShortcut({ userId: OWEN, callbackId: 'case.export' }), () => h.messagesTo(OWEN).length > before + 2);
    expect(h.messagesTo(OWEN).at(-1)!.text).toContain("I don't know that shortcut");
    await nothingRecorded();
  });

  it('tells someone not in the directory so, and shows them nothing', async () => {
    const r = await h.send(slashCommand({ userId: 'U0STRANGER', command: '/resolve-cases' }));
    expect(r.json).toMatchObject({ text: expect.stringContaining("can't find you in this partnership's directory") });
    await h.send(eventCallback({ type: 'message', channel_type: 'im', channel: 'DU0STRANGER', user: 'U0STRANGER', text: 'my cases', ts: '1.3' }), () => h.api.callsOf('chat.postMessage').some((p) => p.channel === 'DU0STRANGER'));
    expect(h.api.callsOf('chat.postMessage').filter((p) => p.channel === 'DU0STRANGER').map((p) => p.text)).toEqual([expect.stringContaining("can't find you")]);
  });

  it('a modal step that is not valid keeps the modal open with the reason, and records nothing', async () => {
    await h.command(OWEN, '/escalate', '', h.has('views.open'));
    const view = h.api.callsOf('views.open').at(-1)!.view as { private_metadata: string };
    const r = await h.submit(OWEN, 'intake.step', view.private_metadata, { answer: { answer: { type: 'radio_buttons', selected_option: { value: 'perhaps' } } } });
    expect(r.json).toEqual({ response_action: 'errors', errors: { answer: 'Please answer yes or no.' } });
    expect((await h.teams.app.store.getDocument('intake-draft', 'school-teacher'))?.value).toEqual({});
  });

  // The bot's own posts are dropped by Bolt (ignoreSelf) as well as by our filter; an edit only by ours.
  it('ignores the bot’s own messages and edits in a DM', async () => {
    const before = h.api.calls.length;
    await h.send(eventCallback({ type: 'message', channel_type: 'im', channel: `D${BETHAN}`, user: 'UBOT', bot_id: 'BBOT', text: 'help', ts: '1.4' }));
    await h.send(eventCallback({ type: 'message', subtype: 'message_changed', channel_type: 'im', channel: `D${BETHAN}`, text: 'help', ts: '1.5' }));
    // A message that should be answered ('hello': the welcome card), sent after the two: once its
    // answer is out, an answer to either of them (the help text) would be out too.
    const welcomed = (since: { method: string; params: Record<string, unknown> }[]) => since.some((c) => c.method === 'chat.postMessage' && JSON.stringify(c.params.blocks ?? '').includes('intake.start'));
    await h.dm(BETHAN, 'hello', undefined, welcomed);
    expect(h.api.calls.slice(before).filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });
});
