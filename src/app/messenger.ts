/**
 * The Messenger port: how the app's words and cards reach a person, wherever they are. Each chat
 * channel (Teams, Slack) is a `Channel`; `routeMessages` picks, for each person, the channel they
 * last used, then any other that can reach them, so a case can have one side on each.
 */
import type { Logger } from 'pino';
import type { Directory, Person } from '../domain/directory.js';
import type { Language } from '../domain/policy/schema.js';
import type { CardView } from './case-views.js';
import { languageOf, madeFor, type InLanguage } from './reader.js';
import type { Store } from './store.js';

/** Plain text (the app's Markdown) or a card; `caseRef` lets a channel keep a case's messages together. */
export type Outgoing = ({ text: string } | { view: CardView }) & { caseRef?: string };
/** What the app hands the Messenger: the same, or made for the reader's language (`forReaders`). */
export type Message = ({ text: InLanguage<string> } | { view: InLanguage<CardView> }) & { caseRef?: string };

export type ChannelName = 'Teams' | 'Slack';

export interface Channel {
  readonly name: ChannelName;
  /** Whether this channel knows how to reach the person (without sending anything). */
  canReach(person: Person): Promise<boolean>;
  /** False when it could not be delivered (already logged by the channel). */
  send(person: Person, message: Outgoing): Promise<boolean>;
  /**
   * Posts to the channel here of this Board (an agency id, where several share the procedure),
   * else the partnership's single one: 'none' when this chat has neither set up.
   */
  postToBoard(view: CardView, boardId?: string): Promise<'posted' | 'failed' | 'none'>;
}

export interface Messenger {
  /**
   * Delivers to a person on the first channel that reaches them, made in their language (the one
   * place a message meets its reader); false if none did.
   */
  send(personId: string, message: Message): Promise<boolean>;
  /**
   * Posts to the Board's channel (that Board's own, else the single one) on every chat where one
   * is set up, in the Board's language (BOARD_LANGUAGE; English by default); false if none took it.
   */
  postToBoard(view: InLanguage<CardView>, caseRef: string, boardId?: string): Promise<boolean>;
  /** A person used this channel: later messages go there first. */
  seen(person: Person, channel: ChannelName): Promise<void>;
}

const LAST_CHANNEL = 'last-channel';

/** A message as its reader reads it. */
function madeIn(message: Message, language: Language): Outgoing {
  const caseRef = message.caseRef ? { caseRef: message.caseRef } : {};
  return 'view' in message ? { view: madeFor(message.view, language), ...caseRef } : { text: madeFor(message.text, language), ...caseRef };
}

/** `boardLanguage`: the language of the Board channel's notices (a channel has many readers); English by default. */
export function routeMessages(deps: { channels: Channel[]; directory: Directory; store: Store; log: Logger; boardLanguage?: Language }): Messenger {
  const { channels, directory, store, log } = deps;
  // What this process last stored per person, so each click does not rewrite the same document.
  const known = new Map<string, ChannelName>();
  const lastUsed = async (personId: string): Promise<ChannelName | null> =>
    known.get(personId) ?? (await store.getDocument<ChannelName>(LAST_CHANNEL, personId))?.value ?? null;

  return {
    async send(personId, said) {
      const person = directory.people.find((p) => p.id === personId);
      if (!person) return false;
      const message = madeIn(said, languageOf(person));
      const first = await lastUsed(personId);
      const ordered = [...channels].sort((a, b) => Number(b.name === first) - Number(a.name === first));
      for (const channel of ordered) {
        if (!(await channel.canReach(person))) continue;
        if (await channel.send(person, message)) return true;
      }
      log.warn({ to: personId, caseRef: message.caseRef, channels: channels.map((c) => c.name) }, 'cannot reach this person: they have no chat with Resolve on any channel yet');
      return false;
    },
    async postToBoard(said, caseRef, boardId) {
      const view = madeFor(said, deps.boardLanguage ?? 'en');
      const results = await Promise.all(channels.map((c) => c.postToBoard(view, boardId)));
      if (results.every((r) => r === 'none')) {
        log.warn({ caseRef }, 'no Board channel to post to: have someone with a Board role say "use this channel for Board notices" in a Teams or Slack channel, or set BOARD_CHANNEL_ID (or BOARD_CHANNEL_IDS) and BOARD_SERVICE_URL (Teams) or SLACK_BOARD_CHANNEL (or SLACK_BOARD_CHANNELS) (Slack)');
      }
      return results.includes('posted');
    },
    async seen(person, channel) {
      if (known.get(person.id) === channel) return;
      await store.putDocument(LAST_CHANNEL, person.id, channel);
      known.set(person.id, channel);
    },
  };
}
