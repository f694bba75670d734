/**
 * Slack as a Channel for the Messenger. Each person's messages about a case go in one thread of
 * their DM with the bot (the thread's first message names the case), so replies in that thread
 * can be relayed to the case; each is also shown in the DM itself (reply_broadcast) so that a
 * card waiting for someone is never hidden in a thread. A thread is opened only by news of a case
 * the person takes part in, never by a refusal (a stranger naming a reference opens nothing).
 *
 * A Board's notices go to its own channel where several Boards share the procedure (set in
 * SLACK_BOARD_CHANNELS, else chosen in Slack by someone of that Board), else to the partnership's
 * single one: set in the configuration (SLACK_BOARD_CHANNEL), else chosen in Slack (board-choice.ts).
 */
import type { ChatPostMessageArguments, WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { boardChannelFor, type ChosenBy } from '../app/board-channel.js';
import type { Channel, Outgoing } from '../app/messenger.js';
import type { Store } from '../app/store.js';
import type { Person } from '../domain/directory.js';
import { messageOf, mrkdwn } from './blocks.js';

/** personId/ref → the thread of that case in the person's DM. */
const THREADS = 'slack-thread';
/** channel/ts → the case whose thread that is (to relay replies). */
export const THREAD_CASES = 'slack-thread-case';

/** Where the Board's channel is kept when someone with a Board role chose it in Slack. */
export const CHANNELS = 'slack-channel';
/** The Board's channel as chosen: its id, by whom and when. */
export type ChosenBoardChannel = { channel: string } & ChosenBy;

type Thread = { channel: string; ts: string };

export type SlackChannel = Channel & {
  /** The DM channel between the bot and a person (opened if need be). */
  dmOf(person: Person): Promise<string>;
  /** Posts words or a card to a person outside any case thread. */
  post(person: Person, message: Outgoing, threadTs?: string): Promise<boolean>;
  /** The ts of the person's thread for the case if one was opened; this never opens one. */
  caseThread(person: Person, ref: string): Promise<string | undefined>;
};

export function slackChannel(deps: { client: WebClient; store: Store; boardChannel?: string | undefined; boardChannels?: Record<string, string> | undefined; log: Logger }): SlackChannel {
  const { client, store, log } = deps;
  const dms = new Map<string, string>();
  const payload = (message: Outgoing) => ('text' in message ? { text: mrkdwn(message.text) } : messageOf(message.view));

  const dmOf = async (person: Person): Promise<string> => {
    const known = dms.get(person.id);
    if (known) return known;
    const opened = await client.conversations.open({ users: person.identities.slack!.userId });
    const id = opened.channel?.id;
    if (!id) throw new Error('conversations.open gave no channel');
    dms.set(person.id, id);
    return id;
  };

  /** The case's thread in this person's DM, started with a first message that names the case. */
  const threadOf = async (person: Person, ref: string): Promise<Thread> => {
    const key = `${person.id}/${ref}`;
    const known = (await store.getDocument<Thread>(THREADS, key))?.value;
    if (known) return known;
    const channel = await dmOf(person);
    const root = await client.chat.postMessage({
      channel,
      text: mrkdwn(`**${ref}**: everything about this case comes in this thread. Reply in the thread to write to everyone taking part; it goes in the case's timeline. Use the case reference only, never a child's name.`),
    });
    const thread = { channel, ts: root.ts! };
    await store.putDocument(THREAD_CASES, `${channel}/${thread.ts}`, ref);
    // Two messages for the same case at once: the first thread recorded is the case's thread.
    const put = await store.putDocument(THREADS, key, thread, null);
    return put.ok ? thread : ((await store.getDocument<Thread>(THREADS, key))?.value ?? thread);
  };

  const post = async (person: Person, message: Outgoing, threadTs?: string): Promise<boolean> => {
    try {
      const dm = await dmOf(person);
      // An answer to someone writing in a thread stays in it; news of a case is also shown in the DM.
      const thread = threadTs ? null : message.caseRef ? await threadOf(person, message.caseRef) : null;
      const where = threadTs ? { channel: dm, thread_ts: threadTs } : thread ? { channel: thread.channel, thread_ts: thread.ts, reply_broadcast: true } : { channel: dm };
      await client.chat.postMessage({ ...where, ...payload(message) } as ChatPostMessageArguments);
      return true;
    } catch (err) {
      // What was decided is already recorded; a message that cannot go is logged, not fatal.
      log.error({ err, to: person.id, caseRef: message.caseRef }, 'could not send to this person in Slack');
      return false;
    }
  };

  return {
    name: 'Slack',
    async canReach(person) {
      // A bot may open a DM with anyone in its workspace: no earlier conversation is needed.
      return person.identities.slack !== undefined;
    },
    send: (person, message) => post(person, message),
    post,
    dmOf,
    caseThread: async (person, ref) => (await store.getDocument<Thread>(THREADS, `${person.id}/${ref}`))?.value.ts,
    async postToBoard(view, boardId) {
      const chosen = async (key: string) => (await store.getDocument<ChosenBoardChannel>(CHANNELS, key))?.value.channel;
      const channel = await boardChannelFor(boardId, (board) => (board ? deps.boardChannels?.[board] : deps.boardChannel), chosen);
      if (!channel) return 'none';
      try {
        await client.chat.postMessage({ channel, ...messageOf(view) });
        return 'posted';
      } catch (err) {
        log.error({ err }, 'could not post the notice to the Board channel in Slack');
        return 'failed';
      }
    },
  };
}
