// Starts the test files that take longest first, so the two workers never end the run with one
// long file running alone while the other sits idle. Jest does this by itself from the timings
// it keeps in its cache, but a clean checkout (CI) has none, and then Jest orders files by size,
// which put these late. The rest keep Jest's own order. The two Playground files sit apart in
// the list so they seldom run at once (each drives a browser; together they starve each other).
import Sequencer from '@jest/test-sequencer';

const HEAVY = [
  'test/e2e/bscb-stage4.test.ts',
  'test/http/start.test.ts',
  'test/cli/audit.test.ts',
  'test/jobs/agenda-scheduler.test.ts',
  'test/e2e/playground.test.ts',
];

const rank = (path) => {
  const i = HEAVY.findIndex((h) => path.endsWith(h));
  return i === -1 ? HEAVY.length : i;
};

export default class HeavyFirstSequencer extends Sequencer {
  sort(tests) {
    // Array.prototype.sort is stable: files of equal rank keep Jest's order.
    return super.sort(tests).sort((a, b) => rank(a.path) - rank(b.path));
  }
}
