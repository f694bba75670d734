/**
 * Choosing the channel for the Board's notices, the same on every chat: it is set only on purpose,
 * by someone holding a Board role who says so in that channel (or in the configuration), never by
 * installing the app. Each door keeps its own record of the channel chosen (what a channel is
 * differs); the rule of who may choose, the words that ask for it and the choosing live here.
 */
import type { Person } from '../domain/directory.js';
import type { Clock } from './clock.js';
import type { Store } from './store.js';

/** Who may choose where the Board's notices go: anyone holding a Board role in the directory. */
export const holdsBoardRole = (person: Person) => person.roles.some((r) => r.startsWith('board-'));

/** "use this channel for Board notices" (the bot's mention taken out first). */
export const SAYS_BOARD = /^use this channel for (the )?board('s)? notices[.!]?$/i;

/** Who chose the channel and when (a person id, an ISO time), kept with where it is. */
export type ChosenBy = { setBy: string; at: string };

/**
 * How one chat keeps its chosen Board channel: the store document it lives in, how to read and
 * write the place (a Teams conversation reference, a Slack channel id), and whether two places
 * are the same channel.
 */
export type BoardChannelRecord<Where> = {
  namespace: string;
  key: string;
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
  /** The setting's name when the configuration sets the channel (configuration wins), else null. */
  configuredBy: string | null;
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
  deps: { store: Store; clock: Clock; board: string },
  record: BoardChannelRecord<Where>,
  ask: BoardChannelAsk<Where>,
): Promise<BoardChannelAnswer<Where>> {
  const { store, board } = deps;
  const { person } = ask;
  if (!person || !holdsBoardRole(person)) return { chosen: false, reply: `Only someone with a Board role in ${board}'s directory can choose where the Board's notices go; nothing was changed.` };
  if (ask.notAChannel) return { chosen: false, reply: ask.notAChannel };
  if (ask.configuredBy) return { chosen: false, reply: `The Board's channel is set in Resolve's configuration (${ask.configuredBy}), so it cannot be changed here; nothing was changed.` };
  const old = await store.getDocument(record.namespace, record.key);
  const before = old ? record.read(old.value) : null;
  if (before && record.same(before, ask.where)) return { chosen: false, reply: `This is already the channel for ${board}'s notices.` };
  const chosen = record.write(ask.where, { setBy: person.id, at: deps.clock.now().toISOString() });
  if (!(await store.putDocument(record.namespace, record.key, chosen, old ? old.etag : null)).ok) {
    return { chosen: false, reply: "Someone changed the Board's channel at the same moment; nothing was changed here. Please say it again." };
  }
  const reply = `${person.name} chose this channel for ${board}'s notices: Resolve will post here when a case reaches the stage at which the Board must be informed.`;
  return before ? { chosen: true, reply, tellOld: { where: before, text: `${person.name} moved ${board}'s notices to another channel; Resolve no longer posts them here.` } } : { chosen: true, reply };
}
