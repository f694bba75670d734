/**
 * The store with each append timed, for the store-append latency metric. A decorator here, so the
 * adapters stay free of metrics and every adapter is measured the same way.
 */
import type { Store } from './store.js';

export type AppendOutcome = 'recorded' | 'duplicate' | 'conflict' | 'error';

export function timedStore(store: Store, observe: (outcome: AppendOutcome, seconds: number) => void): Store {
  // Every other method is the store's own, bound to it.
  const timed = Object.create(store) as Store;
  timed.append = async (...args) => {
    const started = performance.now();
    let outcome: AppendOutcome = 'error';
    try {
      const result = await store.append(...args);
      outcome = !result.ok ? 'conflict' : result.duplicate ? 'duplicate' : 'recorded';
      return result;
    } finally {
      observe(outcome, (performance.now() - started) / 1000);
    }
  };
  return timed;
}
