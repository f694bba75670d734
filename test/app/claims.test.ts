/** Once-only claims (src/app/claims.ts) on a store's documents: what each step writes, and when a repeat is refused. */
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Claims } from '../../src/app/claims.js';
import type { PutResult, Store, StoredDocument } from '../../src/app/store.js';

/** The documents part of a store, counting writes. */
function documents() {
  const docs = new Map<string, StoredDocument>();
  const writes: string[] = [];
  const store = {
    getDocument: async (ns: string, key: string) => docs.get(`${ns}/${key}`) ?? null,
    putDocument: async (ns: string, key: string, value: unknown, expected?: string | null): Promise<PutResult> => {
      const id = `${ns}/${key}`;
      const held = docs.get(id);
      if ((expected === null && held) || (typeof expected === 'string' && held?.etag !== expected)) return { ok: false, conflict: true };
      writes.push(`put ${key}`);
      const etag = randomUUID();
      docs.set(id, { value, etag });
      return { ok: true, etag };
    },
    deleteDocument: async (ns: string, key: string) => void (writes.push(`delete ${key}`), docs.delete(`${ns}/${key}`)),
  } as unknown as Store;
  return { store, writes };
}

describe('Claims', () => {
  it('with a lease shorter than the keep: claims, marks done, refuses a repeat after the lease for as long as it keeps', async () => {
    const { store, writes } = documents();
    let now = 0;
    const claims = new Claims(store, 'seen', { leaseMs: 60_000, keepMs: 3_600_000, now: () => now });
    expect(await claims.claim('a')).toBe(true);
    expect(await claims.claim('a')).toBe(false);
    await claims.done('a');
    expect(writes).toEqual(['put a', 'put a']);
    now = 120_000;
    expect(await claims.claim('a')).toBe(false);
  });

  it('with a lease as long as the keep: one write per claim, nothing more when done, a repeat refused for the whole time', async () => {
    const { store, writes } = documents();
    let now = 0;
    const claims = new Claims(store, 'seen', { leaseMs: 3_600_000, keepMs: 3_600_000, now: () => now });
    expect(await claims.claim('a')).toBe(true);
    await claims.done('a');
    expect(writes).toEqual(['put a']);
    now = 3_000_000;
    expect(await claims.claim('a')).toBe(false);
    // Past the hour it has run out: taken again (and this instance sweeps out its own old claims).
    now = 3_700_000;
    expect(await claims.claim('a')).toBe(true);
  });

  it('releases the claim of work that failed, so a retry does it', async () => {
    const { store } = documents();
    const claims = new Claims(store, 'seen', { leaseMs: 3_600_000, keepMs: 3_600_000 });
    expect(await claims.claim('b')).toBe(true);
    await claims.release('b');
    expect(await claims.claim('b')).toBe(true);
  });
});
