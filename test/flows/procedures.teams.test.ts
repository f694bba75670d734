/**
 * Each built-in procedure driven whole over the Teams door, on a fake clock: the practitioner's
 * intake walk, every stage (approved by whoever the procedure says raises it, answered by its
 * receiver), a quicker response date set by the raiser where the procedure allows it, a request
 * for more time accepted at Stage 1 and one declined at Stage 2, the last stage's outcome (the
 * BSCB Chair's Resolution Panel and binding decision; Derby's child protection conference step on
 * the way; an agreed resolution elsewhere), the check back on the agreed actions at the review
 * date, closure, and the debrief. Each step is clicked on the card the person received.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/app/clock.js';
import { cardText, teamsHarness, verbs } from '../teams/support.js';
import { directoryFor, Drive, lastStageOf } from './support.js';

const SAM = 'csc-sw';
// A Monday after today's real date, so the app's own scheduler (on real time) fires nothing by itself.
const OPENED = '2027-01-11T10:00:00Z';
const REVIEW_DATE = '2027-02-15';

/**
 * Where the raiser is offered a quicker response date as the stage opens: only where the procedure
 * lets whoever opens a stage set its timescale ("Timescales should be discussed and set at all
 * stages" in BSCB; "within 7 working days or less" in Croydon).
 */
const QUICKER_AT: Record<string, number[]> = { bscb: [1, 2, 3], sefton: [], croydon: [1, 2, 3, 4, 5], worcestershire: [], derby: [] };

