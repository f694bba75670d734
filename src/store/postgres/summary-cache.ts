/**
 * The embedded store's answers to case-summary queries (`findCases`: my cases, my agency's, due
 * before, Stage 3 or above) as this process last read them, so a question asked again (`my
 * cases`, typed or on the home screen) needs no query until a case changes.
 *
 * Only for the database's only client, for the reasons document-cache.ts gives. Summaries are
 * written only with their events, in an append, so every append forgets every answer, before and
 * after it runs, whatever its outcome; a read that overlapped an append keeps nothing. What is
 * kept is the text the database gave, parsed again for each caller (a kept answer reads exactly
 * as a fresh one, and changing one changes nothing kept).
 */
import type { CaseQuery } from '../../app/store.js';

/** Answers kept at most (the least recently used goes first). */
const KEPT = 500;

export class SummaryCache {
  private readonly answers = new Map<string, string[]>();
  /** Appends begun or ended; a read keeps its answer only if this did not move meanwhile. */
  private appends = 0;

  /** The summaries' JSON texts for `query`, from memory or from `read`. */
  async find(query: CaseQuery, read: () => Promise<string[]>): Promise<string[]> {
    const key = keyOf(query);
    const known = this.answers.get(key);
    if (known) {
      this.answers.delete(key);
      this.answers.set(key, known);
      return known;
    }
    const since = this.appends;
    const texts = await read();
    if (since === this.appends) {
      this.answers.set(key, texts);
      if (this.answers.size > KEPT) this.answers.delete(this.answers.keys().next().value!);
    }
    return texts;
  }

  /** Runs an append, forgetting every answer before and after. */
  async append<T>(work: () => Promise<T>): Promise<T> {
    this.answers.clear();
    this.appends++;
    try {
      return await work();
    } finally {
      this.answers.clear();
      this.appends++;
    }
  }
}

/** Every condition the query gives (any the port may gain too), in one order, whatever order the caller wrote them in. */
const keyOf = (q: CaseQuery) =>
  JSON.stringify(
    Object.entries(q)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
