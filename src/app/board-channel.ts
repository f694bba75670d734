/**
 * Choosing the channel for the Board's notices, the same on every chat: it is set only on purpose,
 * by someone holding a Board role who says so in that channel (or in the configuration), never by
 * installing the app. Each door keeps its own record of the channel chosen (what a channel is
 * differs); the rule of who may choose, and the words that ask for it, live here.
 */
import type { Person } from '../domain/directory.js';

/** Who may choose where the Board's notices go: anyone holding a Board role in the directory. */
export const holdsBoardRole = (person: Person) => person.roles.some((r) => r.startsWith('board-'));

/** "use this channel for Board notices" (the bot's mention taken out first). */
export const SAYS_BOARD = /^use this channel for (the )?board('s)? notices[.!]?$/i;

/** Who chose the channel and when (a person id, an ISO time), kept with where it is. */
export type ChosenBy = { setBy: string; at: string };
