/**
 * The one contract every event store adapter must meet. Each adapter's test file calls
 * `storeContract` with a way to open a fresh, empty store and to edit a stored event
 * behind the store's back (to prove the audit chain catches it).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { verifyChain } from '../../src/app/audit.js';
import type { Store } from '../../src/app/store.js';
import type { CaseSummary } from '../../src/app/case-summary.js';
import type { CaseEvent } from '../../src/domain/escalation/events.js';

export type Harness = { store: Store; tamper(caseRef: string, seq: number, newText: string): Promise<void> };

const actor = { kind: 'person' as const, personId: 'p1', name: 'P One', role: 'practitioner' as const, agencyId: 'health', agencyName: 'Health' };
export const message = (n: number): CaseEvent => ({ type: 'message-posted', at: new Date(Date.UTC(2026, 10, 23, 10, 0, n)).toISOString(), actor, stage: 1, data: { text: `message ${n}` } });

const summary = (ref: string, version: number, over: Partial<CaseSummary> = {}): CaseSummary => ({
  ref,
  version,
  policyId: 'bscb',
  phase: 'stage-open',
  stage: 1,
  urgent: false,
  escalatingAgencyId: 'health',
  receivingAgencyId: 'police',
  participantIds: ['p1', 'p2'],
  nextDue: '2026-11-25T10:00:00.000Z',
  overdueSince: null,
  outcome: null,
  openedAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...over,
});

export function storeContract(name: string, open: () => Promise<Harness>) {
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
      const first = await h.store.append('RES-3', 1, [message(2)], { idempotencyKey: 'click-42' });
      const again = await h.store.append('RES-3', 1, [message(2)], { idempotencyKey: 'click-42' });
      const concurrent = await Promise.all([h.store.append('RES-3', 2, [message(3)], { idempotencyKey: 'click-43' }), h.store.append('RES-3', 2, [message(3)], { idempotencyKey: 'click-43' })]);
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

    it('keeps each case summary with its events and answers queries by person, agency, phase, stage and due date', async () => {
      h = await open();
      const put = (ref: string, over: Partial<CaseSummary>) => h.store.append(ref, 0, [message(1)], { summary: summary(ref, 1, over) });
      await put('RES-A', { participantIds: ['p1', 'p2'], nextDue: '2026-11-26T10:00:00.000Z' });
      await put('RES-B', { participantIds: ['p3'], escalatingAgencyId: 'school', receivingAgencyId: 'csc', stage: 3, nextDue: '2026-11-24T10:00:00.000Z' });
      await put('RES-C', { participantIds: ['p1'], phase: 'closed', stage: 2, nextDue: null, outcome: 'resolved' });
      await put('RES-D', { participantIds: ['p4'], receivingAgencyId: 'health', escalatingAgencyId: 'police', stage: null, phase: 'awaiting-approval', nextDue: null });
      const refs = async (q: Parameters<Store['findCases']>[0]) => (await h.store.findCases(q)).map((c) => c.ref);
      expect(await refs({})).toEqual(['RES-B', 'RES-A', 'RES-C', 'RES-D']);
      expect(await refs({ participantId: 'p1' })).toEqual(['RES-A', 'RES-C']);
      expect(await refs({ agencyId: 'health' })).toEqual(['RES-A', 'RES-C', 'RES-D']);
      expect(await refs({ agencyId: 'csc' })).toEqual(['RES-B']);
      expect(await refs({ phases: ['closed', 'awaiting-approval'] })).toEqual(['RES-C', 'RES-D']);
      expect(await refs({ dueBefore: '2026-11-25T00:00:00.000Z' })).toEqual(['RES-B']);
      expect(await refs({ dueBefore: '2026-11-26T10:00:00.000Z' })).toEqual(['RES-B', 'RES-A']);
      expect(await refs({ minStage: 2 })).toEqual(['RES-B', 'RES-C']);
      expect(await refs({ participantId: 'p1', phases: ['stage-open'] })).toEqual(['RES-A']);
      expect(await refs({ limit: 2 })).toEqual(['RES-B', 'RES-A']);
      // A limit of 0 is no cases, as SQL's LIMIT 0 (MongoDB's own limit(0) would mean all of them).
      expect(await refs({ limit: 0 })).toEqual([]);
      expect(await h.store.findCases({ participantId: 'p3' })).toEqual([summary('RES-B', 1, { participantIds: ['p3'], escalatingAgencyId: 'school', receivingAgencyId: 'csc', stage: 3, nextDue: '2026-11-24T10:00:00.000Z' })]);
    });

    it('moves a summary only forward, and not at all when the append is refused', async () => {
      h = await open();
      await h.store.append('RES-S', 0, [message(1)], { summary: summary('RES-S', 1, { stage: 1 }) });
      await h.store.append('RES-S', 1, [message(2)], { summary: summary('RES-S', 2, { stage: 2 }) });
      // A refused (stale) append changes neither the events nor the summary.
      expect(await h.store.append('RES-S', 1, [message(3)], { summary: summary('RES-S', 2, { stage: 4 }) })).toMatchObject({ ok: false });
      // An append carrying an older summary (a slow writer) leaves the newer one in place.
      await h.store.append('RES-S', 2, [message(3)], { summary: summary('RES-S', 1, { stage: 1 }) });
      expect((await h.store.findCases({})).map((c) => [c.ref, c.version, c.stage])).toEqual([['RES-S', 2, 2]]);
      expect(await h.store.load('RES-S')).toHaveLength(3);
    });

    it('keeps documents with etags: overwrite, create only if absent, update only if unchanged, delete', async () => {
      h = await open();
      expect(await h.store.getDocument('conversation', 'p1')).toBeNull();
      const created = await h.store.putDocument('conversation', 'p1', { channel: 'msteams', id: 'a:1' }, null);
      expect(created.ok).toBe(true);
      expect(await h.store.putDocument('conversation', 'p1', { channel: 'msteams', id: 'a:2' }, null)).toEqual({ ok: false, conflict: true });
      const doc = await h.store.getDocument<{ id: string }>('conversation', 'p1');
      expect(doc?.value).toEqual({ channel: 'msteams', id: 'a:1' });
      expect(doc?.etag).toBe(created.ok ? created.etag : undefined);
      const updated = await h.store.putDocument('conversation', 'p1', { channel: 'msteams', id: 'a:3' }, doc!.etag);
      expect(updated.ok).toBe(true);
      // The old etag no longer matches: a second writer working from the old value is refused.
      expect(await h.store.putDocument('conversation', 'p1', { id: 'lost update' }, doc!.etag)).toEqual({ ok: false, conflict: true });
      expect(await h.store.putDocument('conversation', 'p1', { id: 'forced' })).toMatchObject({ ok: true });
      expect((await h.store.getDocument('conversation', 'p1'))?.value).toEqual({ id: 'forced' });
      expect(await h.store.getDocument('bot-state', 'p1')).toBeNull();
      await h.store.deleteDocument('conversation', 'p1');
      expect(await h.store.getDocument('conversation', 'p1')).toBeNull();
      await h.store.deleteDocument('conversation', 'never-there');
    });

    it('gives back a document whose value is a string, a number or JSON-looking text exactly as put', async () => {
      h = await open();
      for (const [key, value] of [['s', 'Teams'], ['n', 42], ['j', '{"not":"parsed"}'], ['q', '"quoted"']] as const) {
        await h.store.putDocument('plain', key, value);
        expect((await h.store.getDocument('plain', key))?.value).toEqual(value);
      }
    });
  });
}