describe.each(Object.keys(QUICKER_AT))('the %s procedure, driven whole on Teams', (policyId) => {
  const clock = new FakeClock(new Date(OPENED));
  let d: Drive;
  let last: number;
  const quickerOffered: number[] = [];
  beforeAll(async () => {
    const h = await teamsHarness({ clock, env: () => ({ DIRECTORY_FILE: directoryFor(policyId) }) });
    d = new Drive(h, clock);
    await d.greetEveryone();
  }, 60_000);
  afterAll(async () => d?.h.stop());

  /** Opens stage n (asking for it first when n > 1) and notes whether its raiser got the quicker-date card. */
  const openStage = async (n: number) => {
    const from = d.mark();
    if (n === 1) await d.open(SAM);
    else await d.escalate();
    const cur = await d.approveUntilOpen(n);
    if (d.cardsTo(cur.raiser.personId, from).some((c) => verbs(c).includes('stage.quicker-due'))) quickerOffered.push(n);
    return { cur, from };
  };

  it('Stage 1: the raiser sets a quicker date where allowed; the receiver asks for more time and the raiser accepts', async () => {
    const { cur, from } = await openStage(1);
    last = lastStageOf(await d.state());
    const { raiser, receiver } = cur;

    if (QUICKER_AT[policyId]!.includes(1)) {
      // Brought forward to 16:00 today (London is on GMT in November).
      const quick = d.cardWith(raiser.personId, 'stage.quicker-due', from);
      expect(cardText(quick)).toEqual(expect.arrayContaining([`Case ${d.ref}, Stage 1: ${(await d.state()).policy.stages[0]!.name}`]));
      const told = d.mark();
      const answered = await d.click('stage.quicker-due', { stage: 1, due: '2027-01-11', dueTime: '16:00' }, raiser.personId);
      expect(cardText(answered)[1]).toMatch(/^Response now due by Mon, 11 Jan 2027, 16:00/);
      expect((await d.state()).current!.responseDue).toBe('2027-01-11T16:00:00.000Z');
      expect(d.textsTo(receiver.personId, told)).toEqual([`${d.ref}: ${raiser.name} has brought the response date at Stage 1 forward: your response is now due by Mon, 11 Jan 2027, 16:00.`]);
      expect(await d.events()).toContain('response-due-brought-forward');
    }

    // The receiver asks for more time, until Thursday.
    let told = d.mark();
    expect(cardText(await d.click('stage.respond', { position: 'more-time', rationale: 'Awaiting the strategy notes.', proposedDate: '2027-01-14' }, receiver.personId))[1]).toBe('Responded: asked for more time');
    const extension = d.cardWith(raiser.personId, 'extension.accept', told);
    expect(verbs(extension)).toEqual(['extension.accept', 'extension.decline']);
    expect(cardText(extension)).toEqual(expect.arrayContaining([`${receiver.name} (${receiver.agencyName}) asks for more time to respond`, 'Awaiting the strategy notes.']));

    // Only the raiser's side may accept: the receiver cannot grant themself more time.
    expect(cardText(await d.click('extension.accept', { stage: 1 }, receiver.personId))[1]).toBe('Only the escalating side can accept or decline a request for more time.');

    told = d.mark();
    const accepted = await d.click('extension.accept', { stage: 1 }, raiser.personId);
    expect(cardText(accepted)[1]).toBe('More time allowed: a response is due by Thu, 14 Jan 2027, 17:00');
    expect((await d.state()).current).toMatchObject({ responseDue: '2027-01-14T17:00:00.000Z', extensionProposed: null });
    expect(d.textsTo(receiver.personId, told)).toEqual([`${d.ref}: ${raiser.name} accepted your request for more time at Stage 1. Your response is now due by Thu, 14 Jan 2027, 17:00.`]);
    // The receiver gets the response card again: more time is not yet a response.
    expect(verbs(d.cardWith(receiver.personId, 'stage.respond', told))).toContain('stage.respond');
    const jobs = await d.h.app.queue.jobsOf(d.ref);
    expect(jobs.find((j) => j.name === 'response-deadline' && j.state === 'scheduled')?.runAt).toBe('2027-01-14T17:00:00.000Z');
    expect(await d.events()).toEqual(expect.arrayContaining(['response-given', 'extension-accepted']));

    await d.disagree();
  }, 60_000);

  it('Stage 2: the receiver asks for more time and the raiser declines, saying why; then every stage up to the last', async () => {
    const { cur } = await openStage(2);
    const { raiser, receiver } = cur;
    const dueBefore = cur.responseDue;
    let told = d.mark();
    await d.click('stage.respond', { position: 'more-time', rationale: 'Our lead is on leave.', proposedDate: '2027-01-22' }, receiver.personId);
    d.cardWith(raiser.personId, 'extension.decline', told);
    expect(cardText(await d.click('extension.decline', { stage: 2, comment: ' ' }, raiser.personId))[1]).toBe('Say why the response cannot wait.');
    told = d.mark();
    const declined = await d.click('extension.decline', { stage: 2, comment: 'The child is seen at school daily; we need an answer.' }, raiser.personId);
    expect(cardText(declined)[1]).toBe('More time declined');
    expect((await d.state()).current).toMatchObject({ responseDue: dueBefore, extensionProposed: null });
    expect(d.textsTo(receiver.personId, told)).toEqual([expect.stringContaining(`${d.ref}: ${raiser.name} declined your request for more time at Stage 2: "The child is seen at school daily; we need an answer.".`)]);
    expect(await d.events()).toContain('extension-declined');
    // Declined once, the card cannot be used again: a click shows where the case stands and records nothing.
    const recorded = (await d.events()).length;
    expect(verbs(await d.click('extension.accept', { stage: 2 }, raiser.personId))).toEqual([]);
    expect(await d.events()).toHaveLength(recorded);
    await d.disagree();

    for (let n = 3; n < last; n++) {
      const { cur: stage, from } = await openStage(n);
      if (policyId === 'derby' && n === 4) {
        // Derby Stage 4: the Child Protection Manager decides whether a Child Protection Conference is convened.
        const step = d.cardWith(stage.receiver.personId, 'outcome.record', from);
        expect(JSON.stringify(step)).toContain('Decide whether a Child Protection Conference should be convened');
        d.cardWith(stage.raiser.personId, 'outcome.record', from);
        const told = d.mark();
        const recorded = await d.click('outcome.record', { stage: 4, outcome: 'child-protection-conference-considered', note: 'Conference to be convened within 15 working days.' }, stage.receiver.personId);
        expect(cardText(recorded)[1]).toBe('Recorded: Decide whether a Child Protection Conference should be convened');
        expect(d.textsTo(SAM, told)).toEqual([expect.stringContaining('recorded "Decide whether a Child Protection Conference should be convened": "Conference to be convened within 15 working days."')]);
        expect((await d.state()).current!.outcomeSteps).toEqual(['child-protection-conference-considered']);
      }
      await d.disagree();
    }
    await openStage(last);
    expect(quickerOffered).toEqual(QUICKER_AT[policyId]!.filter((n) => n <= last));
    const events = await d.events();
    expect(events.filter((e) => e === 'stage-opened')).toHaveLength(last);
    if (policyId === 'derby') expect(events).toContain('outcome-step-recorded');
  }, 60_000);

  it(`the last stage ends with agreed actions and a review date (${policyId === 'bscb' ? "the Chair's Resolution Panel and binding decision" : 'an agreed resolution'})`, async () => {
    const cur = (await d.state()).current!;
    if (policyId === 'bscb') {
      // Stage 4: the Chair got the route card as the stage opened; acknowledges, then chooses a panel.
      expect(cur.receiver.personId).toBe('board-chair');
      const route = await d.h.click('card.refresh', { card: 'binding-route', caseRef: d.ref }, d.aadOf('board-chair'));
      expect(verbs(route)).toContain('binding.route');
      await d.click('stage.acknowledge', {}, 'board-chair');
      // The panel is three member agencies, including both in dispute.
      expect(cardText(await d.click('binding.route', { stage: 4, route: 'resolution-panel', panelAgencies: 'csc,police' }, 'board-chair'))[1]).toBe(
        "The panel must consist of representatives of 3 member agencies; 2 chosen.",
      );
      expect(cardText(await d.click('binding.route', { stage: 4, route: 'resolution-panel', panelAgencies: 'csc,health,school' }, 'board-chair'))[1]).toBe(
        "The panel must include the agencies in the dispute: Children's Social Care and County Police.",
      );
      // Nobody else can choose for the Chair.
      expect(cardText(await d.click('binding.route', { stage: 4, route: 'mediation' }, SAM))[1]).toMatch(/^Only Professor Alan Whitcombe can decide on mediation\.$/);
      expect(await d.events()).not.toContain('binding-route-chosen');

      let told = d.mark();
      const decisionCard = await d.click('binding.route', { stage: 4, route: 'resolution-panel', panelAgencies: 'csc,police,health' }, 'board-chair');
      expect(verbs(decisionCard)).toEqual(['binding.decide']);
      expect((await d.state()).current!.bindingRoute).toEqual({ route: 'resolution-panel', panelAgencies: [{ id: 'csc', name: "Children's Social Care" }, { id: 'police', name: 'County Police' }, { id: 'health', name: 'Riverside Health Trust' }] });
      expect(d.textsTo(SAM, told)).toEqual([expect.stringContaining("through a resolution panel of Children's Social Care, County Police, Riverside Health Trust")]);

      told = d.mark();
      const decided = await d.click(
        'binding.decide',
        { stage: 4, decision: 'A strategy discussion is held this week.', action1: 'Convene the strategy discussion', owner1: "Children's Social Care", due1: '2027-01-15', action2: 'Share the incident log', owner2: 'County Police', due2: '2027-01-13', reviewDate: REVIEW_DATE },
        'board-chair',
      );
      expect(cardText(decided).join('\n')).toContain('this decision is final and binding on the agencies concerned');
      // Everyone taking part is told the decision, with its actions and review date.
      for (const who of [SAM, cur.raiser.personId]) {
        const notice = d.cardsTo(who, told).map((c) => cardText(c).join('\n')).find((t) => t.includes("the Chair's decision"));
        expect(notice).toContain('A strategy discussion is held this week.');
        expect(notice).toContain(`The agreed actions will be checked on ${REVIEW_DATE}.`);
      }
      expect(await d.events()).toEqual(expect.arrayContaining(['binding-route-chosen', 'binding-decision-recorded']));
    } else {
      // The receiver agrees; the raiser records the outcome; the receiver confirms it.
      const stage = (await d.state()).policy.stages[cur.number - 1]!;
      if (stage.acknowledgement) await d.click('stage.acknowledge', {}, cur.receiver.personId);
      let told = d.mark();
      await d.click('stage.respond', { position: 'agree', rationale: '' }, cur.receiver.personId);
      d.cardWith(cur.raiser.personId, 'resolution.propose', told);
      told = d.mark();
      const proposed = await d.click(
        'resolution.propose',
        { summary: 'A joint visit this week.', action1: 'Joint home visit', owner1: "Children's Social Care", due1: '2027-01-15', reviewDate: REVIEW_DATE },
        cur.raiser.personId,
      );
      expect(cardText(proposed)[1]).toMatch(/^Proposed\. I have asked .+ to confirm it\.$/);
      d.cardWith(cur.receiver.personId, 'resolution.confirm', told);
      await d.click('resolution.confirm', {}, cur.receiver.personId);
      expect(await d.events()).toEqual(expect.arrayContaining(['resolution-proposed', 'resolution-confirmed']));
    }
    expect(await d.state()).toMatchObject({ phase: 'resolved', agreed: { reviewDate: REVIEW_DATE } });
  }, 60_000);

  it('checks back on the review date: every action done closes the case; then the debrief', async () => {
    const s = await d.state();
    const raiser = s.current!.raiser.personId;
    // Nothing is asked before the review date.
    let from = d.mark();
    await d.runDueJobs();
    expect([...d.cardsTo(SAM, from), ...d.cardsTo(raiser, from)].filter((c) => verbs(c).includes('review.record'))).toEqual([]);

    clock.set(`${REVIEW_DATE}T18:00:00Z`);
    from = d.mark();
    expect(await d.runDueJobs()).toContain('actions-review');
    const review = d.cardWith(SAM, 'review.record', from);
    d.cardWith(raiser, 'review.record', from);
    const actions = s.agreed!.actions;
    expect(cardText(review)).toEqual(expect.arrayContaining(actions.map((a, i) => `${i + 1}. ${a.description} (${a.owner}, by ${a.due})`)));

    // A missing answer changes nothing.
    expect(cardText(await d.click('review.record', { stage: s.current!.number }, SAM))[1]).toBe('Say whether agreed action 1 was done.');
    const done = Object.fromEntries(actions.map((_, i) => [`done${i + 1}`, 'done']));
    from = d.mark();
    const checked = await d.click('review.record', { stage: s.current!.number, ...done, notes: '' }, SAM);
    expect(cardText(checked)[1]).toBe('Checked: every agreed action was done; the case is closed');
    expect(await d.state()).toMatchObject({ phase: 'closed', actionsReviewed: true });
    expect(d.textsTo(raiser, from)).toEqual([`${d.ref}: Sam Whitlock checked back: every agreed action was done, so the case is closed.`]);
    // The raiser's copy of the check back is spent: it shows the case closed and records nothing.
    expect(cardText(await d.click('review.record', { stage: s.current!.number, ...done }, raiser))[1]).toBe(`${d.ref} is closed (${policyId === 'bscb' ? 'binding decision' : 'resolved'}).`);
    expect((await d.events()).filter((e) => e === 'actions-reviewed')).toHaveLength(1);

    // A few working days after closure, those who took part are asked for a debrief.
    clock.set('2027-03-01T18:00:00Z');
    from = d.mark();
    expect(await d.runDueJobs()).toContain('debrief-prompt');
    const debrief = d.cardWith(SAM, 'debrief.record', from);
    expect(verbs(debrief)).toEqual(['debrief.record']);
    // Both sides of the last stage are asked too (the Chair included, for BSCB).
    for (const who of [raiser, s.current!.receiver.personId]) d.cardWith(who, 'debrief.record', from);
    const recorded = await d.click('debrief.record', { wentWell: 'Quick answers at each stage.', learning: 'Share the log earlier.' }, SAM);
    expect(cardText(recorded)[0]).toBe(`Case ${d.ref}: debrief recorded`);
    const events = await d.events();
    expect(events.slice(-3)).toEqual(expect.arrayContaining(['case-closed', 'debrief-recorded']));
    expect(events.filter((e) => e === 'actions-reviewed')).toHaveLength(1);
  }, 60_000);
});
