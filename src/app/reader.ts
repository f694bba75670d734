/**
 * Who reads a message, and so in which language the procedure's words in it are shown: each
 * message goes to one person and is made in THEIR language (their directory entry's `language`),
 * so two people on one case may read the same card in Welsh and in English. The app's own
 * sentences stay English (see README, "Welsh").
 *
 * A card or a line made from a case is given as `forReaders(state, build)`: the Messenger, which
 * knows whom it delivers to, makes it from the case as that person reads it (`readIn`). The reply
 * to the person who acted is made by whoever answers them (the step runner, CaseFlow).
 */
import type { Person } from '../domain/directory.js';
import type { CaseState } from '../domain/escalation/state.js';
import { inLanguage } from '../domain/policy/language.js';
import type { Language } from '../domain/policy/schema.js';

/** Words or a card, as they are or made for the reader's language. */
export type InLanguage<T> = T | ((language: Language) => T);

/** The language a person reads the procedure's words in: English unless their directory entry says otherwise. */
export const languageOf = (person: Pick<Person, 'language'> | undefined): Language => person?.language ?? 'en';

/** The case as a reader of `language` reads it: its policy's words in that language, English where missing. */
export function readIn(state: CaseState, language: Language): CaseState {
  const policy = inLanguage(state.policy, language);
  return policy === state.policy ? state : { ...state, policy };
}

/** What `build` makes of the case, made for each reader from the case as they read it. */
export function forReaders<T>(state: CaseState, build: (state: CaseState) => T): (language: Language) => T {
  return (language) => build(readIn(state, language));
}

/** The words or card for a reader of `language`. */
export function madeFor<T>(x: InLanguage<T>, language: Language): T {
  return typeof x === 'function' ? (x as (language: Language) => T)(language) : x;
}
