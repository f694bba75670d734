/**
 * The one contract every event store adapter must meet. Each adapter's test file calls
 * `storeContract` with a way to open a fresh, empty store (hashing with the hasher given), to
 * open another store on the same database, and to change stored records behind the store's back
 * as someone with write access to the database but not the key (to prove the audit catches it).
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { auditHasher, eventHash, verifyAudit, verifyChain, type AuditHasher } from '../../src/app/audit.js';
import type { Store, StoredEvent } from '../../src/app/store.js';
import type { CaseSummary } from '../../src/app/case-summary.js';
import type { CaseEvent } from '../../src/domain/escalation/events.js';

export type Harness = {
  store: Store;
  /** Another store on the same database (another instance, or this one restarted), hashing with `hasher`. */
  reopen(hasher: AuditHasher): Promise<Store>;
  /** Sets an event's text, leaving its hashes. */
  tamper(caseRef: string, seq: number, newText: string): Promise<void>;
  /** Deletes a case's events from `fromSeq` on (1: the whole case). */
  deleteEvents(caseRef: string, fromSeq: number): Promise<void>;
  /** Deletes the anchors matching both conditions given: a case's, from `fromSeq` on. */
  deleteAnchors(which: { caseRef?: string; fromSeq?: number }): Promise<void>;
  /** Overwrites a stored event whole: its event, hashes and scheme. */
  replaceEvent(stored: StoredEvent): Promise<void>;
};

export const KEY = 'contract-test-key-0123456789abcdef-0123456789';

const actor = { kind: 'person' as const, personId: 'p1', name: 'P One', role: 'practitioner' as const, agencyId: 'health', agencyName: 'Health' };
export const message = (n: number): CaseEvent => ({ type: 'message-posted', at: new Date(Date.UTC(2026, 10, 23, 10, 0, n)).toISOString(), actor, stage: 1, data: { text: `message ${n}` } });

