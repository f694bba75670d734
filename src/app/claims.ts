/**
 * Once-only at the doors, across instances: a request (a Teams activity, a Slack event,
 * interaction or signature) is acted on by whoever first writes its claim in the store's
 * documents (a create-only put), so a retry or a replay, here or on another instance, is seen.
 *
 * A claim is first a lease (`working`, for leaseMs): if the work fails it is released so a retry
 * can do it; if the instance dies mid-way, the lease runs out and a retry may take it over. Done
 * work is kept for keepMs, then this instance deletes the claims it wrote. A claim left by an
 * instance that died is expired (a later claim of the same key replaces it) but stays in the
 * table until then; nothing can match it once the sender has stopped retrying.
 */
import type { Store } from './store.js';

type Claim = { until: string; state: 'working' | 'done' };

export type ClaimOptions = { leaseMs: number; keepMs: number; now?: () => number };

export class Claims {
  /** Keys this instance wrote, oldest first, with when each may be deleted. */
  private readonly mine = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly namespace: string,
    private readonly opts: ClaimOptions,
  ) {}

  private now() {
    return (this.opts.now ?? Date.now)();
  }

  /** True if this caller is the first (or the previous claim ran out): it does the work. */
  async claim(key: string): Promise<boolean> {
    await this.sweep();
    const value: Claim = { until: new Date(this.now() + this.opts.leaseMs).toISOString(), state: 'working' };
    if ((await this.store.putDocument(this.namespace, key, value, null)).ok) return this.keep(key, this.opts.leaseMs);
    const held = await this.store.getDocument<Claim>(this.namespace, key);
    if (held && Date.parse(held.value.until) > this.now()) return false;
    // Expired (or deleted meanwhile): take it over, unless another caller does so first.
    const taken = await this.store.putDocument(this.namespace, key, value, held ? held.etag : null);
    return taken.ok ? this.keep(key, this.opts.leaseMs) : false;
  }

  /**
   * The work is recorded: a repeat is refused for keepMs. Nothing to write when the lease already
   * runs that long (a door whose sender retries only within the lease never needs to tell done
   * work from work cut short).
   */
  async done(key: string): Promise<void> {
    if (this.opts.keepMs <= this.opts.leaseMs) return;
    await this.store.putDocument(this.namespace, key, { until: new Date(this.now() + this.opts.keepMs).toISOString(), state: 'done' } satisfies Claim);
    this.keep(key, this.opts.keepMs);
  }

  /** The work failed: a retry may do it. */
  async release(key: string): Promise<void> {
    this.mine.delete(key);
    await this.store.deleteDocument(this.namespace, key);
  }

  private keep(key: string, ms: number): true {
    this.mine.delete(key);
    this.mine.set(key, this.now() + ms);
    return true;
  }

  /**
   * Deletes this instance's claims that have run out (a few at a time, oldest first). The store
   * has no delete-if-unchanged: a claim taken over between the read and the delete here would be
   * deleted too, which only matters for a key repeated at that very moment, after its expiry.
   */
  private async sweep() {
    const now = this.now();
    let n = 0;
    for (const [key, until] of this.mine) {
      if (until > now || n++ >= 20) break;
      this.mine.delete(key);
      const held = await this.store.getDocument<Claim>(this.namespace, key);
      if (held && Date.parse(held.value.until) <= now) await this.store.deleteDocument(this.namespace, key);
    }
  }
}
