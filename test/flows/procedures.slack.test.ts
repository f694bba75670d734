/**
 * BSCB and Derby driven whole over the Slack door, with signed requests, on a fake clock: the
 * intake walk in modals, every stage (buttons on DM messages, forms in modals), a quicker response
 * date (BSCB), more time accepted at Stage 1 and declined at Stage 2, Derby's child protection
 * conference step at Stage 4, the last stage's end (the BSCB Chair's Resolution Panel of three
 * agencies and binding decision; the Derby Chair's agreed resolution), the check back at the
 * review date, closure and the debrief.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { FakeClock } from '../../src/app/clock.js';
import { slackHarness } from '../slack/support.js';
import { walkToSummary } from '../slack/walk.js';
import { SlackDrive, slackDirectoryFor, slackIdOf } from './slack-drive.js';
import { lastStageOf } from './support.js';

// Each file starts the app on an embedded database and drives it over HTTP.
jest.setTimeout(60_000);

const SAM = 'csc-sw';
// After today's real date, so the app's own scheduler (on real time) fires nothing by itself.
const OPENED = '2027-01-11T10:00:00Z'; // a Monday
const REVIEW_DATE = '2027-02-15';

describe.each(['bscb', 'derby'])('the %s procedure, driven whole on Slack', (policyId) => {
  const clock = new FakeClock(new Date(OPENED));
  let d: SlackDrive;
  let last = 0;
  beforeAll(async () => {
    d = new SlackDrive(await slackHarness({ clock, env: { DIRECTORY_FILE: slackDirectoryFor(policyId) } }), clock);
  }, 60_000);
  afterAll(async () => d?.h.stop());

  /** Whoever the case waits on approves from their DM message, until stage n is open. */
  const approveUntilOpen = async (n: number, from: number) => {
    for (let i = 0; i < 3 && (await d.state()).phase === 'awaiting-approval'; i++) {
      const approver = (await d.state()).pendingEscalation!.approver!.personId;
      await d.h.api.waitFor(() => d.messagesSince(approver, from).some((m) => JSON.stringify(m.blocks ?? []).includes('escalation.approve')));
      const r = await d.act(approver, 'escalation.approve', {}, from);
      expect(r).toMatchObject({ ok: true, text: expect.stringContaining(`Approved: Stage ${n} raised with`) });
    }
    expect(await d.state()).toMatchObject({ phase: 'stage-open', current: { number: n } });
    return (await d.state()).current!;
  };

  const disagree = async () => {
    const s = await d.state();
    const cur = s.current!;
    if (s.policy.stages[cur.number - 1]!.acknowledgement && !cur.acknowledged) expect((await d.act(cur.receiver.personId, 'stage.acknowledge')).ok).toBe(true);
    const from = d.mark();
    const r = await d.act(cur.receiver.personId, 'stage.respond', { position: 'disagree', rationale: `Not agreed at Stage ${cur.number}.` });
    expect(r.text).toContain('Responded: disagreed');
    await d.h.api.waitFor(() => d.textsSince(cur.raiser.personId, from).some((t) => t.includes(`disagreed at Stage ${cur.number}`)));
  };

  const escalate = async () => {
    const s = await d.state();
    // The answer the raiser waits for; anything else (e.g. a refusal) times out naming what was sent.
    await d.dm(s.current!.raiser.personId, `escalate ${d.ref} Still not resolved.`, new RegExp(`^${d.ref}: (I have asked .+ to approve raising Stage ${s.current!.number + 1}|Stage ${s.current!.number + 1} is open with)`));
  };

  it('Stage 1 from the intake walk in modals: a quicker date (BSCB), more time asked and accepted', async () => {
    const summary = await walkToSummary(d.h, slackIdOf(SAM), 'police');
    const from = d.mark();
    await d.h.submit(slackIdOf(SAM), summary.callback_id!, '', {}, d.h.has('views.update'));
    d.ref = /RES-\d{4}-\d{4}/.exec(JSON.stringify(d.h.api.callsOf('views.update').at(-1)!.view))![0];
    await d.h.api.waitFor(() => d.messagesSince(SAM, from).some((m) => m.text.includes(d.ref)));
    const cur = await approveUntilOpen(1, from);
    last = lastStageOf(await d.state());
    const { raiser, receiver } = cur;

    if (policyId === 'bscb') {
      const told = d.mark();
      const r = await d.act(raiser.personId, 'stage.quicker-due', { due: '2027-01-11', dueTime: '16:00' }, from);
      expect(r.text).toContain('Response now due by Mon, 11 Jan 2027, 16:00');
      expect((await d.state()).current!.responseDue).toBe('2027-01-11T16:00:00.000Z');
      await d.h.api.waitFor(() => d.textsSince(receiver.personId, told).some((t) => t.includes('has brought the response date at Stage 1 forward')));
    } else {
      // Derby sets no timescale to bring forward: no quicker-date card.
      expect(() => d.messageWith(raiser.personId, 'stage.quicker-due', from)).toThrow();
    }

    let told = d.mark();
    expect((await d.act(receiver.personId, 'stage.respond', { position: 'more-time', rationale: 'Awaiting the strategy notes.', proposedDate: '2027-01-14' })).text).toContain('Responded: asked for more time');
    await d.h.api.waitFor(() => d.messagesSince(raiser.personId, told).some((m) => JSON.stringify(m.blocks ?? []).includes('extension.accept')));
    const asked = told;
    told = d.mark();
    const accepted = await d.act(raiser.personId, 'extension.accept', {}, asked);
    expect(accepted).toMatchObject({ ok: true, text: expect.stringContaining('More time allowed: a response is due by Thu, 14 Jan 2027, 17:00') });
    expect((await d.state()).current).toMatchObject({ responseDue: '2027-01-14T17:00:00.000Z', extensionProposed: null });
    await d.h.api.waitFor(() => d.textsSince(receiver.personId, told).some((t) => t === `${d.ref}: ${raiser.name} accepted your request for more time at Stage 1. Your response is now due by Thu, 14 Jan 2027, 17:00.`));
    expect(await d.events()).toEqual(expect.arrayContaining(['stage-opened', 'response-given', 'extension-accepted']));
    await disagree();
  });

  it('Stage 2: more time declined in a modal, saying why; then every stage to the last (Derby: the conference step at Stage 4)', async () => {
    let from = d.mark();
    await escalate();
    const cur = await approveUntilOpen(2, from);
    let told = d.mark();
    await d.act(cur.receiver.personId, 'stage.respond', { position: 'more-time', rationale: 'Our lead is on leave.', proposedDate: '2027-01-22' });
    await d.h.api.waitFor(() => d.messagesSince(cur.raiser.personId, told).some((m) => JSON.stringify(m.blocks ?? []).includes('extension.decline')));
    told = d.mark();
    const declined = await d.act(cur.raiser.personId, 'extension.decline', { comment: 'The child is seen at school daily; we need an answer.' });
    expect(declined).toMatchObject({ ok: true, text: expect.stringContaining('More time declined') });
    expect((await d.state()).current).toMatchObject({ responseDue: cur.responseDue, extensionProposed: null });
    await d.h.api.waitFor(() => d.textsSince(cur.receiver.personId, told).some((t) => t.includes('declined your request for more time at Stage 2: "The child is seen at school daily; we need an answer."')));
    await disagree();

    for (let n = 3; n <= last; n++) {
      from = d.mark();
      await escalate();
      const stage = await approveUntilOpen(n, from);
      if (n === last) break;
      if (policyId === 'derby' && n === 4) {
        await d.h.api.waitFor(() => d.messagesSince(stage.receiver.personId, from).some((m) => JSON.stringify(m.blocks ?? []).includes('outcome.record')));
        told = d.mark();
        const recorded = await d.act(stage.receiver.personId, 'outcome.record', { outcome: 'child-protection-conference-considered', note: 'Conference to be convened within 15 working days.' }, from);
        expect(recorded.text).toContain('Recorded: Decide whether a Child Protection Conference should be convened');
        await d.h.api.waitFor(() => d.textsSince(SAM, told).some((t) => t.includes('"Conference to be convened within 15 working days."')));
        expect((await d.state()).current!.outcomeSteps).toEqual(['child-protection-conference-considered']);
      }
      await disagree();
    }
    expect((await d.events()).filter((e) => e === 'stage-opened')).toHaveLength(last);
  });

  it(policyId === 'bscb' ? 'Stage 4: the Chair chooses a Resolution Panel of three agencies and records the binding decision' : 'Stage 6: the Chair agrees, the raiser records the outcome and the Chair confirms it', async () => {
    const cur = (await d.state()).current!;
    if (policyId === 'bscb') {
      expect(cur.receiver.personId).toBe('board-chair');
      expect((await d.act('board-chair', 'stage.acknowledge')).ok).toBe(true);
      // Two agencies are not a panel: refused with the rule, and nothing is recorded.
      const refused = await d.act('board-chair', 'binding.route', { route: 'resolution-panel', panelAgencies: 'csc,police' }, 0, true);
      expect(refused).toMatchObject({ ok: false, text: expect.stringContaining('The panel must consist of representatives of 3 member agencies; 2 chosen.') });
      expect(await d.events()).not.toContain('binding-route-chosen');
      let told = d.mark();
      const chosen = await d.act('board-chair', 'binding.route', { route: 'resolution-panel', panelAgencies: 'csc,police,health' });
      expect(chosen).toMatchObject({ ok: true, text: expect.stringContaining('binding.decide') });
      expect((await d.state()).current!.bindingRoute).toMatchObject({ route: 'resolution-panel', panelAgencies: [{ id: 'csc' }, { id: 'police' }, { id: 'health' }] });
      await d.h.api.waitFor(() => d.textsSince(SAM, told).some((t) => t.includes("through a resolution panel of Children's Social Care, County Police, Riverside Health Trust")));
      told = d.mark();
      const decided = await d.act('board-chair', 'binding.decide', {
        decision: 'A strategy discussion is held this week.',
        action1: 'Convene the strategy discussion',
        owner1: "Children's Social Care",
        due1: '2027-01-15',
        reviewDate: REVIEW_DATE,
      });
      expect(decided.text).toContain('this decision is final and binding on the agencies concerned');
      for (const who of [SAM, cur.raiser.personId]) {
        await d.h.api.waitFor(() => d.messagesSince(who, told).some((m) => JSON.stringify(m).includes('A strategy discussion is held this week.')));
      }
      expect(await d.events()).toEqual(expect.arrayContaining(['binding-route-chosen', 'binding-decision-recorded']));
    } else {
      let from = d.mark();
      expect((await d.act(cur.receiver.personId, 'stage.respond', { position: 'agree', rationale: 'Agreed at the Chair.' })).ok).toBe(true);
      await d.h.api.waitFor(() => d.messagesSince(cur.raiser.personId, from).some((m) => JSON.stringify(m.blocks ?? []).includes('resolution.propose')));
      from = d.mark();
      const proposed = await d.act(cur.raiser.personId, 'resolution.propose', { summary: 'A joint visit this week.', action1: 'Joint home visit', owner1: "Children's Social Care", due1: '2027-01-15', reviewDate: REVIEW_DATE });
      expect(proposed.ok).toBe(true);
      await d.h.api.waitFor(() => d.messagesSince(cur.receiver.personId, from).some((m) => JSON.stringify(m.blocks ?? []).includes('resolution.confirm')));
      expect((await d.act(cur.receiver.personId, 'resolution.confirm', {}, from)).ok).toBe(true);
    }
    expect(await d.state()).toMatchObject({ phase: 'resolved', agreed: { reviewDate: REVIEW_DATE } });
  });

  it('checks back at the review date in a modal: all done closes the case; then the debrief', async () => {
    const s = await d.state();
    clock.set(`${REVIEW_DATE}T18:00:00Z`);
    let from = d.mark();
    expect(await d.runDueJobs()).toContain('actions-review');
    await d.h.api.waitFor(() => d.messagesSince(SAM, from).some((m) => JSON.stringify(m.blocks ?? []).includes('review.record')));
    const checked = await d.act(SAM, 'review.record', { done1: 'done' }, from);
    expect(checked).toMatchObject({ ok: true, text: expect.stringContaining('Checked: every agreed action was done; the case is closed') });
    expect(await d.state()).toMatchObject({ phase: 'closed', actionsReviewed: true });
    await d.h.api.waitFor(() => d.textsSince(s.current!.raiser.personId, from).some((t) => t === `${d.ref}: Sam Whitlock checked back: every agreed action was done, so the case is closed.`));

    clock.set('2027-03-01T18:00:00Z');
    from = d.mark();
    expect(await d.runDueJobs()).toContain('debrief-prompt');
    await d.h.api.waitFor(() => d.messagesSince(SAM, from).some((m) => JSON.stringify(m.blocks ?? []).includes('debrief.record')));
    const debrief = await d.act(SAM, 'debrief.record', { wentWell: 'Quick answers at each stage.', learning: 'Share the log earlier.' }, from);
    expect(debrief).toMatchObject({ ok: true, text: expect.stringContaining('debrief recorded') });
    const events = await d.events();
    expect(events).toEqual(expect.arrayContaining(['actions-reviewed', 'case-closed', 'debrief-recorded']));
    expect(events.filter((e) => e === 'debrief-recorded')).toHaveLength(1);
  });
});
