/**
 * Teams as a Channel for the Messenger: proactive messages to a person's chat with the bot (from
 * the conversation reference kept when they last talked to it) and to the Board's channel: the
 * child's Board's own where several share the procedure (configured, else chosen), else the
 * partnership's single one (configured, else chosen).
 */
import type { ConversationReference } from '@microsoft/agents-activity';
import { CardFactory, MessageFactory, type CloudAdapter } from '@microsoft/agents-hosting';
import type { Logger } from 'pino';
import { boardChannelFor, type ChosenBy } from '../app/board-channel.js';
import type { Channel, Outgoing } from '../app/messenger.js';
import type { Store } from '../app/store.js';
import type { Person } from '../domain/directory.js';
import { adaptiveCardOf } from './case-cards.js';

/** Where the conversation reference of each person is kept. */
export const CONVERSATIONS = 'teams-conversation';
/** Where the Board's channel is kept when someone with a Board role chose it in Teams. */
export const CHANNELS = 'teams-channel';

/** The Board's channel as chosen: where, by whom (a person id) and when. */
export type ChosenBoardChannel = { reference: ConversationReference } & ChosenBy;

/** The chosen channel's reference (older stores kept the bare reference, learned on install). */
export function boardReferenceOf(value: unknown): ConversationReference | null {
  if (!value || typeof value !== 'object') return null;
  const chosen = value as Partial<ChosenBoardChannel>;
  return chosen.reference ?? (value as ConversationReference);
}

/** The app id the SDK wants for a proactive message (without a registration it still wants one). */
export const appIdOf = (clientId: string | undefined) => clientId ?? 'anonymous';

/**
 * Board channels set in the configuration (BOARD_SERVICE_URL with BOARD_CHANNEL_ID, the
 * partnership's single one, and BOARD_CHANNEL_IDS, one per Board agency id).
 */
export type BoardChannel = { channelId?: string | undefined; channelIds?: Record<string, string> | undefined; serviceUrl: string };

type Deps = { adapter: CloudAdapter; store: Store; clientId: string | undefined; boardChannel?: BoardChannel | undefined; log: Logger };

export function teamsChannel(deps: Deps): Channel {
  const { adapter, store, log } = deps;
  const appId = appIdOf(deps.clientId);
  const activityOf = (message: Outgoing, to: Person | null) =>
    'text' in message ? MessageFactory.text(message.text) : MessageFactory.attachment(CardFactory.adaptiveCard(adaptiveCardOf(message.view, to)));

  return {
    name: 'Teams',
    async canReach(person) {
      return (await store.getDocument(CONVERSATIONS, person.id)) !== null;
    },
    async send(person, message) {
      const doc = await store.getDocument<ConversationReference>(CONVERSATIONS, person.id);
      if (!doc) return false;
      try {
        await adapter.continueConversation(appId, doc.value, async (context) => {
          await context.sendActivity(activityOf(message, person));
        });
        return true;
      } catch (err) {
        // What was decided is already recorded; a message that cannot go is logged, not fatal.
        log.error({ err, to: person.id, caseRef: message.caseRef }, 'could not send to this person in Teams');
        return false;
      }
    },
    async postToBoard(view, boardId) {
      const learned = async (key: string) => {
        const chosen = await store.getDocument(CHANNELS, key);
        return chosen ? (boardReferenceOf(chosen.value) ?? undefined) : undefined;
      };
      const configured = (channelId: string | undefined) =>
        deps.boardChannel && channelId
          ? ({
              channelId: 'msteams',
              serviceUrl: deps.boardChannel.serviceUrl,
              agent: { id: deps.clientId ? `28:${deps.clientId}` : 'resolve', name: 'Resolve' },
              conversation: { id: channelId, conversationType: 'channel', isGroup: true },
            } satisfies ConversationReference)
          : undefined;
      const channel = await boardChannelFor(boardId, (board) => configured(board ? deps.boardChannel?.channelIds?.[board] : deps.boardChannel?.channelId), learned);
      if (!channel) return 'none';
      try {
        await adapter.continueConversation(appId, channel, async (context) => {
          await context.sendActivity(activityOf({ view }, null));
        });
        return 'posted';
      } catch (err) {
        // The stage is recorded whatever happens here; the operator sees why the notice failed.
        log.error({ err }, 'could not post the notice to the Board channel in Teams');
        return 'failed';
      }
    },
  };
}
