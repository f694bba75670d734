/**
 * Once and only once: clicks that race (a double click, a replayed card, two devices) record
 * exactly one event, and the others get the card as it now stands; two Submits of one intake
 * walk open one case. Run concurrently through the Teams door and directly through Cases.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { FakeClock } from '../../src/app/clock.js';
import { cardText, teamsHarness, walkToSummary } from '../teams/support.js';
import { TEAMS_ID, caseAt, securityDirectory } from './support.js';

jest.setTimeout(180_000);

let h: Awaited<ReturnType<typeof teamsHarness>>;
const clock = new FakeClock(new Date('2027-03-01T10:00:00Z'));
beforeAll(async () => {
  const dir = securityDirectory();
  h = await teamsHarness({ clock, env: () => ({ DIRECTORY_FILE: dir }) });
}, 120_000);
afterAll(async () => h?.stop());

const count = async (ref: string, type: string) => (await h.app.store.load(ref)).filter((e) => e.event.type === type).length;
const KAUR = TEAMS_ID['police-tm-deputy']!;
const PRIYA = TEAMS_ID['csc-tm']!;

describe('concurrent clicks through the Teams door', () => {
  it('three Respond clicks record one response; the others get the card as it stands', async () => {
    const ref = 'RES-2027-9301';
    await caseAt(h.app, ref, 'stage-open', clock);
    const cards = await Promise.all([1, 2, 3].map((n) => h.click('stage.respond', { caseRef: ref, position: 'disagree', rationale: `Reason ${n}` }, KAUR)));
    expect(await count(ref, 'response-given')).toBe(1);
    const texts = cards.map((c) => cardText(c)[1]);
    expect(texts.filter((t) => t === 'Responded: disagreed')).toHaveLength(1);
    expect(texts.filter((t) => t === `${ref}: Stage 1 is open with DS Anita Kaur (County Police); DS Anita Kaur has responded.`)).toHaveLength(2);
  });

  it('two Acknowledge, two Approve and two Confirm clicks record one event each', async () => {
    const acked = 'RES-2027-9302';
    await caseAt(h.app, acked, 'stage-open', clock);
    await Promise.all([h.click('stage.acknowledge', { caseRef: acked }, KAUR), h.click('stage.acknowledge', { caseRef: acked }, KAUR)]);
    expect(await count(acked, 'stage-acknowledged')).toBe(1);

    const approved = 'RES-2027-9303';
    await caseAt(h.app, approved, 'awaiting-approval', clock);
    const approvals = await Promise.all([h.click('escalation.approve', { caseRef: approved }, PRIYA), h.click('escalation.approve', { caseRef: approved }, PRIYA)]);
    expect(await count(approved, 'stage-opened')).toBe(1);
    expect(approvals.map((c) => cardText(c)[1]).sort()).toEqual([`${approved}: Stage 1 is open with DS Anita Kaur (County Police); a response is due by Tue, 2 Mar 2027, 10:00.`, 'Approved: Stage 1 raised with DS Anita Kaur, County Police'].sort());

    const confirmed = 'RES-2027-9304';
    await caseAt(h.app, confirmed, 'proposed', clock);
    await Promise.all([h.click('resolution.confirm', { caseRef: confirmed }, PRIYA), h.click('resolution.confirm', { caseRef: confirmed }, PRIYA), h.click('resolution.confirm', { caseRef: confirmed }, PRIYA)]);
    expect(await count(confirmed, 'resolution-confirmed')).toBe(1);
  });

  it('two Submit clicks of one walk open one case; the second answers with it', async () => {
    const SAM = TEAMS_ID['csc-sw']!;
    await walkToSummary(h, SAM);
    const cards = await Promise.all([h.click('intake.submit', {}, SAM), h.click('intake.submit', {}, SAM)]);
    const mine = await h.app.store.findCases({ participantId: 'csc-sw' });
    const opened = mine.filter((c) => c.ref.startsWith('RES-2027-0'));
    expect(opened).toHaveLength(1);
    const ref = opened[0]!.ref;
    const said = cards.map((c) => cardText(c)[1]!);
    expect(cards.map((c) => cardText(c)[0])).toEqual([`Case ${ref} is recorded`, `Case ${ref} is recorded`]);
    expect(said.filter((t) => t.startsWith(`Your concern is already recorded under ${ref}.`))).toHaveLength(1);
    // The first stage was asked for once.
    expect(await count(ref, 'escalation-requested')).toBe(1);
  });
});

describe('concurrent commands directly through Cases', () => {
  it('three responses at once: one recorded, the re-decided others refused as already done', async () => {
    const ref = 'RES-2027-9311';
    await caseAt(h.app, ref, 'stage-open', clock);
    const kaur = (await h.app.cases.load(ref))!.current!.receiver;
    const actor = { kind: 'person' as const, ...kaur };
    const results = await Promise.all([1, 2, 3].map((n) => h.app.cases.execute(ref, { type: 'respond', actor, position: 'disagree', rationale: `Reason ${n}` })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual(['already-done', 'already-done']);
    expect(await count(ref, 'response-given')).toBe(1);
  });

  it('two approvals at once: one stage opened', async () => {
    const ref = 'RES-2027-9312';
    await caseAt(h.app, ref, 'awaiting-approval', clock);
    const priya = h.app.directory.people.find((p) => p.id === 'csc-tm')!;
    const results = await Promise.all([h.app.flow.act(priya, 'escalation.approve', { caseRef: ref }), h.app.flow.act(priya, 'escalation.approve', { caseRef: ref })]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await count(ref, 'stage-opened')).toBe(1);
  });
});
