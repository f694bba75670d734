/**
 * The one contract every event store adapter must meet. Each adapter's test file calls
 * `eventStoreContract` with a way to open a fresh, empty store and to edit a stored event
 * behind the store's back (to prove the audit chain catches it).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { verifyChain } from '../../src/app/audit.js';
import type { EventStore } from '../../src/app/event-store.js';
import type { CaseEvent } from '../../src/domain/escalation/events.js';

export type Harness = { store: EventStore; tamper(caseRef: string, seq: number, newText: string): Promise<void> };

const actor = { kind: 'person' as const, personId: 'p1', name: 'P One', role: 'practitioner' as const, agencyId: 'health', agencyName: 'Health' };
export const message = (n: number): CaseEvent => ({ type: 'message-posted', at: new Date(Date.UTC(2026, 10, 23, 10, 0, n)).toISOString(), actor, stage: 1, data: { text: `message ${n}` } });

export function eventStoreContract(name: string, open: () => Promise<Harness>) {
  describe(`event store contract: ${name}`, () => {
    let h: Harness;
    afterEach(async () => h?.store.close());

    it('appends and loads events in order, numbered from 1', async () => {
      h = await open();
      expect(await h.store.append('RES-1', 0, [message(1), message(2)])).toMatchObject({ ok: true, duplicate: false });
      expect(await h.store.append('RES-1', 2, [message(3)])).toMatchObject({ ok: true });
      const loaded = await h.store.load('RES-1');
      expect(loaded.map((s) => [s.seq, s.event])).toEqual([[1, message(1)], [2, message(2)], [3, message(3)]]);
      expect(await h.store.load('RES-OTHER')).toEqual([]);
      expect(await h.store.caseRefs()).toEqual(['RES-1']);
    });

    it('refuses an append at a stale version, and lets exactly one of two concurrent appends win', async () => {
      h = await open();
      await h.store.append('RES-2', 0, [message(1)]);
      expect(await h.store.append('RES-2', 0, [message(2)])).toMatchObject({ ok: false, conflict: true });
      const results = await Promise.all([h.store.append('RES-2', 1, [message(10)]), h.store.append('RES-2', 1, [message(20)])]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toHaveLength(1);
      expect((await h.store.load('RES-2')).map((s) => s.seq)).toEqual([1, 2]);
    });

    it('records a repeated delivery with the same idempotency key once', async () => {
      h = await open();
      await h.store.append('RES-3', 0, [message(1)]);
      const first = await h.store.append('RES-3', 1, [message(2)], 'click-42');
      const again = await h.store.append('RES-3', 1, [message(2)], 'click-42');
      const concurrent = await Promise.all([h.store.append('RES-3', 2, [message(3)], 'click-43'), h.store.append('RES-3', 2, [message(3)], 'click-43')]);
      expect(first).toMatchObject({ ok: true, duplicate: false });
      expect(again).toMatchObject({ ok: true, duplicate: true });
      expect(concurrent.every((r) => r.ok)).toBe(true);
      expect((await h.store.load('RES-3')).map((s) => s.event)).toEqual([message(1), message(2), message(3)]);
    });

    it('keeps a large case (500 events) whole, in order, with an unbroken chain', async () => {
      h = await open();
      for (let i = 0; i < 500; i += 50) {
        const r = await h.store.append('RES-4', i, Array.from({ length: 50 }, (_, k) => message(i + k)));
        expect(r.ok).toBe(true);
      }
      const loaded = await h.store.load('RES-4');
      expect(loaded).toHaveLength(500);
      expect(loaded.map((s) => s.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      expect(verifyChain('RES-4', loaded)).toEqual({ ok: true, events: 500 });
    });

    it('shows an event edited in the database as a broken link', async () => {
      h = await open();
      await h.store.append('RES-5', 0, [message(1), message(2), message(3)]);
      expect(verifyChain('RES-5', await h.store.load('RES-5'))).toEqual({ ok: true, events: 3 });
      await h.tamper('RES-5', 2, 'nothing happened here');
      expect(verifyChain('RES-5', await h.store.load('RES-5'))).toEqual({ ok: false, seq: 2, reason: 'event 2 (message-posted) was changed after it was recorded' });
    });
  });
}
