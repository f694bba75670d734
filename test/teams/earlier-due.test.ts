/**
 * "N working days or less": where the procedure lets a stage's response be asked for sooner (BSCB:
 * "Timescales should be discussed and set at all stages"), the approval card offers an earlier
 * date. Over the Activity protocol: a later date than the procedure's is refused and changes
 * nothing; an earlier one opens the stage with that due date, and the deadline job runs at it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/app/clock.js';
import { cardText, PRIYA, teamsHarness, walkToSummary, type Card } from './support.js';

const inputIds = (card: Card) => JSON.stringify(card.body).match(/"id":"[^"]+"/g) ?? [];

describe('an earlier response date on the approval card', () => {
  // Monday 23 November 2026, 10:00: BSCB's Stage 1 allows one working day, so Tuesday 10:00.
  const clock = new FakeClock(new Date('2026-11-23T10:00:00Z'));
  let h: Awaited<ReturnType<typeof teamsHarness>>;
  beforeAll(async () => {
    h = await teamsHarness({ clock });
  }, 60_000);
  afterAll(async () => h?.stop());

  it('refuses a date later than the procedure’s, then opens the stage due at the earlier date asked for', async () => {
    await h.say('hello', PRIYA);
    await walkToSummary(h);
    const ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(cardText(await h.click('intake.submit', {}))[0]!)![1]!;
    const approval = h.sent.filter((s) => s.path.includes(`personal-${PRIYA}`)).at(-1)!.body.attachments![0]!.content as Card;
    expect(inputIds(approval)).toContain('"id":"requestedDue"');
    expect(JSON.stringify(approval)).toContain('a response by Tue 24 Nov 2026, 10:00 if raised now');

    // Tuesday means 17:00 on Tuesday: later than the procedure's 10:00, so refused, and nothing changes.
    const late = await h.click('escalation.approve', { caseRef: ref, stage: 1, requestedDue: '2026-11-24' }, PRIYA);
    expect(cardText(late)[1]).toBe('The procedure already requires a response by Tue 24 Nov 2026, 10:00; an earlier date can be set, never a later one.');
    expect((await h.app.cases.load(ref))!.phase).toBe('awaiting-approval');

    // Today, 17:00: earlier, so recorded as the stage's due date.
    await h.click('escalation.approve', { caseRef: ref, stage: 1, requestedDue: '2026-11-23' }, PRIYA);
    const opened = (await h.app.cases.load(ref))!;
    expect(opened.current).toMatchObject({ number: 1, responseDue: '2026-11-23T17:00:00.000Z' });
    const job = (await h.app.queue.jobsOf(ref)).find((j) => j.name === 'response-deadline' && j.state === 'scheduled')!;
    expect(job.runAt).toBe('2026-11-23T17:00:00.000Z');
    clock.set('2026-11-23T17:00:01Z');
    await h.app.jobs.run(job);
    expect((await h.app.cases.load(ref))!.current!.lapsed.response).toBe('2026-11-23T17:00:00.000Z');
  });
});
