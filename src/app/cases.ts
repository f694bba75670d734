/**
 * The use case every door goes through: load a case, decide a command against it, record the
 * events. If another writer recorded something in between (a conflict), the case is loaded again
 * and the command decided again against the newer state, a few times at most. A repeated
 * delivery of the same action (same idempotency key) records nothing new.
 *
 * A case is loaded from its latest snapshot (its folded state as of one of its events: the one
 * this process kept in memory, else the stored one) and the events since, so a turn costs the
 * same on a case of ten events or a thousand. A snapshot is a cache: one made by another version
 * of the fold (FOLD_VERSION), or that does not stand on the event it names (its hash differs), is
 * ignored and the case folded from all its events. A new snapshot is stored once SNAPSHOT_EVERY
 * events have been folded beyond the last.
 *
 * On a store that is its database's only client (the embedded store), a case this process kept
 * is loaded from memory with no read at all: every event of it was recorded or read here, so the
 * state and latest events kept are the case as stored. A decision on it still records only at
 * the version it was made on (the store refuses any other), and a refused append drops what was
 * kept, so the next try reads the store.
 *
 * Every command passes the identity guard here first, whichever door it came through: text that
 * looks like it identifies a child (a name, a date of birth, an NHS number, an address) is
 * refused with what was found, so it is neither recorded nor relayed.
 */
import { typedTextOf } from '../domain/command-text.js';
import type { Command, RefusalCode } from '../domain/escalation/commands.js';
import { decide } from '../domain/escalation/decide.js';
import type { CaseEvent } from '../domain/escalation/events.js';
import { evolve, fold, FOLD_VERSION, type CaseState } from '../domain/escalation/state.js';
import { EMPTY_ALLOW_LIST, findIdentifying, identifyingMessage, type AllowList } from '../domain/personal-data.js';
import { summarise } from './case-summary.js';
import type { Clock } from './clock.js';
import type { Store, StoredEvent } from './store.js';

/** A case as loaded: its state (null: no such case), and the version its stored snapshot stands at (0: none). */
type Loaded = { state: CaseState | null; snapshotAt: number };
/** A case's state as of its event `version`, whose hash was `hash`. */
type Snapshot = { version: number; hash: string; state: CaseState };
/** A case kept in memory: its latest state, where its stored snapshot stands, and its latest events (up to TAIL_KEPT, ending at `version`). */
type Kept = Snapshot & { storedAt: number; tail: StoredEvent[] };

export type Outcome =
  | { ok: true; state: CaseState; recorded: StoredEvent[]; duplicate: boolean }
  | { ok: false; code: RefusalCode | 'busy' | 'identifying'; message: string };

const ATTEMPTS = 5;
/** Events folded beyond the last snapshot before a new one is kept. */
export const SNAPSHOT_EVERY = 25;
/** Recently used cases whose state this process keeps (the least recently used goes first). */
const KEPT_CASES = 256;
/** A kept case's latest events, enough for a card's history (STATUS_PAGE) without a read. */
const TAIL_KEPT = 32;

export class Cases {
  /**
   * The latest state this process loaded or recorded of recently used cases, with the event it
   * stands on and where the stored snapshot stands: a snapshot kept in memory, read like a stored
   * one (the events since are read from its own event, whose hash must still match), so what
   * another instance recorded meanwhile is folded in, and a rewritten event is never built on.
   * It spares reading the stored snapshot (the whole pinned procedure, some 20 kB) on each load,
   * and on a sole-client store any read (see above). A state is a value: nothing changes one in
   * place (evolve makes a new one).
   */
  private readonly kept = new Map<string, Kept>();

