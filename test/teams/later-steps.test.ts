/**
 * The ends of the procedures on Teams, over the Activity protocol with a fake clock: each later
 * step's card reaches the person it is for at its moment (a stage opening, a request for more
 * time, the Chair's route, the review date, closure); a stranger hears only that there is no such
 * case of theirs; bad input changes nothing and says why; a second click records nothing more.
 * (Whole procedures are driven in test/flows; this holds each step to those four rules.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { FakeClock } from '../../src/app/clock.js';
import { cardText, teamsHarness, verbs, walkToSummary, type Card } from './support.js';

/** The practitioner (Sam, who walks the intake), and someone in the directory who takes no part. */
const SAM_ID = 'csc-sw';
const STRANGER = 'health-hv';

describe('the later steps on Teams (BSCB)', () => {
  // Monday 23 November 2026, 10:00.
  const clock = new FakeClock(new Date('2026-11-23T10:00:00Z'));
  let h: Awaited<ReturnType<typeof teamsHarness>>;
  let ref = '';
  beforeAll(async () => {
    h = await teamsHarness({ clock });
    for (const p of h.app.directory.people) if (p.identities.teams) await h.say('hello', p.identities.teams.aadObjectId);
  }, 60_000);
  afterAll(async () => h?.stop());

  const aad = (personId: string) => h.app.directory.people.find((p) => p.id === personId)!.identities.teams!.aadObjectId;
  const state = async () => (await h.app.cases.load(ref))!;
  const count = async (type: string) => (await h.app.store.load(ref)).filter((e) => e.event.type === type).length;
  const click = (verb: string, data: Record<string, unknown>, personId: string) => h.click(verb, { caseRef: ref, ...data }, aad(personId));
  /** What a click answered: the notice's sentence (or a decided card's heading). */
  const said = (card: Card) => cardText(card)[1];
  const mark = () => h.sent.length;
  const cardsTo = (personId: string, from: number) =>
    h.sent.slice(from).filter((s) => s.path.includes(`personal-${aad(personId)}`)).flatMap((s) => (s.body.attachments ?? []).map((a) => a.content));
  const textsTo = (personId: string, from: number) => h.sent.slice(from).filter((s) => s.path.includes(`personal-${aad(personId)}`) && s.body.text).map((s) => s.body.text!);
  const notPartOf = () => `There is no case ${ref} that you are part of.`;
  const runDueJobs = async () => {
    const now = clock.now().toISOString();
    for (const job of (await h.app.queue.jobsOf(ref)).filter((j) => j.state === 'scheduled' && j.runAt <= now)) await h.app.jobs.run(job);
  };
  /** Whoever the case waits on approves until the next stage is open. */
  const approveUntilOpen = async () => {
    for (let i = 0; i < 3 && (await state()).phase === 'awaiting-approval'; i++) await click('escalation.approve', {}, (await state()).pendingEscalation!.approver!.personId);
    expect((await state()).phase).toBe('stage-open');
  };

  it('the raiser gets the quicker-date card as Stage 1 opens; bad dates change nothing; a second click records once', async () => {
    await walkToSummary(h);
    ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(cardText(await h.click('intake.submit', {}))[0]!)![1]!;
    const raiser = (await state()).pendingEscalation!.approver!.personId;
    const from = mark();
    await approveUntilOpen();
    const receiver = (await state()).current!.receiver.personId;
    expect(cardsTo(raiser, from).map(verbs)).toContainEqual(['stage.quicker-due']);
    expect(cardsTo(receiver, from).map(verbs).flat()).not.toContain('stage.quicker-due');

    expect(said(await click('stage.quicker-due', { due: '2026-11-23' }, STRANGER))).toBe(notPartOf());
    expect(said(await click('stage.quicker-due', { due: '' }, raiser))).toBe('Choose the date the response is now due.');
    expect(said(await click('stage.quicker-due', { due: '2026-11-23', dueTime: '25:00' }, raiser))).toBe('The time must be hours and minutes, like 14:30.');
    // Only the raiser sets it, and only earlier than the procedure's date.
    expect(said(await click('stage.quicker-due', { due: '2026-11-23', dueTime: '15:00' }, receiver))).toMatch(/who raised Stage 1, can set a quicker response date\.$/);
    expect(said(await click('stage.quicker-due', { due: '2026-11-27' }, raiser))).toMatch(/never a later one\.$/);
    expect(await count('response-due-brought-forward')).toBe(0);

    const told = mark();
    expect(said(await click('stage.quicker-due', { due: '2026-11-23', dueTime: '15:00' }, raiser))).toBe('Response now due by Mon, 23 Nov 2026, 15:00');
    expect(textsTo(receiver, told)).toEqual([expect.stringContaining('your response is now due by Mon, 23 Nov 2026, 15:00')]);
    expect((await state()).current!.responseDue).toBe('2026-11-23T15:00:00.000Z');
    expect((await h.app.queue.jobsOf(ref)).find((j) => j.name === 'response-deadline' && j.state === 'scheduled')!.runAt).toBe('2026-11-23T15:00:00.000Z');
    // The same date again (a second click): nothing more recorded; the answer is the card as it now stands.
    const again = await click('stage.quicker-due', { due: '2026-11-23', dueTime: '15:00' }, raiser);
    expect(verbs(again)).toEqual(['stage.quicker-due']);
    expect(JSON.stringify(again)).toContain('Mon 23 Nov 2026, 15:00');
    expect(await count('response-due-brought-forward')).toBe(1);
  }, 60_000);

  it('more time: the raiser gets the card, accepts (the due date and its job move, the receiver hears) or declines with a reason', async () => {
    const { raiser, receiver } = (await state()).current!;
    let from = mark();
    await click('stage.respond', { position: 'more-time', rationale: 'Waiting for records.', proposedDate: '2026-11-27' }, receiver.personId);
    const [extension] = cardsTo(raiser.personId, from).filter((c) => verbs(c).includes('extension.accept'));
    expect(verbs(extension!)).toEqual(['extension.accept', 'extension.decline']);

    expect(said(await click('extension.accept', {}, STRANGER))).toBe(notPartOf());
    expect(said(await click('extension.accept', {}, receiver.personId))).toBe('Only the escalating side can accept or decline a request for more time.');
    expect(said(await click('extension.decline', { comment: '  ' }, raiser.personId))).toBe('Say why the response cannot wait.');
    expect((await state()).current!.extensionProposed).toBe('2026-11-27T17:00:00.000Z');

    from = mark();
    expect(said(await click('extension.accept', {}, raiser.personId))).toBe('More time allowed: a response is due by Fri, 27 Nov 2026, 17:00');
    expect(textsTo(receiver.personId, from)).toEqual([expect.stringContaining('accepted your request for more time at Stage 1. Your response is now due by Fri, 27 Nov 2026, 17:00.')]);
    expect(cardsTo(receiver.personId, from).map(verbs)).toContainEqual(expect.arrayContaining(['stage.respond']));
    expect((await h.app.queue.jobsOf(ref)).find((j) => j.name === 'response-deadline' && j.state === 'scheduled')!.runAt).toBe('2026-11-27T17:00:00.000Z');
    // A second click: nothing more recorded; the card shows where the case stands.
    expect(said(await click('extension.accept', {}, raiser.personId))).toMatch(/Stage 1 is open with .*a response is due by Fri, 27 Nov 2026, 17:00/);
    expect(await count('extension-accepted')).toBe(1);

    await click('stage.respond', { position: 'more-time', rationale: 'Still waiting.', proposedDate: '2026-12-02' }, receiver.personId);
    from = mark();
    expect(said(await click('extension.decline', { comment: 'The child cannot wait that long' }, raiser.personId))).toBe('More time declined');
    expect(textsTo(receiver.personId, from)).toEqual([expect.stringContaining('declined your request for more time at Stage 1: "The child cannot wait that long". Your response is still due by Fri, 27 Nov 2026, 17:00.')]);
    expect(said(await click('extension.decline', { comment: 'Again.' }, raiser.personId))).toMatch(/Stage 1 is open/);
    expect(await count('extension-declined')).toBe(1);
  }, 60_000);

  it("the Chair gets the route card as Stage 4 opens, chooses a panel (everyone hears), then records the decision everyone is told of", async () => {
    // Up the stages: each receiver disagrees, each raiser asks for the next stage.
    let from = mark();
    while ((await state()).current!.number < 4) {
      const s = await state();
      const cur = s.current!;
      if (s.policy.stages[cur.number - 1]!.acknowledgement && !cur.acknowledged) await click('stage.acknowledge', {}, cur.receiver.personId);
      await click('stage.respond', { position: 'disagree', rationale: 'Not agreed.' }, cur.receiver.personId);
      from = mark();
      await h.say(`escalate ${ref} Still not resolved.`, aad(cur.raiser.personId));
      await approveUntilOpen();
    }
    const chair = (await state()).current!.receiver;
    const [route] = cardsTo(chair.personId, from).filter((c) => verbs(c).includes('binding.route'));
    expect(route).toBeDefined();
    expect(JSON.stringify(route)).toContain('A panel of 3 member agencies');

    expect(said(await click('binding.route', { route: 'mediation' }, STRANGER))).toBe(notPartOf());
    expect(said(await click('binding.route', { route: 'arbitration' }, chair.personId))).toBe('Choose mediation or a resolution panel.');
    expect(said(await click('binding.route', { route: 'resolution-panel', panelAgencies: 'csc,nowhere,police' }, chair.personId))).toBe('Choose the panel’s agencies from the list.');
    expect(said(await click('binding.route', { route: 'resolution-panel', panelAgencies: 'csc,police' }, chair.personId))).toBe('The panel must consist of representatives of 3 member agencies; 2 chosen.');
    expect(await count('binding-route-chosen')).toBe(0);

    from = mark();
    const decisionCard = await click('binding.route', { route: 'resolution-panel', panelAgencies: 'csc,police,health' }, chair.personId);
    expect(verbs(decisionCard)).toEqual(['binding.decide']);
    expect(textsTo(SAM_ID, from)).toEqual([expect.stringMatching(/will resolve the disagreement at Stage 4 through a resolution panel of .+, .+, .+\. Everyone taking part will be told the decision\.$/)]);
    expect(said(await click('binding.route', { route: 'mediation' }, chair.personId))).toMatch(/Stage 4 is open/);
    expect(await count('binding-route-chosen')).toBe(1);

    expect(said(await click('binding.decide', { decision: 'Held.' }, STRANGER))).toBe(notPartOf());
    expect(said(await click('binding.decide', { decision: '' }, chair.personId))).toBe('Write the decision.');
    expect(said(await click('binding.decide', { decision: 'A joint plan.', action1: 'Hold a strategy meeting', owner1: '', due1: '2026-12-03' }, chair.personId))).toBe('Agreed action 1 needs a description and an owner.');
    expect(await count('binding-decision-recorded')).toBe(0);

    from = mark();
    const decided = { decision: 'A joint plan.', action1: 'Hold a strategy meeting', owner1: 'Police team manager', due1: '2026-12-03', reviewDate: '2026-12-04' };
    const notice = await click('binding.decide', decided, chair.personId);
    expect(JSON.stringify(notice)).toContain('A joint plan.');
    for (const id of (await state()).participantIds.filter((id) => id !== chair.personId)) {
      expect(cardsTo(id, from).map((c) => JSON.stringify(c))).toEqual([expect.stringContaining('Hold a strategy meeting')]);
    }
    await click('binding.decide', decided, chair.personId);
    expect(await count('binding-decision-recorded')).toBe(1);
    expect((await state()).phase).toBe('resolved');
  }, 120_000);

  it('on the review date the check-back card goes out; all done closes the case and everyone hears', async () => {
    // Before the date, `review <ref>` offers the same card to someone taking part, and nothing to anyone else.
    const [early] = await h.say(`review ${ref}`, aad(SAM_ID));
    expect(verbs(early!.attachments![0]!.content)).toEqual(['review.record']);
    expect((await h.say(`review ${ref}`, aad(STRANGER)))[0]!.text).toBe(notPartOf());
    clock.set('2026-12-04T12:00:00Z');
    const from = mark();
    await runDueJobs();
    const raiser = (await state()).current!.raiser.personId;
    for (const id of [SAM_ID, raiser]) expect(cardsTo(id, from).map(verbs)).toContainEqual(['review.record']);

    expect(said(await click('review.record', { done1: 'done' }, STRANGER))).toBe(notPartOf());
    expect(said(await click('review.record', {}, SAM_ID))).toBe('Say whether agreed action 1 was done.');
    expect(said(await click('review.record', { done1: 'not-done' }, SAM_ID))).toBe('Say what was not done and how it will be pursued.');
    expect(await count('actions-reviewed')).toBe(0);

    const told = mark();
    expect(said(await click('review.record', { done1: 'done', notes: '' }, SAM_ID))).toBe('Checked: every agreed action was done; the case is closed');
    expect(textsTo(raiser, told)).toEqual([expect.stringContaining('every agreed action was done, so the case is closed')]);
    expect(said(await click('review.record', { done1: 'done' }, SAM_ID))).toMatch(/is closed/);
    expect(await count('actions-reviewed')).toBe(1);
  }, 60_000);

  it('after closure the debrief card goes out; each person records theirs once', async () => {
    clock.set('2026-12-08T12:00:00Z');
    const from = mark();
    await runDueJobs();
    expect(cardsTo(SAM_ID, from).map(verbs)).toContainEqual(['debrief.record']);

    expect(said(await click('debrief.record', { wentWell: 'Quick contact.' }, STRANGER))).toBe(notPartOf());
    expect(said(await click('debrief.record', { wentWell: '' }, SAM_ID))).toBe('Say what went well.');
    expect(await count('debrief-recorded')).toBe(0);
    expect(said(await click('debrief.record', { wentWell: 'Quick contact.', learning: 'Agree plans sooner.' }, SAM_ID))).toBe("Thank you. Your debrief is recorded for the partnership's learning report.");
    expect(said(await click('debrief.record', { wentWell: 'Quick contact.' }, SAM_ID))).toMatch(/is closed/);
    expect(await count('debrief-recorded')).toBe(1);
  }, 60_000);
});


