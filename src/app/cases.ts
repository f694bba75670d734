/**
 * The use case every door goes through: load a case, decide a command against it, record the
 * events. If another writer recorded something in between (a conflict), the case is loaded again
 * and the command decided again against the newer state, a few times at most. A repeated
 * delivery of the same action (same idempotency key) records nothing new.
 *
 * Every command passes the identity guard here first, whichever door it came through: text that
 * looks like it identifies a child (a name, a date of birth, an NHS number, an address) is
 * refused with what was found, so it is neither recorded nor relayed.
 */
import { typedTextOf } from '../domain/command-text.js';
import type { Command, RefusalCode } from '../domain/escalation/commands.js';
import { decide } from '../domain/escalation/decide.js';
import type { CaseEvent } from '../domain/escalation/events.js';
import { fold, type CaseState } from '../domain/escalation/state.js';
import { EMPTY_ALLOW_LIST, findIdentifying, identifyingMessage, type AllowList } from '../domain/personal-data.js';
import { summarise } from './case-summary.js';
import type { Clock } from './clock.js';
import type { Store, StoredEvent } from './store.js';

export type Outcome =
  | { ok: true; state: CaseState; recorded: StoredEvent[]; duplicate: boolean }
  | { ok: false; code: RefusalCode | 'busy' | 'identifying'; message: string };

const ATTEMPTS = 5;

export class Cases {
  /**
   * `afterRecord` hears of every change that recorded events (the scheduler syncs the case's jobs
   * there). The events are already recorded when it runs, so it must deal with its own failures.
   * `allow` is the names typed text may carry: the directory's people and agencies.
   */
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly afterRecord?: (state: CaseState) => Promise<void>,
    private readonly allow: AllowList = EMPTY_ALLOW_LIST,
  ) {}

  async load(ref: string): Promise<CaseState | null> {
    return fold((await this.store.load(ref)).map((s) => s.event));
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
      const events: CaseEvent[] = (await this.store.load(ref)).map((s) => s.event);
      const state = fold(events);
      const decision = decide(state, command, this.clock.now());
      if (!decision.ok) return decision;
      const next = fold([...events, ...decision.events])!;
      const summary = decision.events.length ? summarise(next, this.clock.now().toISOString()) : undefined;
      const appended = await this.store.append(ref, events.length, decision.events, { idempotencyKey, summary });
      if (appended.ok) {
        if (!appended.duplicate && decision.events.length && this.afterRecord) await this.afterRecord(next);
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