  /**
   * `afterRecord` hears of every change that recorded events, with the case before it (the
   * scheduler syncs the case's jobs there). The events are already recorded when it runs, so it
   * must deal with its own failures.
   * `allow` is the names typed text may carry: the directory's people and agencies.
   */
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly afterRecord?: (state: CaseState, before: CaseState | null) => Promise<void>,
    private readonly allow: AllowList = EMPTY_ALLOW_LIST,
  ) {}

  async load(ref: string): Promise<CaseState | null> {
    return (await this.loadCase(ref)).state;
  }

  /**
   * The case and its latest `recent` events (for a card's history), from one read of the events:
   * the snapshot's read starts `recent` events earlier.
   */
  async loadRecent(ref: string, recent: number): Promise<{ state: CaseState | null; recent: CaseEvent[] }> {
    const loaded = await this.loadCase(ref, recent);
    return { state: loaded.state, recent: loaded.read.slice(-recent).map((e) => e.event) };
  }

  /**
   * The snapshot and the events since (and `before` more, read with them); all the events when
   * the snapshot is missing or does not fit.
   */
  private async loadCase(ref: string, before = 0): Promise<Loaded & { read: StoredEvent[] }> {
    const kept = this.kept.get(ref);
    // The kept latest events must reach back as far as asked (or to the case's first event).
    if (kept && this.store.soleClient && kept.tail.length >= Math.min(before + 1, kept.version)) {
      return { state: kept.state, snapshotAt: kept.storedAt, read: kept.tail };
    }
    const fromKept = kept && (await this.fromSnapshot(ref, kept, kept.storedAt, before));
    if (fromKept) return fromKept;
    this.kept.delete(ref);
    const snapshot = await this.store.snapshot(ref, FOLD_VERSION);
    const fromStored = snapshot && (await this.fromSnapshot(ref, { ...snapshot, state: snapshot.state as CaseState }, snapshot.version, before));
    if (fromStored) return fromStored;
    const events = await this.store.load(ref);
    return { ...(await this.keepSnapshot(ref, { state: fold(events.map((e) => e.event)), snapshotAt: 0 }, events)), read: events };
  }

  /**
   * The case from a snapshot (kept here or stored) and the events since, read from the snapshot's
   * own event (to check it still stands on the chain as recorded) or `before` events earlier;
   * null when that event is not there with that hash.
   */
  private async fromSnapshot(ref: string, snapshot: Snapshot, storedAt: number, before: number): Promise<(Loaded & { read: StoredEvent[] }) | null> {
    const read = await this.store.load(ref, { after: Math.max(0, snapshot.version - 1 - before) });
    const from = read.findIndex((e) => e.seq === snapshot.version);
    const at = read[from];
    if (!at || at.hash !== snapshot.hash) return null;
    const since = read.slice(from + 1);
    const state = since.reduce((s, e) => evolve(s, e.event), snapshot.state);
    return { ...(await this.keepSnapshot(ref, { state, snapshotAt: storedAt }, read)), read };
  }

  /**
   * Keeps the case as it now stands here, with `events`, its latest events as read or recorded
   * (ending at the state's own event), and stores a snapshot of it once enough events have been
   * folded beyond the last stored. Failing to store one changes nothing (the case is folded from
   * the events next time). A state older than the one kept (two turns of one case finishing out
   * of order) never replaces it.
   */
  private async keepSnapshot(ref: string, loaded: Loaded, events: StoredEvent[]): Promise<Loaded> {
    const { state, snapshotAt } = loaded;
    if (!state) return loaded;
    const hash = events.at(-1)?.hash ?? '';
    const stored = state.version - snapshotAt >= SNAPSHOT_EVERY && (await this.store.saveSnapshot(ref, { version: state.version, hash, fold: FOLD_VERSION, state }).then(() => true, () => false));
    const storedAt = stored ? state.version : snapshotAt;
    const newer = this.kept.get(ref);
    if (newer && newer.version > state.version) return { state, snapshotAt: storedAt };
    this.kept.delete(ref);
    this.kept.set(ref, { version: state.version, hash, state, storedAt, tail: events.slice(-TAIL_KEPT) });
    if (this.kept.size > KEPT_CASES) this.kept.delete(this.kept.keys().next().value!);
    return { state, snapshotAt: storedAt };
  }

  async execute(ref: string, command: Command, idempotencyKey?: string): Promise<Outcome> {
    const identifying = this.identifying(command);
    if (identifying) return identifying;
    // The same action delivered again is answered from the record, not decided again (a second
    // "Approve" would otherwise be refused as if someone had acted on a stale card).
    if (idempotencyKey) {
      const seen = await this.store.recordedWith(ref, idempotencyKey);
      if (seen.length) return { ok: true, state: (await this.load(ref))!, recorded: seen, duplicate: true };
    }
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const { state, snapshotAt, read } = await this.loadCase(ref);
      const decision = decide(state, command, this.clock.now());
      if (!decision.ok) return decision;
      const next = decision.events.reduce<CaseState | null>((s, e) => evolve(s, e), state)!;
      const summary = decision.events.length ? summarise(next, this.clock.now().toISOString()) : undefined;
      const appended = await this.store.append(ref, state?.version ?? 0, decision.events, { idempotencyKey, summary }).catch((e: unknown) => {
        this.kept.delete(ref);
        throw e;
      });
      // Refused: someone recorded first. What was kept is behind the store; the next try reads it.
      if (!appended.ok) this.kept.delete(ref);
      if (appended.ok) {
        if (!appended.duplicate && appended.stored.length) await this.keepSnapshot(ref, { state: next, snapshotAt }, [...read, ...appended.stored]);
        if (!appended.duplicate && decision.events.length && this.afterRecord) await this.afterRecord(next, state);
        const after = appended.duplicate ? await this.load(ref) : next;
        return { ok: true, state: after!, recorded: appended.stored, duplicate: appended.duplicate };
      }
    }
    return { ok: false, code: 'busy', message: `Case ${ref} is changing quickly; nothing was recorded. Please try again.` };
  }

  /** The refusal for a command whose typed text looks like it identifies a child, or null. */
  private identifying(command: Command): Outcome | null {
    const today = this.clock.now();
    const texts = typedTextOf(command);
    const found = texts.flatMap(({ field, text }) => findIdentifying(text, { field, allow: this.allow, today }));
    if (!found.length) return null;
    const strict = texts.every((t) => t.field === 'case-ref');
    return { ok: false, code: 'identifying', message: identifyingMessage(found, strict ? 'case-ref' : 'free-text') };
  }
}
