/**
 * Slack outside the DMs: the bot answers an @mention in a channel. Case content is only ever shown
 * in a person's DM with the bot, so a mention in a channel gets a pointer there (seen only by the
 * person who wrote it) and nothing is stored, except that someone holding a Board role may say
 * "@Resolve use this channel for Board notices" in a channel to have the Board's notices posted
 * there: recorded (where, who, when; compare-and-swap, so two at once cannot both win) and said in
 * the new channel and the old one. A channel set in the configuration (SLACK_BOARD_CHANNEL) wins.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { holdsBoardRole, SAYS_BOARD } from '../app/board-channel.js';
import type { Clock } from '../app/clock.js';
import type { Store } from '../app/store.js';
import { findPersonBySlackId, type Directory } from '../domain/directory.js';
import { BOARD_CHANNEL, CHANNELS, type ChosenBoardChannel } from './slack-channel.js';

export const POINTER = 'I only talk about cases in your direct messages with Resolve, so nothing about a case is shown or kept here. Open Resolve under Apps in Slack and ask me there.';
export const NOT_A_CHANNEL = "The Board's notices go to a channel, not a direct message or group DM: say this in the channel you mean, mentioning @Resolve. Nothing was changed.";

/** An app_mention event as this reads it. */
export type Mention = { channel: string; user: string; text: string; teamId: string | undefined };

type Deps = { client: WebClient; store: Store; directory: Directory; clock: Clock; boardConfigured: boolean; log: Logger };

/** Answers a mention of the bot in a channel. */
export function answerMention(deps: Deps): (mention: Mention) => Promise<void> {
  const { client, store, directory, clock, log } = deps;
  const board = directory.partnership.name;
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

  const choose = async (m: Mention) => {
    const person = m.teamId ? findPersonBySlackId(directory, m.teamId, m.user) : undefined;
    if (!person || !holdsBoardRole(person)) return tell(m, `Only someone with a Board role in ${board}'s directory can choose where the Board's notices go; nothing was changed.`);
    if (!(await isChannel(m.channel))) return tell(m, NOT_A_CHANNEL);
    if (deps.boardConfigured) return tell(m, "The Board's channel is set in Resolve's configuration (SLACK_BOARD_CHANNEL), so it cannot be changed here; nothing was changed.");
    const old = await store.getDocument<ChosenBoardChannel>(CHANNELS, BOARD_CHANNEL);
    if (old?.value.channel === m.channel) return tell(m, `This is already the channel for ${board}'s notices.`);
    const chosen: ChosenBoardChannel = { channel: m.channel, setBy: person.id, at: clock.now().toISOString() };
    if (!(await store.putDocument(CHANNELS, BOARD_CHANNEL, chosen, old ? old.etag : null)).ok) return tell(m, "Someone changed the Board's channel at the same moment; nothing was changed here. Please say it again.");
    await client.chat.postMessage({ channel: m.channel, text: `${person.name} chose this channel for ${board}'s notices: Resolve will post here when a case reaches the stage at which the Board must be informed.` });
    if (!old) return;
    try {
      await client.chat.postMessage({ channel: old.value.channel, text: `${person.name} moved ${board}'s notices to another channel; Resolve no longer posts them here.` });
    } catch (err) {
      log.error({ err }, 'could not tell the old Board channel in Slack that the notices have moved');
    }
  };

  return async (m) => {
    const text = m.text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, '').trim();
    await (SAYS_BOARD.test(text) ? choose(m) : tell(m, POINTER));
  };
}