/** The demo directory with the partnership running another procedure (a DIRECTORY_FILE). */
function directoryFor(policyId: string): string {
  const directory = parse(readFileSync('demo/directory.yaml', 'utf8')) as { partnership: { policyId: string } };
  directory.partnership.policyId = policyId;
  const file = join(mkdtempSync(join(tmpdir(), `resolve-later-${policyId}-`)), 'directory.yaml');
  writeFileSync(file, stringify(directory));
  return file;
}

describe('an outcome step, and a check back that finds an action not done (Croydon)', () => {
  const clock = new FakeClock(new Date('2026-11-23T10:00:00Z'));
  let h: Awaited<ReturnType<typeof teamsHarness>>;
  let ref = '';
  beforeAll(async () => {
    h = await teamsHarness({ clock, env: () => ({ DIRECTORY_FILE: directoryFor('croydon') }) });
    for (const p of h.app.directory.people) if (p.identities.teams) await h.say('hello', p.identities.teams.aadObjectId);
  }, 60_000);
  afterAll(async () => h?.stop());

  const aad = (personId: string) => h.app.directory.people.find((p) => p.id === personId)!.identities.teams!.aadObjectId;
  const state = async () => (await h.app.cases.load(ref))!;
  const count = async (type: string) => (await h.app.store.load(ref)).filter((e) => e.event.type === type).length;
  const click = (verb: string, data: Record<string, unknown>, personId: string) => h.click(verb, { caseRef: ref, ...data }, aad(personId));
  const said = (card: Card) => cardText(card)[1];
  const cardsTo = (personId: string, from: number) =>
    h.sent.slice(from).filter((s) => s.path.includes(`personal-${aad(personId)}`)).flatMap((s) => (s.body.attachments ?? []).map((a) => a.content));
  const textsTo = (personId: string, from: number) => h.sent.slice(from).filter((s) => s.path.includes(`personal-${aad(personId)}`) && s.body.text).map((s) => s.body.text!);
  const approveUntilOpen = async () => {
    for (let i = 0; i < 3 && (await state()).phase === 'awaiting-approval'; i++) await click('escalation.approve', {}, (await state()).pendingEscalation!.approver!.personId);
    expect((await state()).phase).toBe('stage-open');
  };

  it('either side gets the outcome-step card as Stage 3 opens; it is recorded once, and everyone hears', async () => {
    await walkToSummary(h);
    ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(cardText(await h.click('intake.submit', {}))[0]!)![1]!;
    let from = h.sent.length;
    await approveUntilOpen();
    while ((await state()).current!.number < 3) {
      const s = await state();
      const cur = s.current!;
      if (s.policy.stages[cur.number - 1]!.acknowledgement && !cur.acknowledged) await click('stage.acknowledge', {}, cur.receiver.personId);
      await click('stage.respond', { position: 'disagree', rationale: 'Not agreed.' }, cur.receiver.personId);
      from = h.sent.length;
      await h.say(`escalate ${ref} Still not resolved.`, aad(cur.raiser.personId));
      await approveUntilOpen();
    }
    const { raiser, receiver } = (await state()).current!;
    for (const id of [raiser.personId, receiver.personId]) expect(cardsTo(id, from).map(verbs)).toContainEqual(['outcome.record']);

    expect(said(await click('outcome.record', { outcome: 'reflective-consultation', note: 'Held.' }, STRANGER))).toBe(`There is no case ${ref} that you are part of.`);
    expect(said(await click('outcome.record', { outcome: 'case-review-group', note: 'Held.' }, raiser.personId))).toBe('Stage 3 of this procedure has no "case-review-group" step.');
    expect(said(await click('outcome.record', { outcome: 'reflective-consultation', note: '' }, raiser.personId))).toBe('Say what was decided.');
    expect(await count('outcome-step-recorded')).toBe(0);

    from = h.sent.length;
    expect(said(await click('outcome.record', { outcome: 'reflective-consultation', note: 'A consultation is booked.' }, raiser.personId))).toBe('Recorded: Multi-agency group reflective consultation');
    expect(textsTo(receiver.personId, from)).toEqual([expect.stringContaining('recorded "Multi-agency group reflective consultation": "A consultation is booked."')]);
    // The other side's click, after: recorded once; its card now says where the case stands.
    expect(said(await click('outcome.record', { outcome: 'reflective-consultation', note: 'Again.' }, receiver.personId))).toMatch(/Stage 3 is open/);
    expect(await count('outcome-step-recorded')).toBe(1);
  }, 120_000);

  it('an action not done opens the stage again, and everyone taking part is told', async () => {
    const { raiser, receiver } = (await state()).current!;
    await click('resolution.propose', { summary: 'A joint plan.', action1: 'Share the plan', owner1: 'Team manager', due1: '2026-12-01', reviewDate: '2026-12-02' }, raiser.personId);
    await click('resolution.confirm', {}, receiver.personId);
    expect((await state()).phase).toBe('resolved');
    clock.set('2026-12-02T12:00:00Z');
    const from = h.sent.length;
    for (const job of (await h.app.queue.jobsOf(ref)).filter((j) => j.state === 'scheduled' && j.runAt <= clock.now().toISOString())) await h.app.jobs.run(job);
    expect(cardsTo(raiser.personId, from).map(verbs)).toContainEqual(['review.record']);

    const told = h.sent.length;
    expect(said(await click('review.record', { done1: 'not-done', notes: 'The plan was not shared; chasing.' }, raiser.personId))).toBe('Checked: not every agreed action was done; Stage 3 is open again');
    expect((await state())).toMatchObject({ phase: 'stage-open', agreed: null });
    expect(textsTo(receiver.personId, told)).toEqual([expect.stringContaining('not every agreed action was done ("The plan was not shared; chasing."). Stage 3 is open again')]);
    expect(said(await click('review.record', { done1: 'done' }, raiser.personId))).toMatch(/Stage 3 is open/);
    expect(await count('actions-reviewed')).toBe(1);
  }, 60_000);
});
