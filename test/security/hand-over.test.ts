/**
 * Cover is a recorded hand-over, end to end through the Teams door: typed by the person, by their
 * line manager, or taken up by the deputy of someone away (who is offered it). The new person
 * acts, the old one is refused, both sides are told, and the timeline shows it.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { FakeClock } from '../../src/app/clock.js';
import { cardText, teamsHarness } from '../teams/support.js';
import { TEAMS_ID, caseAt, securityDirectory } from './support.js';

jest.setTimeout(180_000);

let h: Awaited<ReturnType<typeof teamsHarness>>;
const clock = new FakeClock(new Date('2027-03-01T10:00:00Z'));
beforeAll(async () => {
  const dir = securityDirectory();
  h = await teamsHarness({ clock, env: () => ({ DIRECTORY_FILE: dir }) });
  // Everyone in these tests has opened the bot, so they can be reached.
  for (const id of ['csc-sw', 'csc-tm', 'csc-tm-2', 'csc-sm', 'police-tm-deputy', 'police-tm-3']) await h.say('hello', TEAMS_ID[id]!);
}, 120_000);
afterAll(async () => h?.stop());

const texts = (personId: string, from: number) => h.sent.slice(from).filter((s) => s.path.includes(`personal-${TEAMS_ID[personId]}`)).map((s) => s.body.text ?? JSON.stringify(s.body.attachments?.[0]?.content));
const eventsOf = async (ref: string) => (await h.app.store.load(ref)).map((e) => e.event.type);

describe('hand-over', () => {
  it('typed by the person: the new person acts, the old one is refused, both sides are told, the timeline shows it', async () => {
    const ref = 'RES-2027-9201';
    await caseAt(h.app, ref, 'stage-open', clock);
    const mark = h.sent.length;
    // The reply comes last, after the messages to the others.
    const said = (await h.say(`hand over ${ref} to Dana Cole`, TEAMS_ID['csc-tm'])).at(-1);
    expect(said!.text).toBe(`${ref}: Priya Natarajan handed over to Dana Cole. Everyone taking part has been told.`);
    expect((await eventsOf(ref)).at(-1)).toBe('case-handed-over');
    // With the case, the step of Priya's now Dana's: BSCB lets the raiser set a quicker response date.
    expect(texts('csc-tm-2', mark)).toEqual([`${ref}: Priya Natarajan handed over to Dana Cole; the case is yours now. Say \`status ${ref}\` for its history.`, expect.stringContaining('stage.quicker-due')]);
    // The other side (DS Kaur) and the practitioner hear of it.
    expect(texts('police-tm-deputy', mark)).toEqual([`${ref}: Priya Natarajan handed over to Dana Cole (Children's Social Care).`]);
    expect(texts('csc-sw', mark)).toEqual([`${ref}: Priya Natarajan handed over to Dana Cole (Children's Social Care).`]);

    // Dana now raises at the stage: she proposes the outcome; Priya's old card is refused.
    const refused = await h.click('resolution.propose', { caseRef: ref, summary: 'A strategy discussion.' }, TEAMS_ID['csc-tm']);
    expect(cardText(refused)[1]).toMatch(/^Only the two sides at the current stage can propose a resolution\.$/);
    const proposed = await h.click('resolution.propose', { caseRef: ref, summary: 'A strategy discussion on Friday.' }, TEAMS_ID['csc-tm-2']);
    expect(cardText(proposed)[1]).toBe('Proposed. I have asked DS Anita Kaur (County Police) to confirm it.');

    // The timeline (Dana may read it now; Priya still may) shows the hand-over.
    const [timeline] = await h.say(`status ${ref}`, TEAMS_ID['csc-tm-2']);
    expect(timeline!.text).toMatch(/case handed over at Stage 1, by Priya Natarajan \(Children's Social Care\)/);
    expect((await h.say(`status ${ref}`, TEAMS_ID['csc-tm']))[0]!.text).toContain('case handed over');
  });

  it('by the line manager, naming whose part it is', async () => {
    const ref = 'RES-2027-9202';
    await caseAt(h.app, ref, 'awaiting-approval', clock);
    const mark = h.sent.length;
    // Gareth (csc-sm) is Priya's line manager; Priya was asked to approve.
    const said = (await h.say(`hand over ${ref} from Priya Natarajan to csc-tm-2`, TEAMS_ID['csc-sm'])).at(-1);
    expect(said!.text).toBe(`${ref}: Gareth Llewellyn handed Priya Natarajan's part over to Dana Cole. Everyone taking part has been told.`);
    // Dana gets the approval card; Priya is told and can no longer approve.
    expect(texts('csc-tm-2', mark).join('\n')).toContain('escalation.approve');
    expect(texts('csc-tm', mark)).toEqual([`${ref}: Gareth Llewellyn handed Priya Natarajan's part over to Dana Cole; you no longer act on this case.`]);
    expect(cardText(await h.click('escalation.approve', { caseRef: ref }, TEAMS_ID['csc-tm']))).toEqual([`Case ${ref}`, `There is no case ${ref} that you are part of.`]);
    expect(cardText(await h.click('escalation.approve', { caseRef: ref }, TEAMS_ID['csc-tm-2']))[1]).toMatch(/^Approved: Stage 1 raised with DS Anita Kaur, County Police$/);
    // Someone who is neither the person nor their line manager cannot.
    const ref2 = 'RES-2027-9203';
    await caseAt(h.app, ref2, 'awaiting-approval', clock);
    expect((await h.say(`hand over ${ref2} from Priya Natarajan to Dana Cole`, TEAMS_ID['police-tm-3']))[0]!.text).toBe(`There is no case ${ref2} that you are part of.`);
  });

  it('offered to the deputy of someone away: taking it is the hand-over', async () => {
    const ref = 'RES-2027-9204';
    await caseAt(h.app, ref, 'stage-open', clock);
    // DS Kaur goes on leave after the stage opened: the directory now names DS Hart to cover.
    const kaur = h.app.directory.people.find((p) => p.id === 'police-tm-deputy')!;
    kaur.available = false;
    kaur.deputyId = 'police-tm-3';
    try {
      const mark = h.sent.length;
      // Priya chases; the response card goes to DS Kaur, and DS Hart is offered the case.
      await h.click('lapse.chase', { caseRef: ref }, TEAMS_ID['csc-tm']);
      expect(texts('police-tm-3', mark)).toEqual([`${ref}: DS Anita Kaur is away and has a step waiting in this case. You are their deputy: to take it over, say \`take over ${ref}\`.`]);
      // Before taking it, he cannot respond for her.
      expect(cardText(await h.click('stage.respond', { caseRef: ref, position: 'agree' }, TEAMS_ID['police-tm-3']))[1]).toMatch(/^Only DS Anita Kaur can respond at this stage\.$/);
      const took = h.sent.length;
      expect((await h.say(`take over ${ref}`, TEAMS_ID['police-tm-3'])).at(-1)!.text).toBe(`${ref}: DS Owen Hart took over from DS Anita Kaur. Everyone taking part has been told.`);
      expect(texts('police-tm-3', took).join('\n')).toContain('stage.respond');
      expect(texts('police-tm-deputy', took)).toEqual([`${ref}: DS Owen Hart took over from DS Anita Kaur; you no longer act on this case.`]);
      expect(texts('csc-tm', took)).toEqual([`${ref}: DS Owen Hart took over from DS Anita Kaur (County Police).`]);
      expect(cardText(await h.click('stage.respond', { caseRef: ref, position: 'disagree', rationale: 'x' }, TEAMS_ID['police-tm-deputy']))[1]).toMatch(/^Only DS Owen Hart can respond/);
      expect(cardText(await h.click('stage.respond', { caseRef: ref, position: 'disagree', rationale: 'We stand by it.' }, TEAMS_ID['police-tm-3']))[1]).toBe('Responded: disagreed');
      expect((await h.app.store.load(ref)).find((e) => e.event.type === 'case-handed-over')?.event.data).toMatchObject({ by: 'deputy', parts: ['receiver'] });
    } finally {
      kaur.available = true;
      delete kaur.deputyId;
    }
  });
});
