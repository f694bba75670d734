/** The case use case on the embedded store: decide, record, retry on conflict, answer repeats once. */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Cases, SNAPSHOT_EVERY } from '../../src/app/cases.js';
import { FOLD_VERSION, type CaseState } from '../../src/domain/escalation/state.js';
import { FakeClock } from '../../src/app/clock.js';
import type { Store } from '../../src/app/store.js';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { postgresStore } from '../../src/store/postgres/postgres-store.js';
import { freshPglite } from '../support/pglite.js';
import { actor, actorOf, participant } from '../support/people.js';
import { openCaseCommand, partiesFor, practitioner } from '../support/walk.js';

let bscb: Policy;
let store: Store;
let clock: FakeClock;
let cases: Cases;
beforeAll(async () => {
  bscb = (await loadPolicyCatalog()).get('bscb')!;
});
beforeEach(async () => {
  store = await postgresStore(await freshPglite(), 'pglite');
  clock = new FakeClock(new Date('2026-12-24T15:00:00Z'));
  cases = new Cases(store, clock);
});
afterEach(() => store.close());

async function openCase(ref = 'RES-1') {
  const r = await cases.execute(ref, openCaseCommand(bscb, ref));
  expect(r.ok).toBe(true);
}

describe('Cases', () => {
  it('records what decide returns, with the clock’s time, and refuses without recording', async () => {
    await openCase();
    const asked = await cases.execute('RES-1', { type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: '', approver: participant('team-manager', 'health') });
    expect(asked).toMatchObject({ ok: true, duplicate: false, state: { phase: 'awaiting-approval' } });
    const refused = await cases.execute('RES-1', { type: 'approve-escalation', actor: actorOf(practitioner()), parties: partiesFor(bscb.stages[0]!) });
    expect(refused).toMatchObject({ ok: false, code: 'not-allowed' });
    const approved = await cases.execute('RES-1', { type: 'approve-escalation', actor: actor('team-manager', 'health'), parties: partiesFor(bscb.stages[0]!) });
    expect(approved.ok && approved.state.current?.responseDue).toBe('2026-12-29T15:00:00.000Z');
    expect((await store.load('RES-1')).map((s) => s.event.type)).toEqual(['case-opened', 'escalation-requested', 'stage-opened']);
    expect(await cases.execute('RES-NONE', { type: 'withdraw', actor: actorOf(practitioner()), reason: 'x' })).toMatchObject({ ok: false, code: 'not-found' });
  });

  it('keeps the case summary in step with its events, so queries see the stage, the people and the due date', async () => {
    await openCase();
    expect(await store.findCases({ phases: ['ready'] })).toMatchObject([{ ref: 'RES-1', version: 1, stage: null, nextDue: null }]);
    await cases.execute('RES-1', { type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: '', approver: participant('team-manager', 'health') });
    await cases.execute('RES-1', { type: 'approve-escalation', actor: actor('team-manager', 'health'), parties: partiesFor(bscb.stages[0]!) });
    const receiver = partiesFor(bscb.stages[0]!).receiver.personId;
    expect(await store.findCases({ participantId: receiver })).toMatchObject([
      { ref: 'RES-1', version: 3, phase: 'stage-open', stage: 1, nextDue: '2026-12-29T15:00:00.000Z', overdueSince: null, updatedAt: '2026-12-24T15:00:00.000Z' },
    ]);
    expect(await store.findCases({ dueBefore: '2026-12-29T14:59:59.000Z' })).toEqual([]);
    // A refusal records nothing and leaves the summary as it was.
    await cases.execute('RES-1', { type: 'approve-escalation', actor: actor('team-manager', 'health'), parties: partiesFor(bscb.stages[0]!) });
    expect((await store.findCases({}))[0]?.version).toBe(3);
  });

  it('answers the same click delivered twice from the record', async () => {
    await openCase();
    await cases.execute('RES-1', { type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: '', approver: participant('team-manager', 'health') });
    const approve = { type: 'approve-escalation' as const, actor: actor('team-manager', 'health'), parties: partiesFor(bscb.stages[0]!) };
    const first = await cases.execute('RES-1', approve, 'teams:activity-123');
    const second = await cases.execute('RES-1', approve, 'teams:activity-123');
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(second).toMatchObject({ ok: true, duplicate: true, state: { phase: 'stage-open' } });
    expect((await store.load('RES-1')).filter((s) => s.event.type === 'stage-opened')).toHaveLength(1);
  });

  it('retries on a conflict, so two people acting at once are both recorded', async () => {
    await openCase();
    await cases.execute('RES-1', { type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: '', approver: participant('team-manager', 'health') });
    await cases.execute('RES-1', { type: 'approve-escalation', actor: actor('team-manager', 'health'), parties: partiesFor(bscb.stages[0]!) });
    const receiver = actorOf(participant('team-manager', 'police'));
    // Count the conflicts the store reports, to show the retry path really ran.
    let conflicts = 0;
    const append = store.append.bind(store);
    store.append = async (...args) => {
      const r = await append(...args);
      if (!r.ok) conflicts++;
      return r;
    };
    const results = await Promise.all([
      cases.execute('RES-1', { type: 'post-message', actor: receiver, text: 'Can we talk at 2pm?' }),
      cases.execute('RES-1', { type: 'post-message', actor: actor('team-manager', 'health'), text: 'Yes, 2pm is fine.' }),
      cases.execute('RES-1', { type: 'acknowledge', actor: receiver, note: 'Received.' }),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(conflicts).toBeGreaterThan(0);
    const types = (await store.load('RES-1')).map((s) => s.event.type);
    expect(types.filter((t) => t === 'message-posted')).toHaveLength(2);
    expect(types.filter((t) => t === 'stage-acknowledged')).toHaveLength(1);
  });

  describe('snapshots', () => {
    const post = (n: number) => cases.execute('RES-1', { type: 'post-message', actor: actorOf(practitioner()), text: `Update ${n}` });
    async function longCase(events: number) {
      await openCase();
      for (let n = 2; n <= events; n++) expect((await post(n)).ok).toBe(true);
    }

    it('keeps a snapshot every so many events, and loads the same case from it as from all the events', async () => {
      await longCase(SNAPSHOT_EVERY * 2 + 3);
      const snapshot = await store.snapshot('RES-1', FOLD_VERSION);
      expect(snapshot).toMatchObject({ version: SNAPSHOT_EVERY * 2, fold: FOLD_VERSION });
      const events = await store.load('RES-1');
      expect(snapshot?.hash).toBe(events[SNAPSHOT_EVERY * 2 - 1]!.hash);
      const loaded = await cases.load('RES-1');
      expect(loaded?.version).toBe(SNAPSHOT_EVERY * 2 + 3);
      // A Cases that never kept a snapshot (none is read) folds the same case.
      const plain = new Cases({ ...store, snapshot: async () => null, saveSnapshot: async () => undefined, load: store.load.bind(store) } as Store, clock);
      expect(await plain.load('RES-1')).toEqual(loaded);
    });

    it('reads only the events since the snapshot', async () => {
      await longCase(SNAPSHOT_EVERY + 2);
      const ranges: unknown[] = [];
      const load = store.load.bind(store);
      store.load = async (ref, range) => (ranges.push(range ?? 'all'), load(ref, range));
      // After a restart (or on another instance): from the stored snapshot.
      expect((await new Cases(store, clock).load('RES-1'))?.version).toBe(SNAPSHOT_EVERY + 2);
      expect(ranges).toEqual([{ after: SNAPSHOT_EVERY - 1 }]);
    });

    it('loads a case it recorded or loaded from the state it kept: only that state’s own event and any since are read', async () => {
      await longCase(SNAPSHOT_EVERY + 2);
      const ranges: unknown[] = [];
      const snapshots: string[] = [];
      const load = store.load.bind(store);
      const snapshot = store.snapshot.bind(store);
      store.load = async (ref, range) => (ranges.push(range ?? 'all'), load(ref, range));
      store.snapshot = async (ref, fold) => (snapshots.push(ref), snapshot(ref, fold));
      const loaded = await cases.load('RES-1');
      expect(loaded?.version).toBe(SNAPSHOT_EVERY + 2);
      expect(ranges).toEqual([{ after: SNAPSHOT_EVERY + 1 }]);
      expect(snapshots).toEqual([]);
      expect(loaded).toEqual(await new Cases({ ...store, snapshot: async () => null, saveSnapshot: async () => undefined, load } as Store, clock).load('RES-1'));
    });

    it('folds in what another instance recorded since the state it kept, and decides on the case as it now stands', async () => {
      await longCase(3);
      const other = new Cases(store, clock);
      expect((await other.execute('RES-1', { type: 'post-message', actor: actorOf(practitioner()), text: 'From the other instance' })).ok).toBe(true);
      const loaded = await cases.load('RES-1');
      expect(loaded).toEqual(await other.load('RES-1'));
      expect(loaded?.version).toBe(4);
      const r = await post(5);
      expect(r.ok && r.state.version).toBe(5);
      expect((await store.load('RES-1')).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    });

    it('never builds on a kept state whose event no longer stands as recorded: it folds the events instead', async () => {
      await longCase(4);
      const truth = await new Cases({ ...store, snapshot: async () => null, saveSnapshot: async () => undefined, load: store.load.bind(store) } as Store, clock).load('RES-1');
      // The events restored from elsewhere: the last one's hash is not the one this process kept.
      const load = store.load.bind(store);
      store.load = async (ref, range) => (await load(ref, range)).map((e) => (e.seq === 4 ? { ...e, hash: 'restored' } : e));
      const snapshots: string[] = [];
      const snapshot = store.snapshot.bind(store);
      store.snapshot = async (ref, fold) => (snapshots.push(ref), snapshot(ref, fold));
      expect(await cases.load('RES-1')).toEqual(truth);
      expect(snapshots).toEqual(['RES-1']);
    });

    it('loads the case with its latest events for a card in one read, reaching back before the snapshot', async () => {
      await longCase(SNAPSHOT_EVERY + 2);
      const ranges: unknown[] = [];
      const load = store.load.bind(store);
      store.load = async (ref, range) => (ranges.push(range ?? 'all'), load(ref, range));
      const { state, recent } = await new Cases(store, clock).loadRecent('RES-1', 10);
      expect(ranges).toEqual([{ after: SNAPSHOT_EVERY - 11 }]);
      expect(state).toEqual(await new Cases({ ...store, snapshot: async () => null, saveSnapshot: async () => undefined, load } as Store, clock).load('RES-1'));
      expect(recent).toEqual((await load('RES-1')).slice(-10).map((e) => e.event));
    });

    it('ignores a snapshot made by another fold version or not standing on the recorded event, and folds the events instead', async () => {
      await longCase(SNAPSHOT_EVERY + 1);
      const truth = await cases.load('RES-1');
      const real = (await store.snapshot('RES-1', FOLD_VERSION))!;
      const wrong = { ...(real.state as CaseState), phase: 'closed' };
      // A snapshot whose hash is not the event's (the events were restored from elsewhere, say).
      await store.saveSnapshot('RES-1', { ...real, version: real.version + 1, hash: 'not-the-hash', state: wrong });
      // Read after a restart, which has no state kept in memory.
      cases = new Cases(store, clock);
      expect(await cases.load('RES-1')).toEqual(truth);
      // ...and replaced by one that fits.
      expect(await store.snapshot('RES-1', FOLD_VERSION)).toMatchObject({ version: SNAPSHOT_EVERY + 1, hash: (await store.load('RES-1')).at(-1)!.hash });
      // An older fold's snapshot is never asked for.
      const asked: number[] = [];
      const snapshot = store.snapshot.bind(store);
      store.snapshot = async (ref, fold) => (asked.push(fold), snapshot(ref, fold));
      await new Cases(store, clock).load('RES-1');
      expect(asked).toEqual([FOLD_VERSION]);
    });

    it('decides against the case as loaded from its snapshot, and records at the right version', async () => {
      await longCase(SNAPSHOT_EVERY + 4);
      const r = await post(99);
      expect(r.ok && r.state.version).toBe(SNAPSHOT_EVERY + 5);
      expect((await store.load('RES-1')).map((e) => e.seq)).toEqual(Array.from({ length: SNAPSHOT_EVERY + 5 }, (_, i) => i + 1));
    });
  });
});

describe('Cases on a store that is its database’s only client (the embedded store)', () => {
  let sole: Store;
  beforeEach(async () => {
    sole = await postgresStore(await freshPglite(), 'pglite', { soleClient: true });
    cases = new Cases(sole, clock);
  });
  afterEach(() => sole.close());
  const post = (n: number, on = cases) => on.execute('RES-1', { type: 'post-message', actor: actorOf(practitioner()), text: `Update ${n}` });
  /** Every read of the store's events and snapshots. */
  function reads() {
    const seen: unknown[] = [];
    const load = sole.load.bind(sole);
    const snapshot = sole.snapshot.bind(sole);
    sole.load = async (ref, range) => (seen.push(['load', range ?? 'all']), load(ref, range));
    sole.snapshot = async (ref, fold) => (seen.push(['snapshot', ref]), snapshot(ref, fold));
    return seen;
  }

  it('loads a case it recorded from memory, with no read, the same case and latest events as the store holds', async () => {
    expect((await cases.execute('RES-1', openCaseCommand(bscb, 'RES-1'))).ok).toBe(true);
    for (let n = 2; n <= 30; n++) expect((await post(n)).ok).toBe(true);
    const seen = reads();
    const { state, recent } = await cases.loadRecent('RES-1', 20);
    expect(seen).toEqual([]);
    // What a new process (nothing kept) reads from the store.
    const fresh = await new Cases(sole, clock).loadRecent('RES-1', 20);
    expect(state).toEqual(fresh.state);
    expect(recent).toEqual(fresh.recent);
    expect(recent.map((e) => e.type === 'message-posted' && e.data.text)).toEqual(Array.from({ length: 20 }, (_, i) => `Update ${i + 11}`));
  });

  it('reads the store for more history than it keeps', async () => {
    expect((await cases.execute('RES-1', openCaseCommand(bscb, 'RES-1'))).ok).toBe(true);
    for (let n = 2; n <= 40; n++) expect((await post(n)).ok).toBe(true);
    const seen = reads();
    const { recent } = await cases.loadRecent('RES-1', 35);
    expect(seen).not.toEqual([]);
    expect(recent).toHaveLength(35);
  });

  it('records after another writer got in first: the refused append drops what was kept, and the retry reads the store', async () => {
    expect((await cases.execute('RES-1', openCaseCommand(bscb, 'RES-1'))).ok).toBe(true);
    expect((await post(2)).ok).toBe(true);
    // Not what a sole client meets in use, but what its guard must survive: a record it did not make.
    expect((await post(3, new Cases(sole, clock))).ok).toBe(true);
    const r = await post(4);
    expect(r.ok && r.state.version).toBe(4);
    expect((await sole.load('RES-1')).map((e) => e.event.type === 'message-posted' && e.event.data.text)).toEqual([false, 'Update 2', 'Update 3', 'Update 4']);
    expect(await cases.load('RES-1')).toEqual(await new Cases(sole, clock).load('RES-1'));
  });

  it('reads the store again after an append that failed, which may or may not have been recorded', async () => {
    expect((await cases.execute('RES-1', openCaseCommand(bscb, 'RES-1'))).ok).toBe(true);
    const append = sole.append.bind(sole);
    sole.append = async (...args) => {
      await append(...args);
      throw new Error('the connection dropped after the write');
    };
    await expect(post(2)).rejects.toThrow('the connection dropped');
    sole.append = append;
    const seen = reads();
    expect((await cases.load('RES-1'))?.version).toBe(2);
    expect(seen).not.toEqual([]);
  });

  it('keeps the newer of two states of one case whose turns finish out of order', async () => {
    expect((await cases.execute('RES-1', openCaseCommand(bscb, 'RES-1'))).ok).toBe(true);
    for (let n = 2; n < SNAPSHOT_EVERY; n++) expect((await post(n)).ok).toBe(true);
    // The turn that records event SNAPSHOT_EVERY stores a snapshot, held up here until the other turn is done.
    let release = () => undefined as void;
    const held = new Promise<void>((r) => (release = r));
    const saveSnapshot = sole.saveSnapshot.bind(sole);
    let first = true;
    sole.saveSnapshot = async (ref, snapshot) => {
      if (first) {
        first = false;
        await held;
      }
      return saveSnapshot(ref, snapshot);
    };
    const slow = post(SNAPSHOT_EVERY);
    await new Promise((r) => setTimeout(r, 100));
    const quick = await post(SNAPSHOT_EVERY + 1);
    expect(quick.ok && quick.state.version).toBe(SNAPSHOT_EVERY + 1);
    release();
    expect((await slow).ok).toBe(true);
    const seen = reads();
    expect((await cases.load('RES-1'))?.version).toBe(SNAPSHOT_EVERY + 1);
    expect(seen).toEqual([]);
  });
});
