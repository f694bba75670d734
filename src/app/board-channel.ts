/**
 * Choosing the channel for the Board's notices, the same on every chat: it is set only on purpose,
 * by someone holding a Board role who says so in that channel (or in the configuration), never by
 * installing the app. Each door keeps its own record of the channel chosen (what a channel is
 * differs); the rule of who may choose, the words that ask for it and the choosing live here.
 */
import type { Agency, Directory, Person } from '../domain/directory.js';
import type { Clock } from './clock.js';
import type { Store } from './store.js';

/** Who may choose where the Board's notices go: anyone holding a Board role in the directory. */
export const holdsBoardRole = (person: Person) => person.roles.some((r) => r.startsWith('board-'));

/** "use this channel for Board notices" (the bot's mention taken out first). */
export const SAYS_BOARD = /^use this channel for (the )?board('s)? notices[.!]?$/i;

/**
 * The Board whose notices a Board-role holder chooses a channel for: their own Board agency where
 * several Boards share the procedure (Derby City and Derbyshire), else undefined: the partnership's
 * single channel, as when there is one Board.
 */
export function boardChosenFor(directory: Directory, person: Person): Agency | undefined {
  if (directory.agencies.filter((a) => a.kind === 'partnership').length < 2) return undefined;
  const agency = directory.agencies.find((a) => a.id === person.agencyId);
  return agency?.kind === 'partnership' ? agency : undefined;
}

/** Where a chosen Board channel is kept in the door's namespace: one Board's, or the partnership's single one. */
export const boardChannelKey = (boardId?: string) => (boardId ? `board/${boardId}` : 'board');

/**
 * The channel a Board notice goes to, the same order on every door: the child's Board's own
 * channel (configured, then chosen in chat), else the partnership's single one (configured, then
 * chosen); undefined where none is set. `configured` and `chosen` are the door's own records.
 */
export async function boardChannelFor<T>(boardId: string | undefined, configured: (boardId?: string) => T | undefined, chosen: (key: string) => Promise<T | undefined>): Promise<T | undefined> {
  const own = boardId ? (configured(boardId) ?? (await chosen(boardChannelKey(boardId)))) : undefined;
  return own ?? configured() ?? (await chosen(boardChannelKey()));
}

/**
 * Configured channels per Board, "board-agency-id=channel, ..." (BOARD_CHANNEL_IDS,
 * SLACK_BOARD_CHANNELS): null where a pair is not of that form.
 */
export function parseBoardChannels(text: string): Record<string, string> | null {
  const pairs = text.split(',').map((p) => p.trim()).filter(Boolean).map((p) => /^([a-z0-9-]+)\s*=\s*(\S+)$/.exec(p));
  if (pairs.some((m) => !m)) return null;
  return Object.fromEntries(pairs.map((m) => [m![1]!, m![2]!]));
}

/** Who chose the channel and when (a person id, an ISO time), kept with where it is. */
export type ChosenBy = { setBy: string; at: string };

/**
 * How one chat keeps its chosen Board channels: the store namespace they live in (keyed by
 * boardChannelKey), how to read and write the place (a Teams conversation reference, a Slack
 * channel id), and whether two places are the same channel.
 */
export type BoardChannelRecord<Where> = {
  namespace: string;
  read(value: unknown): Where | null;
  write(where: Where, by: ChosenBy): unknown;
  same(a: Where, b: Where): boolean;
};

/** What a door asks: who said it, where, and what the door knows of that place. */
export type BoardChannelAsk<Where> = {
  person: Person | undefined;
  where: Where;
  /** Null when it was said in a channel; else the door's words for why this is not one. */
  notAChannel: string | null;
  /** The setting's name when the configuration sets the channel of this Board (undefined: the partnership's single one; configuration wins), else null. */
  configuredBy: (boardId: string | undefined) => string | null;
};

/**
 * What to say where it was asked (for everyone there when `chosen`, else only to the person), and,
 * when the notices moved, what to tell the old channel.
 */
export type BoardChannelAnswer<Where> = { chosen: boolean; reply: string; tellOld?: { where: Where; text: string } };

/**
 * Choosing the Board channel, for every chat: who may, where, configuration first, recorded with
 * who and when under a compare-and-swap (two choosing at once cannot both win). Nothing is
 * changed on a refusal.
 */
export async function chooseBoardChannel<Where>(
  deps: { store: Store; clock: Clock; directory: Directory },
  record: BoardChannelRecord<Where>,
  ask: BoardChannelAsk<Where>,
): Promise<BoardChannelAnswer<Where>> {
  const { store, directory } = deps;
  const { person } = ask;
  if (!person || !holdsBoardRole(person)) return { chosen: false, reply: `Only someone with a Board role in ${directory.partnership.name}'s directory can choose where the Board's notices go; nothing was changed.` };
  if (ask.notAChannel) return { chosen: false, reply: ask.notAChannel };
  // Where several Boards share the procedure, each chooses its own; else the partnership's one.
  const theirs = boardChosenFor(directory, person);
  const board = theirs?.name ?? directory.partnership.name;
  const configuredBy = ask.configuredBy(theirs?.id);
  if (configuredBy) return { chosen: false, reply: `The Board's channel is set in Resolve's configuration (${configuredBy}), so it cannot be changed here; nothing was changed.` };
  const key = boardChannelKey(theirs?.id);
  const old = await store.getDocument(record.namespace, key);
  const before = old ? record.read(old.value) : null;
  if (before && record.same(before, ask.where)) return { chosen: false, reply: `This is already the channel for ${board}'s notices.` };
  const chosen = record.write(ask.where, { setBy: person.id, at: deps.clock.now().toISOString() });
  if (!(await store.putDocument(record.namespace, key, chosen, old ? old.etag : null)).ok) {
    return { chosen: false, reply: "Someone changed the Board's channel at the same moment; nothing was changed here. Please say it again." };
  }
  const reply = `${person.name} chose this channel for ${board}'s notices: Resolve will post here when a case reaches the stage at which the Board must be informed.`;
  return before ? { chosen: true, reply, tellOld: { where: before, text: `${person.name} moved ${board}'s notices to another channel; Resolve no longer posts them here.` } } : { chosen: true, reply };
}