export const summary = (ref: string, version: number, over: Partial<CaseSummary> = {}): CaseSummary => ({
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

/** What an attacker without the key can do: rewrite an event and re-compute the plain SHA-256 chain after it. */
async function rehash(h: Harness, caseRef: string, seq: number, text: string, scheme: StoredEvent['scheme']) {
  const events = await h.store.load(caseRef);
  let prev = events[seq - 2]?.hash ?? null;
  for (const s of events.slice(seq - 1)) {
    const event = s.seq === seq ? ({ ...s.event, data: { text } } as CaseEvent) : s.event;
    const hash = eventHash(prev, caseRef, s.seq, event);
    await h.replaceEvent({ ...s, event, prevHash: prev, hash, scheme });
    prev = hash;
  }
}

export function storeContract(name: string, open: (hasher?: AuditHasher) => Promise<Harness>) {
  // Opening an embedded store compiles PGlite's WebAssembly: seconds on a busy 2-core machine.
  jest.setTimeout(120_000);
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

    it('loads part of a case: the events after one, up to one, or only the last few', async () => {
      h = await open();
      // Appends of one, two and three events, so ranges cut across what was written together.
      await h.store.append('RES-R', 0, [message(1)]);
      await h.store.append('RES-R', 1, [message(2), message(3)]);
      await h.store.append('RES-R', 3, [message(4), message(5), message(6)]);
      const seqs = async (range: Parameters<Store['load']>[1]) => (await h.store.load('RES-R', range)).map((s) => s.seq);
      expect(await seqs({ after: 2 })).toEqual([3, 4, 5, 6]);
      expect(await seqs({ after: 6 })).toEqual([]);
      expect(await seqs({ upTo: 4 })).toEqual([1, 2, 3, 4]);
      expect(await seqs({ after: 1, upTo: 4 })).toEqual([2, 3, 4]);
      expect(await seqs({ last: 4 })).toEqual([3, 4, 5, 6]);
      expect(await seqs({ last: 2, upTo: 3 })).toEqual([2, 3]);
      expect(await seqs({ last: 10 })).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await seqs({ last: 0 })).toEqual([]);
      expect(await seqs({})).toEqual([1, 2, 3, 4, 5, 6]);
      // An append after a partial load still finds the case's head.
      expect(await h.store.append('RES-R', 6, [message(7)])).toMatchObject({ ok: true });
      expect(await h.store.append('RES-R', 6, [message(7)])).toMatchObject({ ok: false, conflict: true });
    });

    it('keeps one snapshot per case and fold version, the last one saved', async () => {
      h = await open();
      expect(await h.store.snapshot('RES-S', 1)).toBeNull();
      // Keys as a case's state may have them (reflection questions hold dots and dollars).
      const state = { phase: 'stage-open', participantIds: ['p1', 'p2'], nested: { n: 1, none: null }, reflections: { 'What is the $risk? (e.g. harm)': 'Stated.' } };
      await h.store.saveSnapshot('RES-S', { version: 25, hash: 'h25', fold: 1, state });
      expect(await h.store.snapshot('RES-S', 1)).toEqual({ version: 25, hash: 'h25', fold: 1, state });
      // Another fold version is a snapshot of its own; the first is untouched.
      expect(await h.store.snapshot('RES-S', 2)).toBeNull();
      await h.store.saveSnapshot('RES-S', { version: 30, hash: 'h30', fold: 2, state: { other: true } });
      expect(await h.store.snapshot('RES-S', 1)).toMatchObject({ version: 25 });
      // Even one further back (the one there may not fit the events): a cache, the events decide.
      await h.store.saveSnapshot('RES-S', { version: 20, hash: 'h20', fold: 1, state: { old: true } });
      expect(await h.store.snapshot('RES-S', 1)).toEqual({ version: 20, hash: 'h20', fold: 1, state: { old: true } });
      await h.store.saveSnapshot('RES-S', { version: 50, hash: 'h50', fold: 1, state: { later: true } });
      expect(await h.store.snapshot('RES-S', 1)).toEqual({ version: 50, hash: 'h50', fold: 1, state: { later: true } });
      expect(await h.store.snapshot('RES-OTHER', 1)).toBeNull();
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

    describe('audit anchors', () => {
      const keyed = auditHasher(KEY);
      const verdicts = async () => {
        const report = await verifyAudit(h.store, keyed);
        return { cases: report.cases.map((c) => (c.ok ? `${c.ref}: ${c.events} ok` : `${c.ref}: ${c.reason}`)), breaks: report.chain.breaks, head: report.chain.head };
      };
      const twoCases = async () => {
        h = await open(keyed);
        await h.store.append('RES-1', 0, [message(1), message(2)]);
        await h.store.append('RES-2', 0, [message(1)]);
        await h.store.append('RES-1', 2, [message(3)]);
      };

      it('anchors every append in one keyed chain across cases, each anchor naming its case head', async () => {
        await twoCases();
        const anchors = await h.store.anchors();
        const loaded = await h.store.load('RES-1');
        expect(anchors.map((a) => [a.seq, a.caseRef, a.events, a.scheme, a.keyId])).toEqual([
          [1, 'RES-1', 2, 'hmac-sha256', keyed.keyId],
          [2, 'RES-2', 1, 'hmac-sha256', keyed.keyId],
          [3, 'RES-1', 3, 'hmac-sha256', keyed.keyId],
        ]);
        expect(anchors[2]!.caseHash).toBe(loaded[2]!.hash);
        expect(anchors.map((a) => a.prevMac)).toEqual([null, anchors[0]!.mac, anchors[1]!.mac]);
        expect(loaded.map((e) => e.scheme)).toEqual(['hmac-sha256', 'hmac-sha256', 'hmac-sha256']);
        // Keyed: the plain SHA-256 anyone can compute is not what is stored.
        expect(loaded[0]!.hash).not.toBe(eventHash(null, 'RES-1', 1, message(1)));
        expect(await verdicts()).toEqual({ cases: ['RES-1: 3 ok', 'RES-2: 1 ok'], breaks: [], head: anchors[2] });
        // A refused append and a repeated delivery add no anchor.
        await h.store.append('RES-2', 0, [message(9)]);
        await h.store.append('RES-2', 1, [message(2)], { idempotencyKey: 'k' });
        await h.store.append('RES-2', 1, [message(2)], { idempotencyKey: 'k' });
        expect((await h.store.anchors()).map((a) => a.seq)).toEqual([1, 2, 3, 4]);
      });

      it('keeps the chain whole when many appends to different cases run at once, from two stores on one database', async () => {
        h = await open(keyed);
        const other = await h.reopen(keyed);
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? h.store : other).append(`RES-C${i}`, 0, [message(i)])));
        expect(results.every((r) => r.ok)).toBe(true);
        const { cases, breaks } = await verdicts();
        expect(breaks).toEqual([]);
        expect(cases).toHaveLength(12);
        expect(cases.every((c) => c.endsWith(': 1 ok'))).toBe(true);
        expect((await h.store.anchors()).map((a) => a.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      }, 60_000);

      it('names a deleted last event, a truncated case and a deleted case', async () => {
        await twoCases();
        await h.store.append('RES-3', 0, [message(1), message(2), message(3), message(4)]);
        await h.deleteEvents('RES-1', 3);
        await h.deleteEvents('RES-3', 2);
        await h.deleteEvents('RES-2', 1);
        expect(await verdicts()).toMatchObject({
          cases: [
            'RES-1: BROKEN: event 3 is missing: its anchors record 3 events, 2 found',
            'RES-2: BROKEN: the case is missing: its anchors record 1 events, none found',
            'RES-3: BROKEN: events 2 to 4 are missing: its anchors record 4 events, 1 found',
          ],
          breaks: [],
        });
      });

      it('names the gap when a case is deleted with its anchors, or the last event with its anchor', async () => {
        await twoCases();
        await h.store.append('RES-3', 0, [message(1)]);
        await h.deleteEvents('RES-2', 1);
        await h.deleteAnchors({ caseRef: 'RES-2' });
        expect(await verdicts()).toMatchObject({ cases: ['RES-1: 3 ok', 'RES-3: 1 ok'], breaks: ['anchor 2 is missing'] });
        // RES-1's last event and its anchor: the case looks whole, but the chain has lost anchor 3.
        await h.deleteEvents('RES-1', 3);
        await h.deleteAnchors({ caseRef: 'RES-1', fromSeq: 3 });
        expect(await verdicts()).toMatchObject({ cases: ['RES-1: 2 ok', 'RES-3: 1 ok'], breaks: ['anchors 2 to 3 are missing'] });
      });

      it('cannot see the newest appends vanishing whole, except against a head noted outside', async () => {
        await twoCases();
        const noted = await verdicts();
        const head = `${noted.head!.seq}:${noted.head!.mac}`;
        await h.deleteEvents('RES-1', 3);
        await h.deleteAnchors({ fromSeq: 3 });
        // Inside the database this is indistinguishable from RES-1 never having had event 3.
        expect(await verdicts()).toMatchObject({ cases: ['RES-1: 2 ok', 'RES-2: 1 ok'], breaks: [] });
        const report = await verifyAudit(h.store, keyed, { notedHead: head });
        expect(report.chain.breaks).toEqual(['the head noted earlier (anchor 3) is missing: the chain ends at anchor 2, so the newest records were removed']);
      });

      it('names a rewritten event whose chain was re-computed with plain SHA-256, however it is labelled', async () => {
        h = await open(keyed);
        // One event per append, so each event's scheme can be relabelled on its own in any adapter.
        for (let i = 0; i < 3; i++) await h.store.append('RES-R', i, [message(i + 1)]);
        const first = async () => (await verdicts()).cases[0];
        await rehash(h, 'RES-R', 2, 'nothing happened here', 'hmac-sha256');
        expect(await first()).toBe('RES-R: BROKEN at event 2: event 2 (message-posted) was changed after it was recorded');
        await rehash(h, 'RES-R', 2, 'nothing happened here', 'sha256');
        expect(await first()).toBe('RES-R: BROKEN at event 2: event 2 is hashed without the key after keyed events: it was rewritten or added by someone without AUDIT_KEY');
        // The whole case re-hashed without the key: every link holds, but not the anchors.
        await rehash(h, 'RES-R', 1, 'nothing happened here', 'sha256');
        expect(await first()).toBe('RES-R: BROKEN: event 1 is not the one anchor 1 recorded: the case was rewritten');
      });

      it('keeps plain records verifying as what they are, anchors them on request, and refuses to extend a keyed chain without its key', async () => {
        h = await open(auditHasher());
        await h.store.append('RES-1', 0, [message(1), message(2)]);
        expect((await h.store.anchors())[0]).toMatchObject({ scheme: 'sha256', keyId: null });
        const later = await h.reopen(keyed);
        await later.append('RES-1', 2, [message(3)]);
        await later.append('RES-2', 0, [message(1)]);
        expect((await later.load('RES-1')).map((e) => e.scheme)).toEqual(['sha256', 'sha256', 'hmac-sha256']);
        expect(await verdicts()).toMatchObject({ cases: ['RES-1: 3 ok', 'RES-2: 1 ok'], breaks: [] });
        expect(await later.anchorCase('RES-2')).toMatchObject({ seq: 4, caseRef: 'RES-2', events: 1, scheme: 'hmac-sha256' });
        expect(await later.anchorCase('RES-NONE')).toBeNull();
        // Without the key, or with another, nothing more is recorded on a keyed chain.
        const keyless = await h.reopen(auditHasher());
        await expect(keyless.append('RES-2', 1, [message(2)])).rejects.toThrow(`cannot record: the audit records are keyed (key ${keyed.keyId}): set AUDIT_KEY to the key they were made with`);
        const otherKey = auditHasher('another-key-0123456789abcdef-0123456789');
        await expect((await h.reopen(otherKey)).append('RES-2', 1, [message(2)])).rejects.toThrow(`but AUDIT_KEY is key ${otherKey.keyId}`);
        expect(await h.store.load('RES-2')).toHaveLength(1);
        expect((await verifyAudit(h.store, otherKey)).chain.keyProblem).toBe(`the audit records are keyed with key ${keyed.keyId}, but AUDIT_KEY is key ${otherKey.keyId}: set the key they were made with`);
      });
    });
  });
}
