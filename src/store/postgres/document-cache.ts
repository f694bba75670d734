/**
 * The embedded store's documents as this process last read them, so a read it has made before
 * needs no query: the directory's version, asked at every turn so that an import is used from the
 * next message, is then a lookup until an import or a binding changes it.
 *
 * Only for the database's only client: the embedded store (PGlite) as open-store opens it. Its
 * database belongs to one process (the README: stop the app to import into it), and every
 * document is written through the one store object that holds this cache, so nothing changes a
 * document behind it. A server's table is shared with other instances, whose writes this process
 * would not see, so a store on a server has no cache and reads each time (one small query, run
 * by the server).
 *
 * Only reads fill it, with the text the database gave (a remembered document reads exactly as a
 * fresh one). A write or delete forgets its document before and after it runs, whatever its
 * outcome, and a read that overlapped any write keeps nothing, so what is kept is never older
 * than the table.
 */
export type CachedDocument = { text: string; etag: string };

/** Documents kept at most (the least recently used goes first), and the largest kept. */
const KEPT = 1_000;
const MAX_CHARS = 16_384;

export class DocumentCache {
  private readonly docs = new Map<string, CachedDocument | null>();
  /** Writes begun or ended; a read keeps what it found only if this did not move meanwhile. */
  private writes = 0;

  /** What the table holds (null: no such document), or undefined when not known here. */
  get(namespace: string, key: string): CachedDocument | null | undefined {
    const k = keyOf(namespace, key);
    const doc = this.docs.get(k);
    if (doc !== undefined) {
      this.docs.delete(k);
      this.docs.set(k, doc);
    }
    return doc;
  }

  /** Reads the document with `read`, keeping its answer unless a write ran meanwhile. */
  async read(namespace: string, key: string, read: () => Promise<CachedDocument | null>): Promise<CachedDocument | null> {
    const since = this.writes;
    const doc = await read();
    if (since === this.writes && (!doc || doc.text.length <= MAX_CHARS)) {
      this.docs.set(keyOf(namespace, key), doc);
      if (this.docs.size > KEPT) this.docs.delete(this.docs.keys().next().value!);
    }
    return doc;
  }

  /** Runs a write of the document, forgetting it before and after. */
  async write<T>(namespace: string, key: string, work: () => Promise<T>): Promise<T> {
    const k = keyOf(namespace, key);
    this.docs.delete(k);
    this.writes++;
    try {
      return await work();
    } finally {
      this.docs.delete(k);
      this.writes++;
    }
  }
}

// A NUL cannot be in PostgreSQL text, so it cannot be part of a namespace or a key.
const keyOf = (namespace: string, key: string) => `${namespace}\u0000${key}`;
