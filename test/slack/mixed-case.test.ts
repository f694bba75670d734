/**
 * One case across Teams and Slack: Children's Social Care (Teams) escalates to the school (Slack).
 * The Teams side walks, approves and escalates over the Activity protocol; the school answers in
 * Slack; the thread is relayed both ways; at Stage 3 the Board's Slack channel gets the notice,
 * whether it is set in the configuration or was chosen in Slack by someone with a Board role.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { PRIYA, SAM, walkToSummary as teamsWalk } from '../teams/support.js';
import { eventCallback, radioState, textState } from './support-slack-api.js';
import { BETHAN, BOARD_CHANNEL, directoryWithBoardOnSlack, NADIA, slackHarness } from './support.js';

const GARETH = '00000000-0000-0000-0000-000000000003';
const HELEN = '00000000-0000-0000-0000-000000000004';

// Each test starts the app on an embedded database and drives it over HTTP: slow on a busy machine.
jest.setTimeout(60_000);

describe.each(['configured', 'chosen'] as const)('a case with one side on Teams and the other on Slack (Board channel %s)', (how) => {
  let h: Awaited<ReturnType<typeof slackHarness>>;
  let ref = '';
  const teamsTexts = (conversationOf: string) => h.teams.sent.filter((s) => s.path.includes(`personal-${conversationOf}`)).map((s) => s.body.text ?? JSON.stringify(s.body.attachments ?? []));
  /** The Slack user id of whoever receives the open stage. */
  const receiverOnSlack = async () => {
    const state = (await h.teams.app.escalations.load(ref))!;
    const person = h.teams.app.directory.people.find((p) => p.id === state.current!.receiver.personId)!;
    return person.identities.slack!.userId;
  };
  /** The receiving side disagrees at the open stage, from the Slack response card's modal. */
  const disagreeOnSlack = async (why: string) => {
    const user = await receiverOnSlack();
    await h.api.waitFor(() => h.messagesTo(user).some((m) => JSON.stringify(m.blocks ?? []).includes('stage.respond')));
    const card = h.messageWith(user, 'stage.respond');
    await h.click(user, 'stage.respond', card, ref, h.has('views.open'));
    const modal = h.api.callsOf('views.open').at(-1)!.view as { private_metadata: string };
    await h.submit(user, 'stage.respond', modal.private_metadata, { ...radioState('position', 'position', 'disagree'), ...textState('rationale', 'rationale', why) }, h.has('chat.update'));
  };

  beforeAll(async () => {
    h = await slackHarness(how === 'chosen' ? { env: { SLACK_BOARD_CHANNEL: '', DIRECTORY_FILE: directoryWithBoardOnSlack() } } : {});
    if (how === 'chosen') {
      await h.send(eventCallback({ type: 'app_mention', user: NADIA, channel: BOARD_CHANNEL, text: '<@UBOT> use this channel for Board notices', ts: '1.5' }), h.has('chat.postMessage'));
      expect(await h.teams.app.store.getDocument('slack-channel', 'board')).toMatchObject({ value: { channel: BOARD_CHANNEL, setBy: 'board-bm' } });
    }
    // The CSC managers have opened Resolve in Teams, so it can reach them there.
    for (const aad of [PRIYA, GARETH, HELEN]) await h.teams.say('hi', aad);
  });
  afterAll(async () => h?.stop());

  it('the practitioner walks in Teams; the manager approves in Teams; the school lead gets the response card in Slack', async () => {
    const summary = await teamsWalk(h.teams, SAM, { 'other-agency': 'school' });
    const opened = await h.teams.click('intake.submit', {}, SAM);
    ref = /RES-\d{4}-\d{4}/.exec(JSON.stringify(opened))![0];
    expect(JSON.stringify(summary)).toContain('Oakfield Primary School');
    await h.teams.click('escalation.approve', { caseRef: ref }, PRIYA);
    await h.api.waitFor(() => h.messagesTo(BETHAN).some((m) => JSON.stringify(m.blocks ?? []).includes('stage.acknowledge')));
    expect(JSON.stringify(h.messageWith(BETHAN, 'stage.acknowledge').blocks)).toContain("Children's Social Care");
  });

  it('relays the case thread both ways: Slack thread reply to Teams, Teams reply to the Slack thread', async () => {
    const root = h.api.calls.find((c) => c.method === 'chat.postMessage' && c.params.channel === `D${BETHAN}` && String(c.params.text).includes('everything about this case'))!.response.ts as string;
    await h.dm(BETHAN, 'Can we speak this afternoon?', root, () => teamsTexts(PRIYA).some((t) => t.includes('Can we speak this afternoon?')));
    expect(teamsTexts(SAM).at(-1)).toBe(`${ref}, Bethan Lloyd (Oakfield Primary School): Can we speak this afternoon?`);
    const before = h.messagesTo(BETHAN).length;
    const said = await h.teams.say(`reply ${ref} Yes, 3pm works.`, PRIYA);
    expect(said.at(-1)!.text).toBe(`Sent to the 2 other people taking part in ${ref}.`);
    await h.api.waitFor(() => h.messagesTo(BETHAN).length > before);
    expect(h.messagesTo(BETHAN).at(-1)).toMatchObject({ text: `${ref}, Priya Natarajan (Children's Social Care): Yes, 3pm works.`, thread_ts: root });
    const posted = (await h.teams.app.store.load(ref)).filter((e) => e.event.type === 'message-posted').map((e) => e.event.actor.kind === 'person' && e.event.actor.name);
    expect(posted).toEqual(['Bethan Lloyd', 'Priya Natarajan']);
  });

  it('the school disagrees in Slack; the Teams side hears it and takes the case to Stage 3, where the Board channel in Slack gets the notice', async () => {
    await disagreeOnSlack('The threshold is not met.');
    expect(teamsTexts(PRIYA).at(-2)).toBe(`${ref}: Bethan Lloyd (Oakfield Primary School) disagreed at Stage 1: "The threshold is not met."`);
    // Then the card with the ways on: Escalate to Stage 2 (no more time or chase after a disagreement).
    expect(teamsTexts(PRIYA).at(-1)).toContain('"verb":"lapse.escalate"');
    expect(teamsTexts(PRIYA).at(-1)).not.toContain('lapse.chase');
    // Stage 2: asked for in Teams, approved by the service manager in Teams, answered in Slack.
    const asked = await h.teams.say(`escalate ${ref}`, PRIYA);
    expect(asked.at(-1)?.text).toContain('Gareth Llewellyn');
    await h.teams.click('escalation.approve', { caseRef: ref }, GARETH);
    await disagreeOnSlack('We stand by the decision.');
    // Stage 3: the Board must be informed (BSCB), so its Slack channel gets the notice.
    await h.teams.say(`escalate ${ref}`, GARETH);
    await h.teams.click('escalation.approve', { caseRef: ref }, HELEN);
    const toBoard = () => h.api.callsOf('chat.postMessage').filter((p) => p.channel === BOARD_CHANNEL && p.blocks);
    await h.api.waitFor(() => toBoard().length > 0);
    const notice = toBoard()[0]!;
    expect(JSON.stringify(notice.blocks)).toContain(ref);
    expect(JSON.stringify(notice.blocks)).toContain('case.timeline');
    const state = (await h.teams.app.escalations.load(ref))!;
    expect(state.current!.number).toBe(3);
    expect(state.current!.receiver.name).toBe('Margaret Ellery');
    expect(h.messagesTo('U0DEMO033').some((m) => JSON.stringify(m.blocks ?? []).includes('stage.respond'))).toBe(true);
  });
});
