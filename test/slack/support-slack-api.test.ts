/** The Slack test helpers themselves: the fake Web API as a real WebClient sees it, and signatures as Bolt checks them. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { verifySlackRequest } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SIGNING_SECRET,
  blockAction,
  dateState,
  eventCallback,
  mergeStates,
  postSigned,
  selectState,
  signature,
  slashCommand,
  startRecordingSlackApi,
  textState,
  viewSubmission,
  type RecordingSlackApi,
} from './support-slack-api.js';

describe('the recording Slack API', () => {
  let api: RecordingSlackApi;
  let client: WebClient;
  beforeAll(async () => {
    api = await startRecordingSlackApi();
    // No retries: a failure should surface at once rather than after the default back-off.
    client = new WebClient('xoxb-test', { slackApiUrl: api.url, retryConfig: { retries: 0 } });
  });
  afterAll(() => api.close());
  beforeEach(() => api.clear());

  it('records calls with their token and JSON params parsed, and answers like Slack', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
    const first = await client.chat.postMessage({ channel: 'DU1', text: 'hi', blocks });
    const second = await client.chat.postMessage({ channel: 'DU1', text: 'again', thread_ts: first.ts });
    expect(first).toMatchObject({ ok: true, channel: 'DU1', message: { text: 'hi', blocks } });
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(api.calls[0]).toMatchObject({ method: 'chat.postMessage', params: { channel: 'DU1', text: 'hi', blocks }, token: 'xoxb-test', response: { ok: true, channel: 'DU1' } });
    expect(api.callsOf('chat.postMessage')[1]).toMatchObject({ thread_ts: first.ts });

    expect(await client.conversations.open({ users: 'U0DEMO031' })).toMatchObject({ ok: true, channel: { id: 'DU0DEMO031' } });

    const view = { type: 'modal' as const, callback_id: 'cb', title: { type: 'plain_text' as const, text: 'T' }, blocks: [] };
    const opened = await client.views.open({ trigger_id: 'trig-1', view });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), hash: expect.stringMatching(/^h/), callback_id: 'cb' });
    expect(api.callsOf('views.open')).toEqual([{ trigger_id: 'trig-1', view }]);
    expect(await client.apiCall('reactions.add', { name: 'eyes' })).toMatchObject({ ok: true });
  });

  it('fails the next call of a method once when asked', async () => {
    api.failNext('chat.update', 'message_not_found');
    await expect(client.chat.update({ channel: 'C1', ts: '1.1', text: 'x' })).rejects.toMatchObject({ data: { ok: false, error: 'message_not_found' } });
    expect(await client.chat.update({ channel: 'C1', ts: '1.1', text: 'x' })).toMatchObject({ ok: true, channel: 'C1', ts: '1.1', text: 'x' });
  });

  it('waits for calls, and says what was called when they never come', async () => {
    setTimeout(() => void client.auth.test(), 30);
    await api.waitFor((calls) => calls.some((c) => c.method === 'auth.test'));
    await expect(api.waitFor(() => false, 50)).rejects.toThrow(/auth\.test/);
  });
});

describe('signed requests', () => {
  const body = slashCommand({ userId: 'U1', command: '/resolve', text: 'help' }).body;
  const now = Math.floor(Date.now() / 1000);
  const verify = (sig: string, timestamp: number) =>
    verifySlackRequest({ signingSecret: SIGNING_SECRET, body, headers: { 'x-slack-signature': sig, 'x-slack-request-timestamp': timestamp } });

  it('are accepted by Bolt when fresh and correctly signed, and rejected otherwise', () => {
    expect(() => verify(signature(SIGNING_SECRET, now, body), now)).not.toThrow();
    expect(() => verify(signature('wrong-secret', now, body), now)).toThrow(/signature mismatch/);
    expect(() => verify(signature(SIGNING_SECRET, now - 301, body), now - 301)).toThrow(/stale/);
  });

  it('are posted with the headers and body Slack uses', async () => {
    const seen: { headers: Record<string, unknown>; body: string }[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (d) => (text += d));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: text });
        res.end(seen.length === 1 ? '' : '{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    try {
      expect(await postSigned(url, slashCommand({ userId: 'U1', command: '/resolve' }))).toEqual({ status: 200, text: '', json: undefined });
      expect(await postSigned(url, eventCallback({ type: 'app_home_opened', user: 'U1' }))).toMatchObject({ json: { ok: true } });
      const [form, json] = seen;
      expect(form?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(json?.headers['content-type']).toBe('application/json');
      const ts = Number(json?.headers['x-slack-request-timestamp']);
      expect(json?.headers['x-slack-signature']).toBe(signature(SIGNING_SECRET, ts, json?.body ?? ''));
      expect(new URLSearchParams(form?.body).get('channel_id')).toBe('DU1');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('payload builders', () => {
  const parse = (body: string) => JSON.parse(new URLSearchParams(body).get('payload') ?? '{}') as Record<string, unknown>;

  it('build modal actions and submissions with Slack state values', () => {
    const values = mergeStates(textState('summary', 'input', 'Why'), selectState('agency', 'pick', 'police'), dateState('summary', 'when', '2025-01-31'));
    expect(values).toEqual({
      summary: { input: { type: 'plain_text_input', value: 'Why' }, when: { type: 'datepicker', selected_date: '2025-01-31' } },
      agency: { pick: { type: 'static_select', selected_option: { value: 'police', text: { type: 'plain_text', text: 'police' } } } },
    });
    const action = parse(blockAction({ userId: 'U1', actionId: 'go', view: { id: 'V9', callback_id: 'cb' }, stateValues: values }).body);
    expect(action).toMatchObject({ type: 'block_actions', container: { type: 'view', view_id: 'V9' }, view: { id: 'V9', state: { values } } });
    const onMessage = parse(blockAction({ userId: 'U1', actionId: 'go', value: 'x', channelId: 'C1', messageTs: '1.2' }).body);
    expect(onMessage).toMatchObject({ container: { type: 'message', channel_id: 'C1', message_ts: '1.2' }, actions: [{ action_id: 'go', value: 'x' }] });
    expect(parse(viewSubmission({ userId: 'U1', callbackId: 'cb', stateValues: values }).body)).toMatchObject({
      type: 'view_submission',
      view: { id: 'V1', callback_id: 'cb', private_metadata: '', state: { values } },
    });
  });
});
