/**
 * The identity guard in Teams, over the Activity protocol: a child's name, date of birth or NHS
 * number typed into the walk, a reply or a card's comment is refused with what was found, and
 * nothing is recorded or relayed to anyone. The same words without the identity go through.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DRAFTS } from '../../src/app/intake-sessions.js';
import { cardText, PRIYA, SAM, teamsHarness, walkToSummary } from './support.js';

// The app starts on an embedded database and is driven over HTTP: slow on a busy machine.
jest.setTimeout(180_000);

const IDENTIFYING = 'Jayden Smith DOB 12/03/2015 NHS 943 476 5919, mother Kelly Jones, 14 Elm Road';
const REFUSAL = /^This looks like it identifies a child: a name \("Jayden Smith"\), a date of birth \("12\/03\/2015"\), an NHS number \("943 476 5919"\), a name \("Kelly Jones"\), an address \("14 Elm Road"\)\. Nothing was sent or recorded\./;

let h: Awaited<ReturnType<typeof teamsHarness>>;
let ref = '';
beforeAll(async () => {
  h = await teamsHarness();
  await h.say('hello', PRIYA);
}, 180_000);
afterAll(async () => h?.stop());

describe('a child’s identity typed in Teams', () => {
  it('is refused in the walk’s free-text answers, and the draft keeps what it had', async () => {
    await h.say('escalate');
    const before = (await h.app.store.getDocument(DRAFTS, 'csc-sw'))!.value;
    const card = await h.click('intake.answer', { stepId: 'decision-challenged', answer: IDENTIFYING });
    expect(cardText(card).join('\n')).toMatch(/This looks like it identifies a child: a name \("Jayden Smith"\)/);
    expect((await h.app.store.getDocument(DRAFTS, 'csc-sw'))!.value).toEqual(before);
  });

  it('is refused in a card’s comment (Return): the card says why, the case stays where it was, nobody is told', async () => {
    await walkToSummary(h);
    const recorded = cardText(await h.click('intake.submit', {}));
    ref = /RES-\d{4}-\d{4}/.exec(recorded.join(' '))![0];
    const events = (await h.app.store.load(ref)).length;
    const sentBefore = h.sent.length;
    const card = await h.click('escalation.return', { caseRef: ref, comment: 'Please add jayden smith’s DOB: 12.03.15' }, PRIYA);
    expect(cardText(card)).toEqual([`Case ${ref}`, expect.stringMatching(/^This looks like it identifies a child: a name \("jayden smith"\), a date of birth \("12\.03\.15"\)\./)]);
    expect(await h.app.store.load(ref)).toHaveLength(events);
    expect((await h.app.cases.load(ref))!.phase).toBe('awaiting-approval');
    expect(h.sent.slice(sentBefore)).toEqual([]);

    // Without it, the return is recorded and Sam hears it.
    await h.click('escalation.return', { caseRef: ref, comment: 'Please add the chronology first.' }, PRIYA);
    expect(await h.app.store.load(ref)).toHaveLength(events + 1);
    expect(h.sent.slice(sentBefore).some((s) => s.path.includes(`personal-${SAM}`) && s.body.text?.includes('Please add the chronology first.'))).toBe(true);
  });

  it('is refused in a reply to everyone taking part: nothing recorded, nothing relayed', async () => {
    // Sam asks again after the return, Priya approves: the stage opens with the police.
    await h.say(`escalate ${ref}`);
    await h.click('escalation.approve', { caseRef: ref, stage: 1 }, PRIYA);
    expect((await h.app.cases.load(ref))!.phase).toBe('stage-open');
    const events = (await h.app.store.load(ref)).length;
    const sentBefore = h.sent.length;
    const [answer] = await h.say(`reply ${ref} ${IDENTIFYING}`);
    expect(answer!.text).toMatch(REFUSAL);
    expect(await h.app.store.load(ref)).toHaveLength(events);
    // The only activity sent is the refusal, to Sam; Priya heard nothing.
    expect(h.sent.slice(sentBefore).map((s) => s.path.includes(`personal-${SAM}`))).toEqual([true]);
    expect(JSON.stringify(h.sent.slice(sentBefore).filter((s) => !s.path.includes(`personal-${SAM}`)))).not.toContain('Jayden');

    // The same reply without the child's identity is recorded and reaches Priya.
    await h.say(`reply ${ref} The police declined a strategy meeting on 3 December.`);
    expect(await h.app.store.load(ref)).toHaveLength(events + 1);
    expect(h.sent.some((s) => s.path.includes(`personal-${PRIYA}`) && s.body.text?.includes('declined a strategy meeting'))).toBe(true);
  });

  it('never reaches the log', () => {
    expect(JSON.stringify(h.log.lines)).not.toMatch(/Jayden|943 476 5919|Elm Road/i);
  });
});
