/**
 * A BSCB case from the walk to resolution in Teams: the counterpart agrees, the manager who
 * raised the stage records the outcome with an agreed action and a review date, the counterpart
 * confirms it, and everyone taking part (the practitioner included) is told the outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cardText, PRIYA, SAM, teamsHarness, verbs, walkToSummary, type Card } from './support.js';

let h: Awaited<ReturnType<typeof teamsHarness>>;
beforeAll(async () => {
  h = await teamsHarness();
}, 60_000);
afterAll(async () => h?.stop());

const cardsTo = (from: number, aad: string) => h.sent.slice(from).filter((s) => s.path.includes(`personal-${aad}`) && s.body.attachments).map((s) => s.body.attachments![0]!.content as Card);

describe('resolution on cards', () => {
  it('runs from the walk to an agreed, confirmed outcome that everyone hears', async () => {
    await h.say('hello', PRIYA);
    await walkToSummary(h);
    const ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(cardText(await h.click('intake.submit', {}))[0]!)![1]!;
    const parties = h.app.escalations.parties((await h.app.cases.load(ref))!, 1, 'csc-sw');
    if (!parties.ok) throw new Error(parties.message);
    const receiver = h.app.directory.people.find((p) => p.id === parties.parties.receiver.personId)!;
    const RECEIVER = receiver.identities.teams!.aadObjectId;
    await h.say('hello', RECEIVER);
    await h.click('escalation.approve', { caseRef: ref, stage: 1 }, PRIYA);

    // The counterpart agrees: Priya, who raised the stage, gets the card to record the outcome.
    let from = h.sent.length;
    await h.click('stage.respond', { caseRef: ref, position: 'agree', rationale: '' }, RECEIVER);
    const [resolution] = cardsTo(from, PRIYA);
    expect(verbs(resolution!)).toEqual(['resolution.propose']);
    expect(JSON.stringify(resolution)).toContain(`${receiver.name} (County Police) will be asked to confirm it.`);

    // A half-filled action is refused; nothing is recorded.
    const half = await h.click('resolution.propose', { caseRef: ref, stage: 1, summary: 'Strategy discussion agreed.', action1: 'Hold it', owner1: '', due1: '' }, PRIYA);
    expect(cardText(half)[1]).toBe('Agreed action 1 needs a description and an owner.');
    expect((await h.app.cases.load(ref))!.proposal).toBeNull();

    from = h.sent.length;
    const proposed = await h.click(
      'resolution.propose',
      { caseRef: ref, stage: 1, summary: 'Strategy discussion agreed.', action1: 'Hold the strategy discussion', owner1: 'Priya Natarajan', due1: '2026-11-30', action2: '', owner2: '', due2: '', reviewDate: '2026-12-04' },
      PRIYA,
    );
    expect(cardText(proposed)[1]).toBe(`Proposed. I have asked ${receiver.name} (County Police) to confirm it.`);
    const [confirm] = cardsTo(from, RECEIVER);
    expect(verbs(confirm!)).toEqual(['resolution.confirm', 'resolution.reject']);
    expect(JSON.stringify(confirm)).toContain('Hold the strategy discussion');

    // The side that proposed cannot confirm its own proposal; nor can someone not at this stage.
    expect(cardText(await h.click('resolution.confirm', { caseRef: ref, stage: 1 }, PRIYA))[1]).toBe('The escalating side proposed this resolution; the receiving side must confirm it.');
    expect(cardText(await h.click('resolution.confirm', { caseRef: ref, stage: 1 }, SAM))[1]).toBe('Only the two sides at the current stage can confirm a resolution.');

    from = h.sent.length;
    const confirmed = await h.click('resolution.confirm', { caseRef: ref, stage: 1 }, RECEIVER);
    expect(cardText(confirmed)[1]).toBe('Outcome confirmed: resolved');
    expect((await h.app.cases.load(ref))!).toMatchObject({ phase: 'resolved', agreed: { summary: 'Strategy discussion agreed.', reviewDate: '2026-12-04' } });
    const outcome = `${ref} is resolved at Stage 1. Agreed: "Strategy discussion agreed." The actions will be checked on 2026-12-04.`;
    expect(h.sent.slice(from).filter((s) => s.path.includes(`personal-${SAM}`)).map((s) => s.body.text)).toEqual([outcome]);
    expect(h.sent.slice(from).filter((s) => s.path.includes(`personal-${PRIYA}`)).map((s) => s.body.text)).toEqual([outcome]);
  }, 60_000);
});
