/**
 * A route the procedure offers on a condition, taken by its button on Teams: Sefton's Stage 1
 * (with a timescale, so it lapses) offers "the child remains at risk of significant harm" →
 * Stage 5. The lapse card states the condition in the document's words with a confirmation and a
 * button; only someone of the escalating side may take it, a stranger hears only that there is no
 * such case of theirs, a route that is not open (a stage the procedure lacks, a stage not offered
 * on a condition from here) or an unconfirmed condition changes nothing and says why, and a second
 * click records nothing more. The request records the condition the person confirmed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/app/clock.js';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { caseAt, securityDirectory, TEAMS_ID } from '../security/support.js';
import { seftonTimed } from '../support/sefton-timed.js';
import { cardText, teamsHarness, verbs, type Card } from './support.js';

/** Every verb on a card, in the body's action sets too (where the route's button sits, by its confirmation). */
const allVerbs = (card: Card): string[] => [...JSON.stringify(card).matchAll(/"verb":"([^"]+)"/g)].map((m) => m[1]!).filter((v) => v !== 'card.refresh');

const RAISER = 'csc-tm';
const RECEIVER = 'police-tm-deputy';
const STRANGER = 'health-tm';
const CONDITION = 'You believe the child remains at risk of significant harm';

describe('a route on a condition on Teams (Sefton, with a timescale)', () => {
  const clock = new FakeClock(new Date('2026-11-23T10:00:00Z'));
  let h: Awaited<ReturnType<typeof teamsHarness>>;
  let sefton: Policy;
  beforeAll(async () => {
    const dir = securityDirectory();
    h = await teamsHarness({ clock, env: () => ({ DIRECTORY_FILE: dir }) });
    for (const id of [RAISER, RECEIVER, STRANGER, 'csc-tm-2', 'csc-sw']) await h.say('hello', TEAMS_ID[id]!);
    sefton = await seftonTimed();
  }, 60_000);
  afterAll(async () => h?.stop());

  const click = (ref: string, data: Record<string, unknown>, personId: string) => h.click('route.take', { caseRef: ref, ...data }, TEAMS_ID[personId]!);
  const said = (card: Card) => cardText(card)[1];
  const events = async (ref: string) => (await h.app.store.load(ref)).map((e) => e.event);
  const lapse = async (ref: string) => {
    const due = (await h.app.cases.load(ref))!.current!.responseDue!;
    clock.set(new Date(Date.parse(due) + 1000).toISOString());
    const from = h.sent.length;
    for (const job of (await h.app.queue.jobsOf(ref)).filter((j) => j.state === 'scheduled' && j.runAt <= clock.now().toISOString())) await h.app.jobs.run(job);
    return h.sent.slice(from).filter((s) => s.path.includes(`personal-${TEAMS_ID[RAISER]}`)).flatMap((s) => (s.body.attachments ?? []).map((a) => a.content as Card));
  };

  it('the lapse card offers the route with its condition; only the escalating side takes it, once, and the condition is recorded', async () => {
    const ref = 'RES-2026-0501';
    await caseAt(h.app, ref, 'stage-open', clock, 'csc', sefton);
    const [card] = (await lapse(ref)).filter((c) => verbs(c).includes('lapse.escalate'));
    expect(allVerbs(card!)).toEqual(['route.take', 'lapse.escalate', 'lapse.extend', 'lapse.chase']);
    expect(JSON.stringify(card)).toContain(`where: ${CONDITION}`);
    expect(JSON.stringify(card)).toContain('Escalate to Stage 5');
    const before = (await events(ref)).length;

    expect(said(await click(ref, { toStage: '5', holds: 'yes' }, STRANGER))).toBe(`There is no case ${ref} that you are part of.`);
    expect(said(await click(ref, { toStage: '5', holds: 'yes' }, RECEIVER))).toBe('Stage 5 could not be asked for: Only someone from the escalating agency who is part of this case can ask for the next stage.');
    expect(said(await click(ref, { toStage: '5', holds: '' }, RAISER))).toBe('Confirm that the route’s condition holds to take it.');
    expect(said(await click(ref, { toStage: '3', holds: 'yes' }, RAISER))).toBe(`Sefton SCP Escalating Concerns offers no route to Stage 3 on a condition from Stage 1; nothing was changed. Say \`status ${ref}\` for the ways on.`);
    expect(said(await click(ref, { toStage: '9', holds: 'yes' }, RAISER))).toBe('Sefton SCP Escalating Concerns has no Stage 9, so there is no route to it; nothing was changed.');
    expect(said(await click(ref, { holds: 'yes' }, RAISER))).toBe('Choose the route to take.');
    expect((await events(ref)).length).toBe(before);

    const from = h.sent.length;
    expect(said(await click(ref, { toStage: '5', holds: 'yes' }, RAISER))).toBe("Stage 5 is open with Dana Cole (Children's Social Care).");
    const state = (await h.app.cases.load(ref))!;
    expect(state.current).toMatchObject({ number: 5, raiser: { personId: RAISER }, receiver: { personId: 'csc-tm-2' } });
    // Children's Social Care's manager gets the stage to respond to.
    const toDana = h.sent.slice(from).filter((s) => s.path.includes(`personal-${TEAMS_ID['csc-tm-2']}`)).flatMap((s) => (s.body.attachments ?? []).map((a) => a.content as Card));
    expect(toDana.map(verbs)).toContainEqual(expect.arrayContaining(['stage.respond']));
    const opened = (await events(ref)).filter((e) => e.type === 'stage-opened').at(-1)!;
    expect(opened.data).toMatchObject({ reason: 'no-response', note: `Taken on the procedure's condition, confirmed by the person asking: "${CONDITION}"` });

    // A second click: nothing more is recorded; the answer is where the case now stands.
    expect(said(await click(ref, { toStage: '5', holds: 'yes' }, RAISER))).toMatch(/Stage 5 is open with/);
    expect((await events(ref)).filter((e) => e.type === 'stage-opened')).toHaveLength(2);
  }, 60_000);

  it('never offers a route to a stage the procedure lacks, and refuses one asked for', async () => {
    const ref = 'RES-2026-0502';
    // A pack whose route on a condition names a stage it does not have.
    const broken: Policy = {
      ...sefton,
      stages: sefton.stages.map((s) => ({ ...s, outcomes: s.outcomes.map((o) => (o.type === 'next-stage' && o.condition ? { ...o, toStage: 9 } : o)) })),
    };
    await caseAt(h.app, ref, 'stage-open', clock, 'csc', broken);
    const [card] = (await lapse(ref)).filter((c) => verbs(c).includes('lapse.escalate'));
    expect(allVerbs(card!)).toEqual(['lapse.escalate', 'lapse.extend', 'lapse.chase']);
    const before = (await events(ref)).length;
    expect(said(await click(ref, { toStage: '9', holds: 'yes' }, RAISER))).toBe('Sefton SCP Escalating Concerns has no Stage 9, so there is no route to it; nothing was changed.');
    expect(said(await click(ref, { toStage: '5', holds: 'yes' }, RAISER))).toMatch(/offers no route to Stage 5 on a condition from Stage 1; nothing was changed/);
    expect((await events(ref)).length).toBe(before);
  }, 60_000);

  it('Sefton as shipped (no timescale, so never a lapse): a disagreement brings the raiser the ways on, the route among them', async () => {
    const ref = 'RES-2026-0503';
    await caseAt(h.app, ref, 'stage-open', clock, 'csc', (await loadPolicyCatalog()).get('sefton')!);
    const from = h.sent.length;
    const answer = await h.click('stage.respond', { caseRef: ref, position: 'disagree', rationale: 'The threshold is not met on what we hold.' }, TEAMS_ID[RECEIVER]!);
    expect(cardText(answer).join(' ')).toContain('Responded: disagreed');
    const [card] = h.sent.slice(from).filter((s) => s.path.includes(`personal-${TEAMS_ID[RAISER]}`)).flatMap((s) => (s.body.attachments ?? []).map((a) => a.content as Card)).filter((c) => verbs(c).includes('lapse.escalate'));
    // No more time or chase: those answer a silence, not a disagreement.
    expect(allVerbs(card!)).toEqual(['route.take', 'lapse.escalate']);
    expect(JSON.stringify(card)).toContain('disagreed at Stage 1: \\"The threshold is not met on what we hold.\\"');
    expect(JSON.stringify(card)).toContain(`where: ${CONDITION}`);
    // The same card when Teams asks for it again, for the raiser only.
    expect(allVerbs(await h.click('card.refresh', { card: 'lapse', caseRef: ref }, TEAMS_ID[RAISER]!))).toEqual(['route.take', 'lapse.escalate']);
    expect(allVerbs(await h.click('card.refresh', { card: 'lapse', caseRef: ref }, TEAMS_ID[RECEIVER]!))).toEqual([]);
    expect(said(await click(ref, { toStage: '5', holds: 'yes' }, STRANGER))).toBe(`There is no case ${ref} that you are part of.`);

    expect(said(await click(ref, { toStage: '5', holds: 'yes' }, RAISER))).toBe("Stage 5 is open with Dana Cole (Children's Social Care).");
    const opened = (await events(ref)).filter((e) => e.type === 'stage-opened').at(-1)!;
    expect(opened.data).toMatchObject({ reason: 'not-resolved', note: `Taken on the procedure's condition, confirmed by the person asking: "${CONDITION}"` });
  }, 60_000);
});
