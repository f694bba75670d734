/**
 * The approval message on Slack offers an earlier response date where the procedure allows one
 * (BSCB: "Timescales should be discussed and set at all stages"): the date picked in the message
 * goes with the Approve click. A later date than the procedure's is refused and the message
 * stays; an earlier one opens the stage due then. Over signed requests, as Slack sends them.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { FakeClock } from '../../src/app/clock.js';
import { blockAction, dateState } from './support-slack-api.js';
import { BETHAN, OWEN, slackHarness } from './support.js';
import { walkToSummary } from './walk.js';

jest.setTimeout(60_000);

describe('an earlier response date on the Slack approval message', () => {
  // Monday 23 November 2026, 10:00: Stage 1 allows one working day, so Tuesday 10:00.
  const clock = new FakeClock(new Date('2026-11-23T10:00:00Z'));
  let h: Awaited<ReturnType<typeof slackHarness>>;
  beforeAll(async () => {
    h = await slackHarness({ clock });
  });
  afterAll(async () => h?.stop());

  it('refuses a later date, then opens Stage 1 due at the earlier date picked', async () => {
    await walkToSummary(h, OWEN, 'health');
    await h.submit(OWEN, 'intake.submit', '', {}, h.has('views.update'));
    const ref = /RES-\d{4}-\d{4}/.exec(JSON.stringify(h.api.callsOf('views.update').at(-1)!.view))![0];
    await h.api.waitFor(() => h.messagesTo(BETHAN).some((m) => m.text.includes(ref)));
    const approval = h.messageWith(BETHAN, 'escalation.approve');
    expect(JSON.stringify(approval.blocks)).toContain('"action_id":"requestedDue"');
    const approveWith = (date: string, until: Parameters<typeof h.send>[1]) =>
      h.send(blockAction({ userId: BETHAN, actionId: 'escalation.approve', value: ref, channelId: approval.channel, messageTs: approval.ts, stateValues: dateState('earlier', 'requestedDue', date) }), until);

    // Picking the date is only acknowledged: nothing is recorded or sent.
    const before = h.api.calls.length;
    const picked = await h.send(blockAction({ userId: BETHAN, actionId: 'requestedDue', value: '', channelId: approval.channel, messageTs: approval.ts }));
    expect(picked.status).toBe(200);
    expect((await h.teams.app.store.load(ref)).map((e) => e.event.type)).toEqual(['case-opened', 'escalation-requested']);

    const toBethan = (since: { method: string; params: unknown }[]) => since.some((c) => c.method === 'chat.postMessage' && (c.params as { channel?: string }).channel === `D${BETHAN}`);
    await approveWith('2026-11-24', toBethan);
    expect(h.messagesTo(BETHAN).at(-1)!.text).toContain('an earlier date can be set, never a later one');
    expect((await h.teams.app.cases.load(ref))!.phase).toBe('awaiting-approval');
    expect(h.api.calls.slice(before).some((c) => c.method === 'chat.update')).toBe(false);

    await approveWith('2026-11-23', (since) => since.some((c) => c.method === 'chat.update'));
    expect((await h.teams.app.cases.load(ref))!.current).toMatchObject({ number: 1, responseDue: '2026-11-23T17:00:00.000Z' });
  });
});
