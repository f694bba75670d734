/**
 * A concern recorded on a practitioner's behalf: the team manager (whom BSCB's procedure has take
 * a professional's concern up) walks, answers "Whose concern is this?" with a colleague, and
 * Submit opens the case as that practitioner's, which both follow.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cardText, PRIYA, SAM, teamsHarness, walkToSummary } from './support.js';

let h: Awaited<ReturnType<typeof teamsHarness>>;
beforeAll(async () => {
  h = await teamsHarness();
}, 60_000);
afterAll(async () => h?.stop());

describe('recording a concern for a colleague', () => {
  it('opens the case as the colleague’s, with the manager following it', async () => {
    const summary = await walkToSummary(h, PRIYA, { 'whose-concern': 'csc-sw' });
    expect(JSON.stringify(summary)).toContain('Whose concern is this?');
    expect(JSON.stringify(summary)).toContain('Sam Whitlock (Social worker)');
    const [title] = cardText(await h.click('intake.submit', {}, PRIYA));
    const ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(title!)![1]!;
    const state = (await h.app.cases.load(ref))!;
    expect(state.practitioner).toMatchObject({ personId: 'csc-sw', name: 'Sam Whitlock' });
    expect(state.participantIds).toEqual(expect.arrayContaining(['csc-sw', 'csc-tm']));
    // Priya raises BSCB's Stage 1 herself, so it opened at once.
    expect(state.current?.raiser.personId).toBe('csc-tm');
    const [status] = await h.say(`status ${ref}`, SAM);
    expect(status!.text).toMatch(new RegExp(`^\\*\\*${ref}\\*\\*`));
  });

  it('is not offered to a practitioner', async () => {
    const summary = await walkToSummary(h, SAM);
    expect(JSON.stringify(summary)).toContain('What do you aim to achieve?');
    expect(JSON.stringify(summary)).not.toContain('Whose concern is this?');
    await h.click('intake.cancel', {}, SAM);
  });
});
