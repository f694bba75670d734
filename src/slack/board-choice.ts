/**
 * Slack outside the DMs: the bot answers an @mention in a channel. Case content is only ever shown
 * in a person's DM with the bot, so a mention in a channel gets a pointer there (seen only by the
 * person who wrote it) and nothing is stored, except that someone holding a Board role may say
 * "@Resolve use this channel for Board notices" in a channel to have the Board's notices posted
 * there: recorded (where, who, when; compare-and-swap, so two at once cannot both win) and said in
 * the new channel and the old one: for their own Board where several share the procedure
 * (board-channel.ts). A channel set in the configuration (SLACK_BOARD_CHANNEL, SLACK_BOARD_CHANNELS) wins.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { chooseBoardChannel, holdsBoardRole, SAYS_BOARD, type BoardChannelRecord } from '../app/board-channel.js';
import type { Clock } from '../app/clock.js';
import type { Store } from '../app/store.js';
import { findPersonBySlackId, type Directory } from '../domain/directory.js';
import { CHANNELS, type ChosenBoardChannel } from './slack-channel.js';

export const POINTER = 'I only talk about cases in your direct messages with Resolve, so nothing about a case is shown or kept here. Open Resolve under Apps in Slack and ask me there.';
export const NOT_A_CHANNEL = "The Board's notices go to a channel, not a direct message or group DM: say this in the channel you mean, mentioning @Resolve. Nothing was changed.";

/** An app_mention event as this reads it. */
export type Mention = { channel: string; user: string; text: string; teamId: string | undefined };

/** The Board channels set in the configuration: the partnership's single one, and per Board agency id. */
export type ConfiguredBoards = { single: boolean; boards: Record<string, string> };
type Deps = { client: WebClient; store: Store; directory: Directory; clock: Clock; boardConfigured: ConfiguredBoards; log: Logger };

/** Answers a mention of the bot in a channel. */
export function answerMention(deps: Deps): (mention: Mention) => Promise<void> {
  const { client, store, directory, clock, log } = deps;
  /** Only the person who mentioned the bot sees the answer. */
  const tell = (m: Mention, text: string) => client.chat.postEphemeral({ channel: m.channel, user: m.user, text });
  /** A channel (public or private), not a DM or group DM; a conversation the app may not look at is not one. */
  const isChannel = async (id: string) => {
    try {
      const { channel: c } = await client.conversations.info({ channel: id });
      return Boolean(c && !c.is_im && !c.is_mpim && (c.is_channel || c.is_group));
    } catch (err) {
      log.warn({ err }, 'could not tell what kind of Slack conversation the Board channel was asked for in');
      return false;
    }
  };

  const record: BoardChannelRecord<string> = {
    namespace: CHANNELS,
    read: (value) => (value as Partial<ChosenBoardChannel>).channel ?? null,
    write: (channel, by): ChosenBoardChannel => ({ channel, ...by }),
    same: (a, b) => a === b,
  };
  const choose = async (m: Mention) => {
    const person = m.teamId ? findPersonBySlackId(directory, m.teamId, m.user) : undefined;
    // Only asked of Slack for someone who may choose: the answer costs a call.
    const notAChannel = person && holdsBoardRole(person) && !(await isChannel(m.channel)) ? NOT_A_CHANNEL : null;
    const { single, boards } = deps.boardConfigured;
    const configuredBy = (boardId: string | undefined) => (boardId ? (boards[boardId] ? 'SLACK_BOARD_CHANNELS' : null) : single ? 'SLACK_BOARD_CHANNEL' : null);
    const answer = await chooseBoardChannel({ store, clock, directory }, record, { person, where: m.channel, notAChannel, configuredBy });
    if (answer.chosen) await client.chat.postMessage({ channel: m.channel, text: answer.reply });
    else await tell(m, answer.reply);
    if (!answer.tellOld) return;
    try {
      await client.chat.postMessage({ channel: answer.tellOld.where, text: answer.tellOld.text });
    } catch (err) {
      log.error({ err }, 'could not tell the old Board channel in Slack that the notices have moved');
    }
  };

  return async (m) => {
    const text = m.text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, '').trim();
    await (SAYS_BOARD.test(text) ? choose(m) : tell(m, POINTER));
  };
}
