/**
 * A policy as a reader of one language reads it: every object's words that have Welsh (`cy`) are
 * replaced by `say(object, field, language)`, so English where a translation is missing, and the
 * rules (stages, roles, timescales, routes) are untouched. The app's views read a case's policy
 * as they always did; handing them the case in the reader's language is all it takes, so the rule
 * of which words a reader sees stays in `say`.
 *
 * The words recorded on a case are never these: `decide` always reads the policy as pinned.
 */
import { say, type Language, type Policy } from './schema.js';

/** Each policy read in Welsh, made once per policy object. */
const WELSH = new WeakMap<Policy, Policy>();
/** The pinned policy a Welsh reading was made from, so any reading can be read again in another language. */
const SOURCE = new WeakMap<Policy, Policy>();

/** The policy in `language`: the same object for English (and for a reading made from it). */
export function inLanguage(policy: Policy, language: Language): Policy {
  const source = SOURCE.get(policy) ?? policy;
  if (language === 'en') return source;
  let read = WELSH.get(source);
  if (!read) {
    read = readIn(source, language) as Policy;
    WELSH.set(source, read);
    SOURCE.set(read, source);
  }
  return read;
}

/** A copy of `x` with every object's `cy` words put in place of the English, and the `cy` left out. */
function readIn(x: unknown, language: Language): unknown {
  if (Array.isArray(x)) return x.map((v) => readIn(v, language));
  if (!x || typeof x !== 'object') return x;
  const o = x as Record<string, unknown> & { cy?: Record<string, unknown> };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (k !== 'cy') out[k] = readIn(v, language);
  // `say` is the rule; the words may be a list (a group's reflective questions), one for one.
  const worded = o as Record<string, string | undefined> & { cy?: Record<string, string | undefined> };
  for (const field of Object.keys(o.cy ?? {})) out[field] = say(worded, field, language);
  return out;
}
