/**
 * Welsh beside English on the case itself, on Teams and Slack: each message is made in its
 * reader's language. Sam (the practitioner, Teams) and Bethan (the school's lead, Slack) read
 * Welsh; Priya (Sam's manager, Teams) and Margaret (the head teacher, Slack) read English. The
 * policy is a test-only one with Welsh (test/policies/welsh-policy.ts); words without Welsh are
 * shown in English to everyone; the Board's channel gets its notice in English (BOARD_LANGUAGE
 * unset).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { PRIYA, SAM, walkToSummary } from '../teams/support.js';
import { mergeStates, radioState, textState, type SlackApiCall } from '../slack/support-slack-api.js';
import { BETHAN, BOARD_CHANNEL, MARGARET, slackHarness } from '../slack/support.js';
import { W, welshSetup } from '../policies/welsh-policy.js';

const HELEN = '00000000-0000-0000-0000-000000000004';
const NADIA = '00000000-0000-0000-0000-000000000042';

// One app on an embedded database, driven over HTTP on both doors: slow on a busy machine.
jest.setTimeout(60_000);

describe('a case between Welsh and English readers, on Teams and Slack', () => {
  let h: Awaited<ReturnType<typeof slackHarness>>;
  let ref = '';
  /** Everything the bot sent to a person's Teams chat, as text (cards as their JSON). */
  const onTeams = (aad: string) => h.teams.sent.filter((s) => s.path.includes(`personal-${aad}`)).map((s) => JSON.stringify(s.body)).join('\n');
  /** Everything the bot sent to a person's Slack DM. */
  const onSlack = (user: string) => h.messagesTo(user).map((m) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`).join('\n');
  const teamsSays = async (text: string, aad: string) => (await h.teams.say(text, aad)).map((b) => b.text ?? '').join('\n');
  const slackSays = async (user: string, text: string) => {
    const before = h.messagesTo(user).length;
    await h.dm(user, text, undefined, h.has('chat.postMessage'));
    return h.messagesTo(user).slice(before).map((m) => m.text).join('\n');
  };

  beforeAll(async () => {
    h = await slackHarness({ env: welshSetup(['csc-sw', 'school-dsl', 'board-bm']) });
    // The CSC managers and the Board's business manager have opened Resolve in Teams.
    for (const aad of [PRIYA, HELEN, NADIA]) await h.teams.say('hi', aad);
  });
  afterAll(async () => h?.stop());

  it('the approval card is in English for Priya; the response card is in Welsh for Bethan, with the adviser and no-fixed-time words', async () => {
    await walkToSummary(h.teams, SAM, { 'other-agency': 'school' });
    const opened = await h.teams.click('intake.submit', {}, SAM);
    ref = /RES-\d{4}-\d{4}/.exec(JSON.stringify(opened))![0];
    const approval = onTeams(PRIYA);
    expect(approval).toContain(W.stage1.en);
    expect(approval).toContain(W.note.en);
    expect(approval).not.toContain(W.stage1.cy);

    const decided = JSON.stringify(await h.teams.click('escalation.approve', { caseRef: ref }, PRIYA));
    expect(decided).toContain(W.stage1.en);
    await h.api.waitFor(() => h.messagesTo(BETHAN).some((m) => JSON.stringify(m.blocks ?? []).includes('stage.acknowledge')));
    const response = JSON.stringify(h.messageWith(BETHAN, 'stage.acknowledge').blocks);
    expect(response).toContain(W.stage1.cy);
    expect(response).toContain(W.note.cy);
    expect(response).toContain(W.adviser.cy);
    expect(response).not.toContain(W.stage1.en);
    expect(response).not.toContain(W.adviser.en);
    // The app's own words stay English for everyone.
    expect(response).toContain('Acknowledge');
  });

  it('the stage’s step card reaches each side in their language: Priya in Teams in English, Bethan in Slack in Welsh', async () => {
    await h.api.waitFor(() => h.messagesTo(BETHAN).some((m) => JSON.stringify(m.blocks ?? []).includes('outcome.record')));
    expect(JSON.stringify(h.messageWith(BETHAN, 'outcome.record').blocks)).toContain(W.step.cy);
    const priya = h.teams.sent.filter((s) => s.path.includes(`personal-${PRIYA}`) && JSON.stringify(s.body).includes('outcome.record'));
    expect(priya).toHaveLength(1);
    expect(JSON.stringify(priya[0]!.body)).toContain(W.step.en);
    expect(JSON.stringify(priya[0]!.body)).not.toContain(W.step.cy);
  });

  it('Bethan records the step in Welsh; each of the others is told it in their own language', async () => {
    const answered = (since: SlackApiCall[]) => since.some((c) => c.method === 'chat.update');
    await h.click(BETHAN, 'outcome.record', h.messageWith(BETHAN, 'outcome.record'), ref, h.has('views.open'));
    const form = h.api.callsOf('views.open').at(-1)!.view as { callback_id: string; private_metadata: string };
    expect(JSON.stringify(form)).toContain(W.step.cy);
    const before = h.teams.sent.length;
    await h.submit(BETHAN, form.callback_id, form.private_metadata, mergeStates(radioState('outcome', 'outcome', 'reflective-consultation'), textState('note', 'note', 'A consultation is booked.')), answered);
    expect(String(h.api.callsOf('chat.update').at(-1)!.text)).toContain(`Recorded: ${W.step.cy}`);
    await h.api.waitFor(() => h.teams.sent.slice(before).filter((s) => s.body.text?.includes('A consultation is booked.')).length >= 2);
    const told = (aad: string) => h.teams.sent.slice(before).filter((s) => s.path.includes(`personal-${aad}`)).map((s) => s.body.text ?? '').join('\n');
    expect(told(PRIYA)).toContain(`recorded "${W.step.en}"`);
    expect(told(SAM)).toContain(`recorded "${W.step.cy}"`);
  });

  it('`status` is in each reader’s language; a word without Welsh is in English for all', async () => {
    const sam = await teamsSays(`status ${ref}`, SAM);
    const priya = await teamsSays(`status ${ref}`, PRIYA);
    const bethan = await slackSays(BETHAN, `status ${ref}`);
    for (const welsh of [sam, bethan]) {
      expect(welsh).toContain(W.step.cy);
      expect(welsh).toContain(W.condition.cy.charAt(0).toLowerCase() + W.condition.cy.slice(1));
      expect(welsh).toContain(W.adviser.cy);
      // The route's label has no Welsh: English.
      expect(welsh).toContain(W.route.en);
      expect(welsh).not.toContain(W.step.en);
    }
    expect(priya).toContain(W.step.en);
    expect(priya).toContain(W.adviser.en);
    expect(priya).toContain('the child remains at risk of significant harm');
    expect(priya).not.toContain(W.step.cy);
  });

  it('at Stage 3 (the route on a condition) the Board channel’s notice is in English; the informed Board manager reads why in Welsh', async () => {
    // Bethan disagrees in Slack, from the response card's modal.
    const card = h.messageWith(BETHAN, 'stage.respond');
    await h.click(BETHAN, 'stage.respond', card, ref, h.has('views.open'));
    const modal = h.api.callsOf('views.open').at(-1)!.view as { private_metadata: string };
    await h.submit(BETHAN, 'stage.respond', modal.private_metadata, { ...radioState('position', 'position', 'disagree'), ...textState('rationale', 'rationale', 'The threshold is not met.') }, h.has('chat.update'));
    // Her answer replaces the card, in her language.
    expect(JSON.stringify(h.api.callsOf('chat.update').at(-1))).toContain(W.stage1.cy);
    expect(await teamsSays(`escalate ${ref} stage 3 holds`, PRIYA)).toContain('Helen Ashworth');
    await h.teams.click('escalation.approve', { caseRef: ref }, HELEN);
    const toBoard = () => h.api.callsOf('chat.postMessage').filter((p) => p.channel === BOARD_CHANNEL && p.blocks);
    await h.api.waitFor(() => toBoard().length > 0);
    const notice = JSON.stringify(toBoard()[0]!.blocks);
    expect(notice).toContain(W.thresholds.en);
    expect(notice).not.toContain(W.thresholds.cy);
    expect(notice).toContain(W.stage3.en);
    expect(onTeams(NADIA)).toContain(W.inform.cy);
    expect(onTeams(NADIA)).not.toContain(W.inform.en);
    // Margaret reads English; Stage 3's name has no Welsh, so it is the same for all.
    await h.api.waitFor(() => h.messagesTo(MARGARET).some((m) => JSON.stringify(m.blocks ?? []).includes('stage.respond')));
    expect(onSlack(MARGARET)).toContain(W.stage3.en);
    expect(onSlack(MARGARET)).toContain(W.adviser.en);
    expect(onSlack(MARGARET)).not.toContain(W.adviser.cy);
  });
});
