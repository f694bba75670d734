/**
 * The app with both doors open: Teams driven over the Activity protocol (test/teams/support.ts)
 * and Slack driven with signed requests to POST /slack/events, its Web API calls caught by a
 * recording server on 127.0.0.1. Slack answers at ack time and works on, so each step waits for
 * the Web API calls it should cause.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Clock } from '../../src/app/clock.js';
import { teamsHarness } from '../teams/support.js';
import { blockAction, eventCallback, postSigned, postsTo, slashCommand, SIGNING_SECRET, startRecordingSlackApi, viewSubmission, type SlackApiCall, type StateValues } from './support-slack-api.js';

export const OWEN = 'U0DEMO031'; // school teacher
export const BETHAN = 'U0DEMO032'; // school DSL, team manager
export const MARGARET = 'U0DEMO033'; // head teacher
export const AISHA = 'U0DEMO022'; // health team manager (Slack and Teams)
export const BOARD_CHANNEL = 'CBOARD';
export const NADIA = 'U0DEMO042'; // Board business manager, on Slack only in directoryWithBoardOnSlack()

/** The demo directory with the Board business manager on Slack too (a DIRECTORY_FILE). */
export function directoryWithBoardOnSlack(): string {
  const directory = parse(readFileSync('demo/directory.yaml', 'utf8')) as { people: { id: string; identities?: Record<string, unknown> }[] };
  const nadia = directory.people.find((p) => p.id === 'board-bm')!;
  nadia.identities = { ...nadia.identities, slack: { teamId: 'T0DEMO', userId: NADIA } };
  const file = join(mkdtempSync(join(tmpdir(), 'resolve-slack-board-')), 'directory.yaml');
  writeFileSync(file, stringify(directory));
  return file;
}

type Message = { channel: string; ts: string; text: string; blocks?: { type: string; elements?: { action_id?: string; value?: string }[] }[]; thread_ts?: string };

export async function slackHarness(options: { clock?: Clock; env?: Record<string, string> } = {}) {
  const api = await startRecordingSlackApi();
  const teams = await teamsHarness({
    ...(options.clock ? { clock: options.clock } : {}),
    env: () => ({ SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: api.url, SLACK_BOARD_CHANNEL: BOARD_CHANNEL, ...options.env }),
  });
  /** Every address the app has had (a restart moves it), for the requests posted to each. */
  const urls = new Set<string>();
  const url = () => {
    const u = `http://127.0.0.1:${teams.app.port}/slack/events`;
    urls.add(u);
    return u;
  };
  /**
   * Waits until the app has finished every request posted to it: Slack is answered at once and
   * the work goes on (a reply, a relay), and the app logs 'turn handled' when all of it is done.
   * Stopping sooner cut that work short: its last Web API call found the recording server closed,
   * and Slack's client kept retrying on timers after the run ("Jest did not exit one second
   * after the test run has completed").
   */
  const settled = async () => {
    const handled = () => teams.log.lines.filter((l) => l.msg === 'turn handled' && l.channel === 'slack').length;
    const sent = () => [...urls].reduce((n, u) => n + postsTo(u), 0);
    for (const until = Date.now() + 30_000; handled() < sent(); await new Promise((r) => setTimeout(r, 10))) {
      if (Date.now() > until) throw new Error(`the app finished ${handled()} of the ${sent()} Slack requests posted to it`);
    }
  };
  const posted = (): (Message & { i: number })[] =>
    api.calls.flatMap((c: SlackApiCall, i) => (c.method === 'chat.postMessage' ? [{ ...(c.params as Message), ts: String(c.response.ts), i }] : []));
  /** Sends a signed request and waits until `until` holds of the Web API calls made since. */
  const send = async (body: Parameters<typeof postSigned>[1], until?: (since: SlackApiCall[]) => boolean, headers?: Record<string, string>) => {
    const before = api.calls.length;
    const r = await postSigned(url(), body, headers ? { headers } : {});
    if (r.status !== 200) throw new Error(`/slack/events answered ${r.status} ${r.text}`);
    if (until) await api.waitFor((calls) => until(calls.slice(before)));
    return r;
  };
  const has = (method: string, n = 1) => (since: SlackApiCall[]) => since.filter((c) => c.method === method).length >= n;

  return {
    api,
    teams,
    url,
    send,
    has,
    /** Every chat.postMessage to a person's DM (channel D<user id>), oldest first. */
    messagesTo: (userId: string) => api.callsOf('chat.postMessage').filter((p) => p.channel === `D${userId}`) as unknown as Message[],
    /** The newest message to a person that has a button with this action id. */
    messageWith(userId: string, actionId: string): Message & { ts: string } {
      const m = posted().filter((p) => p.channel === `D${userId}` && (p.blocks ?? []).some((b) => (b.elements ?? []).some((e) => e.action_id === actionId))).pop();
      if (!m) throw new Error(`no message to ${userId} with a ${actionId} button; sent: ${JSON.stringify(api.callsOf('chat.postMessage').map((p) => [p.channel, p.text]))}`);
      return m;
    },
    command: (userId: string, command: string, text = '', until?: (since: SlackApiCall[]) => boolean) => send(slashCommand({ userId, command, text, channelId: `D${userId}` }), until),
    /** A button on a message in the person's DM. */
    click: (userId: string, actionId: string, message: { channel: string; ts: string }, value: string, until?: (since: SlackApiCall[]) => boolean) =>
      send(blockAction({ userId, actionId, value, channelId: message.channel, messageTs: message.ts }), until),
    /** A button inside a modal. */
    clickInView: (userId: string, actionId: string, viewId: string, until?: (since: SlackApiCall[]) => boolean) => send(blockAction({ userId, actionId, value: '', view: { id: viewId } }), until),
    submit: (userId: string, callbackId: string, privateMetadata: string, stateValues: StateValues, until?: (since: SlackApiCall[]) => boolean) =>
      send(viewSubmission({ userId, callbackId, privateMetadata, stateValues }), until),
    /** A message typed in the person's DM with the bot, in a thread when threadTs is given. */
    dm: (userId: string, text: string, threadTs?: string, until?: (since: SlackApiCall[]) => boolean, eventId?: string) =>
      send(eventCallback({ type: 'message', channel_type: 'im', channel: `D${userId}`, user: userId, text, ts: `${Date.now() / 1000}`, ...(threadTs ? { thread_ts: threadTs } : {}) }, eventId ? { eventId } : {}), until),
    async stop() {
      await settled();
      await teams.stop();
      await api.close();
    },
  };
}
