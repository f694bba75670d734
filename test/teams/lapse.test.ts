/**
 * A response that never comes: the deadline job marks Stage 1 overdue, the manager who raised it
 * gets the lapse card in Teams, and its Escalate asks for Stage 2, whose approver gets the
 * approval card; Stage 2 lapses in turn, and when Stage 3 opens the Board's channel (chosen
 * in Teams by someone with a Board role, or configured) gets the notice with the monitoring fields.
 * Time moves on a fake clock; the jobs run through the app's own scheduler code.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/app/clock.js';
import { cardText, PRIYA, SAM, teamsHarness, verbs, walkToSummary, type Card } from './support.js';


const GARETH = '00000000-0000-0000-0000-000000000003';
const HELEN = '00000000-0000-0000-0000-000000000004';
const NADIA = '00000000-0000-0000-0000-000000000042';

const CONFIGURED = '19:configured-board@thread.tacv2';

// The Board channel chosen in Teams by someone with a Board role, or set in the configuration.
describe.each(['chosen', 'configured'] as const)('a lapsed response in Teams (Board channel %s)', (how) => {
  const clock = new FakeClock(new Date('2026-11-23T10:00:00Z'));
  let h: Awaited<ReturnType<typeof teamsHarness>>;
  beforeAll(async () => {
    // On the fake clock the harness leaves the deadline jobs to the test, which runs them itself.
    h = await teamsHarness({ clock, env: (serviceUrl: string) => (how === 'configured' ? { BOARD_CHANNEL_ID: CONFIGURED, BOARD_SERVICE_URL: serviceUrl } : ({} as Record<string, string>)) });
  }, 60_000);
  afterAll(async () => h?.stop());

  it('sends the lapse card to the raiser, whose Escalate asks for the next stage, up to Stage 3 and the Board channel notice', async () => {
    for (const who of [PRIYA, GARETH]) await h.say('hello', who);
    await walkToSummary(h);
    const ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(cardText(await h.click('intake.submit', {}))[0]!)![1]!;
    await h.click('escalation.approve', { caseRef: ref, stage: 1 }, PRIYA);
    const opened = (await h.app.cases.load(ref))!;
    expect(opened.current).toMatchObject({ number: 1, responseDue: '2026-11-24T10:00:00.000Z' });

    // The response deadline passes with no response; the scheduler's job runs.
    const job = (await h.app.queue.jobsOf(ref)).find((j) => j.name === 'response-deadline' && j.state === 'scheduled')!;
    expect(job.runAt).toBe('2026-11-24T10:00:00.000Z');
    clock.set('2026-11-24T10:00:01Z');
    const before = h.sent.length;
    await h.app.jobs.run(job);
    expect((await h.app.cases.load(ref))!.current!.lapsed.response).toBe('2026-11-24T10:00:00.000Z');

    // Priya (who raised Stage 1) gets the lapse card.
    const toPriya = h.sent.slice(before).filter((s) => s.path.includes(`personal-${PRIYA}`));
    expect(toPriya).toHaveLength(1);
    const lapse = toPriya[0]!.body.attachments![0]!.content as Card;
    expect(verbs(lapse)).toEqual(['lapse.escalate', 'lapse.extend', 'lapse.chase']);
    expect(JSON.stringify(lapse)).toContain(`No response from ${opened.current!.receiver.name}, County Police by Tue, 24 Nov 2026, 10:00. Escalate to Stage 2`);
    // The job firing again sends nothing more.
    const after = h.sent.length;
    await h.app.jobs.run(job);
    expect(h.sent.length).toBe(after);

    // Sam did not raise Stage 1, so the lapse card is not his.
    expect(h.sent.slice(before).some((s) => s.path.includes(`personal-${SAM}`) && s.body.attachments)).toBe(false);

    // Chase again: the counterpart has never talked to the bot, and Priya is told so plainly.
    const chased = await h.click('lapse.chase', { caseRef: ref, stage: 1 }, PRIYA);
    expect(cardText(chased)[1]).toBe(`I cannot reach ${opened.current!.receiver.name} in Teams or Slack yet; please contact them directly.`);

    // Priya escalates; Gareth (service manager) is asked to approve Stage 2.
    const toGareth = h.sent.length;
    const escalated = await h.click('lapse.escalate', { caseRef: ref, stage: 1 }, PRIYA);
    expect(cardText(escalated)).toEqual([`Case ${ref}: Stage 2`, `I have asked Gareth Llewellyn (Children's Social Care) to approve raising Stage 2 with County Police; you will hear when they decide.`]);
    expect((await h.app.cases.load(ref))!.pendingEscalation).toMatchObject({ toStage: 2, reason: 'no-response' });
    const approval = h.sent.slice(toGareth).find((s) => s.path.includes(`personal-${GARETH}`))!.body.attachments![0]!.content as Card;
    expect(verbs(approval)).toEqual(['escalation.approve', 'escalation.return', 'escalation.resolve-within']);

    await h.click('escalation.approve', { caseRef: ref, stage: 2 }, GARETH);
    expect((await h.app.cases.load(ref))!.current).toMatchObject({ number: 2, raiser: { personId: 'csc-sm' } });

    // Chosen: installing the app in a team does not make it the Board's channel; Nadia (Board
    // business manager) says so in the channel she means.
    const BOARD_CHANNEL = how === 'chosen' ? '19:board@thread.tacv2' : CONFIGURED;
    if (how === 'chosen') {
      const inChannel = { conversation: { id: BOARD_CHANNEL, conversationType: 'channel', isGroup: true }, channelData: { team: { id: '19:team' } } };
      const installed = await h.send({ type: 'conversationUpdate', membersAdded: [{ id: '28:resolve-bot' }], ...inChannel });
      expect(installed.map((s) => s.body.text)).toEqual([expect.stringContaining('use this channel for Board notices')]);
      expect(await h.app.store.getDocument('teams-channel', 'board')).toBeNull();
      const chosen = await h.send({ type: 'message', text: '<at>Resolve</at> use this channel for Board notices', ...inChannel }, NADIA);
      expect(chosen.map((s) => [s.path.replace(/\/activities.*$/, ''), s.body.text])).toEqual([[`/v3/conversations/${BOARD_CHANNEL}`, expect.stringContaining('Nadia Kowalski chose this channel')]]);
    }
    // Stage 2 lapses too; Gareth escalates; Helen (Board member) approves Stage 3.
    for (const who of [HELEN, NADIA]) await h.say('hello', who);
    const stage2 = (await h.app.queue.jobsOf(ref)).find((j) => j.name === 'response-deadline' && j.state === 'scheduled' && j.data.stage === 2)!;
    clock.set(new Date(new Date(stage2.runAt).getTime() + 1000).toISOString());
    await h.app.jobs.run(stage2);
    expect(cardText(await h.click('lapse.escalate', { caseRef: ref, stage: 2 }, GARETH))[1]).toMatch(/^I have asked Helen Ashworth \(Children's Social Care\) to approve raising Stage 3/);
    const toBoard = h.sent.length;
    await h.click('escalation.approve', { caseRef: ref, stage: 3 }, HELEN);
    expect((await h.app.cases.load(ref))!.current!.number).toBe(3);

    // "In all cases the BSCB Business Manager must be informed that a Stage 3 escalation has been made."
    const posted = h.sent.slice(toBoard).filter((s) => s.path.includes(`/v3/conversations/${BOARD_CHANNEL}/`));
    expect(posted).toHaveLength(1);
    const notice = posted[0]!.body.attachments![0]!.content as Card;
    expect(verbs(notice)).toEqual(['case.timeline']);
    expect(JSON.stringify(notice)).toContain(ref);
    expect(JSON.stringify(notice)).toContain('"title":"Stage reached","value":"3"');
    expect(h.sent.slice(toBoard).filter((s) => s.path.includes(`personal-${NADIA}`)).map((s) => s.body.text)).toEqual([
      // Why, in the procedure's words.
      `${ref}: Stage 3 has opened between Children's Social Care and County Police; you are informed as Board business manager. A Stage 3 escalation has been made; the Business Manager can recommend a senior contact where an agency has no Board member.`,
    ]);
    // Nadia opens the timeline from the notice.
    const timeline = await h.click('case.timeline', { caseRef: ref }, NADIA);
    expect(cardText(timeline)[1]).toContain(`**${ref}**: Children's Social Care and County Police; Stage 3, open.`);
  }, 60_000);
});
