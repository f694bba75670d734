/**
 * A concern recorded on a practitioner's behalf: the team manager (whom BSCB's procedure has take
 * a professional's concern up) walks, answers "Whose concern is this?" with a colleague, and
 * Submit opens the case as that practitioner's, which both follow, and the practitioner is told
 * (the reference and who recorded it, never what the concern says).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cardText, PRIYA, SAM, teamsHarness, walkToSummary } from './support.js';

let h: Awaited<ReturnType<typeof teamsHarness>>;
beforeAll(async () => {
  h = await teamsHarness();
}, 60_000);
afterAll(async () => h?.stop());

describe('recording a concern for a colleague', () => {
  it('opens the case as the colleague’s, with the manager following it, and tells the colleague', async () => {
    await h.say('hello', SAM);
    const summary = await walkToSummary(h, PRIYA, { 'whose-concern': 'csc-sw' });
    const before = h.sent.length;
    expect(JSON.stringify(summary)).toContain('Whose concern is this?');
    expect(JSON.stringify(summary)).toContain('Sam Whitlock (Social worker)');
    const [title] = cardText(await h.click('intake.submit', {}, PRIYA));
    const ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(title!)![1]!;
    const state = (await h.app.cases.load(ref))!;
    expect(state.practitioner).toMatchObject({ personId: 'csc-sw', name: 'Sam Whitlock' });
    expect(state.participantIds).toEqual(expect.arrayContaining(['csc-sw', 'csc-tm']));
    // Priya raises BSCB's Stage 1 herself, so it opened at once.
    expect(state.current?.raiser.personId).toBe('csc-tm');
    // Sam hears of it in his own chat: the reference, who recorded it and how to follow it.
    const toSam = h.sent.slice(before).filter((s) => s.path.includes(`personal-${SAM}`)).map((s) => s.body.text);
    expect(toSam).toContain(`Priya Natarajan (${state.escalatingAgency.name}) recorded a concern on your behalf under ${ref}; it stays your concern, and you both follow it. Say \`status ${ref}\` to follow it.`);
    // Nothing of what the concern says goes in that message.
    for (const answer of Object.values(state.intake).filter((v): v is string => typeof v === 'string' && v.length > 12)) {
      expect(toSam.join('\n')).not.toContain(answer);
    }
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
