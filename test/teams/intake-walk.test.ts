/**
 * The intake walk in Teams: "escalate" sends the first card; each click on Next answers with the
 * next card; a bad answer comes back on the same card with the reason; Back and Cancel work; a
 * half-finished walk survives a restart; Submit records the case.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { answerFor, cardText, stepOf, teamsHarness } from './support.js';

let h: Awaited<ReturnType<typeof teamsHarness>>;
beforeAll(async () => {
  h = await teamsHarness();
}, 60_000);
afterAll(async () => h?.stop());

describe('the intake walk on cards', () => {
  it('walks, corrects, goes back, survives a restart and records the case', async () => {
    const [first] = await h.say('escalate');
    expect(first!.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    let card = first!.attachments![0]!.content;
    expect(stepOf(card).stepId).toBe('immediate-risk');
    expect(cardText(card)).toEqual(expect.arrayContaining([expect.stringMatching(/^Step 1 of \d+/)]));

    // A bad answer: the same question again, saying why; nothing is kept.
    const wrong = await h.click('intake.answer', { stepId: 'immediate-risk', answer: 'maybe' });
    expect(stepOf(wrong).stepId).toBe('immediate-risk');
    expect(cardText(wrong)).toContain('Please answer yes or no.');

    const seen: string[] = [];
    let restarted = false;
    for (;;) {
      const { stepId, input } = stepOf(card);
      seen.push(stepId);
      if (stepId === 'child-record-ref') {
        // A name where the reference goes is refused, with the reason on the card.
        const named = await h.click('intake.answer', { stepId, answer: 'Jane Smith' });
        expect(stepOf(named).stepId).toBe(stepId);
        expect(cardText(named).join('\n')).toMatch(/name/i);
      }
      if (stepId === 'other-agency') {
        // Back, then forward again: Back returns the previous question.
        const previous = await h.click('intake.back', { stepId });
        expect(stepOf(previous).stepId).toBe(seen.at(-2));
        card = await h.click('intake.answer', { stepId: seen.at(-2)!, answer: answerFor(seen.at(-2)!, stepOf(previous).input) });
        expect(stepOf(card).stepId).toBe(stepId);
        // Half-way through, the bot restarts; the walk carries on where it stood.
        await h.restart();
        restarted = true;
        const [resumed] = await h.say('escalate');
        expect(stepOf(resumed!.attachments![0]!.content).stepId).toBe(stepId);
      }
      card = await h.click('intake.answer', { stepId, answer: answerFor(stepId, input) });
      if (!(card.actions as { verb?: string }[]).some((a) => a.verb === 'intake.answer')) break;
      if (seen.length > 40) throw new Error('the walk never ended');
    }
    expect(restarted).toBe(true);
    expect(seen).toEqual(expect.arrayContaining(['immediate-risk', 'other-agency', 'decision-challenged', 'area', 'aim', 'child-record-ref']));

    // The summary lists the answers; Submit records the case.
    expect((card.actions as { verb?: string }[]).map((a) => a.verb)).toEqual(['intake.submit', 'intake.back', 'intake.cancel']);
    expect(JSON.stringify(card)).toContain('CSC-20417');
    const done = await h.click('intake.submit', {});
    const title = cardText(done)[0]!;
    const ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(title)?.[1];
    expect(ref).toBeDefined();
    const state = await h.app.cases.load(ref!);
    expect(state).toMatchObject({ ref, escalatingAgency: { id: 'csc' }, receivingAgency: { id: 'police' }, intake: { childRecordRef: 'CSC-20417' } });
    expect((await h.say('my cases')).map((b) => b.text)).toEqual([expect.stringContaining(`**${ref}**`)]);

    // The walk is over: a stale summary card cannot submit a second case; it answers with the case it opened.
    const again = await h.click('intake.submit', {});
    expect(cardText(again)).toContain(`Your concern is already recorded under ${ref}. Say \`status ${ref}\` to follow it.`);
    expect((await h.app.store.findCases({ participantId: 'csc-sw' })).map((c) => c.ref)).toEqual([ref]);
  }, 60_000);

  it('puts the urgent-route guidance in front of someone whose child is at immediate risk, at once and on every later card', async () => {
    await h.say('escalate');
    await h.click('intake.cancel', {});
    const [first] = await h.say('escalate');
    expect(stepOf(first!.attachments![0]!.content).stepId).toBe('immediate-risk');
    const next = await h.click('intake.answer', { stepId: 'immediate-risk', answer: 'yes' });
    // BSCB opens an urgent case, so the walk goes on (without the pre-escalation checks).
    const guidance = "If a child is at risk of immediate harm, contact Children's Social Care or the police now.";
    expect(cardText(next).join('\n')).toContain(guidance);
    expect(stepOf(next).stepId).toBe('other-agency');
    const later = await h.click('intake.answer', { stepId: 'other-agency', answer: 'police' });
    expect(cardText(later).join('\n')).toContain(guidance);
    await h.click('intake.cancel', {});
  });

  it('cancels a walk, recording nothing', async () => {
    await h.say('escalate');
    const cancelled = await h.click('intake.cancel', {});
    expect(cardText(cancelled)).toEqual(['Walk cancelled', 'Nothing was recorded. Say "escalate" to start again.']);
  });
});
