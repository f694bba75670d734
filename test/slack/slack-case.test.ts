/**
 * A whole BSCB case on Slack, between a school and a health trust: the teacher walks the intake in
 * modals, the school's safeguarding lead approves Stage 1 from a DM message, the health team
 * manager acknowledges and agrees, the lead records the outcome and the manager confirms it. Each
 * decision replaces its message (chat.update); replies in a case's DM thread reach the others.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { eventCallback, radioState, textState } from './support-slack-api.js';
import { AISHA, BETHAN, OWEN, slackHarness } from './support.js';
import { walkToSummary } from './walk.js';

// Each test starts the app on an embedded database and drives it over HTTP: slow on a busy machine.
jest.setTimeout(60_000);

describe('a BSCB case on Slack', () => {
  let h: Awaited<ReturnType<typeof slackHarness>>;
  let ref = '';
  beforeAll(async () => {
    h = await slackHarness();
  });
  afterAll(async () => h?.stop());

  it('walks the intake in modals and asks the school lead to approve Stage 1', async () => {
    const summary = await walkToSummary(h, OWEN, 'health');
    expect(summary.callback_id).toBe('intake.submit');
    await h.submit(OWEN, 'intake.submit', '', {}, h.has('views.update'));
    const opened = h.api.callsOf('views.update').at(-1)!.view as { blocks: { text?: { text: string } }[] };
    ref = /RES-\d{4}-\d{4}/.exec(JSON.stringify(opened))![0];
    await h.api.waitFor(() => h.messagesTo(BETHAN).some((m) => m.text.includes(ref)) && h.messagesTo(OWEN).some((m) => m.text.includes('I have asked')));
    const approval = h.messageWith(BETHAN, 'escalation.approve');
    expect(approval.thread_ts).toBeDefined();
    expect(h.messagesTo(OWEN).map((m) => m.text).join('\n')).toContain(`I have asked Bethan Lloyd (Oakfield Primary School) to approve raising Stage 1`);
  });

  it('Approve replaces the approval message and sends the health manager the response card in her case thread', async () => {
    const approval = h.messageWith(BETHAN, 'escalation.approve');
    await h.click(BETHAN, 'escalation.approve', approval, ref, (since) => since.some((c) => c.method === 'chat.update') && h.messagesTo(AISHA).some((m) => m.text.includes(ref)));
    const update = h.api.callsOf('chat.update').at(-1)!;
    expect(update).toMatchObject({ channel: approval.channel, ts: approval.ts });
    expect(JSON.stringify(update.blocks)).toContain('Approved: Stage 1 raised with Aisha Rahman');
    expect(JSON.stringify(update.blocks)).not.toContain('escalation.approve');
    // A second click on the old message (or a replay of it) changes nothing and shows where the case now stands.
    const events = (await h.teams.app.store.load(ref)).length;
    await h.click(BETHAN, 'escalation.approve', approval, ref, (since) => since.some((c) => c.method === 'chat.postMessage'));
    expect(h.messagesTo(BETHAN).at(-1)!.text).toContain(`${ref}: Stage 1 is open with Aisha Rahman (Riverside Health Trust)`);
    expect(await h.teams.app.store.load(ref)).toHaveLength(events);
    // The thread's first message names the case; the card follows in the thread and in the DM.
    const [root, card] = h.messagesTo(AISHA);
    expect(root!.text).toContain(`*${ref}*: everything about this case comes in this thread`);
    expect(card).toMatchObject({ thread_ts: expect.any(String), reply_broadcast: 'true' });
    expect(JSON.stringify(card!.blocks)).toContain('stage.acknowledge');
  });

  it('Acknowledge and Respond (agree, in a modal) reach the school side, and the lead gets the resolution card', async () => {
    const card = h.messageWith(AISHA, 'stage.acknowledge');
    await h.click(AISHA, 'stage.acknowledge', card, ref, (since) => since.some((c) => c.method === 'chat.update'));
    expect(JSON.stringify(h.api.callsOf('chat.update').at(-1)!.blocks)).not.toContain('stage.acknowledge');
    expect(h.messagesTo(BETHAN).at(-1)!.text).toContain('Aisha Rahman (Riverside Health Trust) acknowledged Stage 1');
    // Respond… opens its modal; the submission is the response.
    await h.click(AISHA, 'stage.respond', card, ref, h.has('views.open'));
    const modal = h.api.callsOf('views.open').at(-1)!.view as { callback_id: string; private_metadata: string };
    expect(modal.callback_id).toBe('stage.respond');
    await h.submit(AISHA, 'stage.respond', modal.private_metadata, { ...radioState('position', 'position', 'agree'), ...textState('rationale', 'rationale', 'We will reassess this week.') }, (since) =>
      since.some((c) => c.method === 'chat.update') && h.messagesTo(BETHAN).some((m) => JSON.stringify(m.blocks ?? []).includes('resolution.propose')),
    );
    expect(JSON.stringify(h.api.callsOf('chat.update').at(-1)!.blocks)).toContain('Responded: agreed');
    expect(h.messagesTo(OWEN).map((m) => m.text).join('\n')).toContain('Aisha Rahman (Riverside Health Trust) agreed at Stage 1: "We will reassess this week."');
  });

  it('the lead records the outcome and the manager confirms it; everyone hears the case is resolved', async () => {
    const card = h.messageWith(BETHAN, 'resolution.propose');
    await h.click(BETHAN, 'resolution.propose', card, ref, h.has('views.open'));
    const modal = h.api.callsOf('views.open').at(-1)!.view as { private_metadata: string };
    await h.submit(BETHAN, 'resolution.propose', modal.private_metadata, { ...textState('summary', 'summary', 'Health will reassess and share the outcome.'), ...textState('action1', 'action1', 'Reassess'), ...textState('owner1', 'owner1', 'Aisha Rahman'), ...{ due1: { due1: { type: 'datepicker', selected_date: '2026-12-04' } } } }, () =>
      h.messagesTo(AISHA).some((m) => JSON.stringify(m.blocks ?? []).includes('resolution.confirm')),
    );
    const confirm = h.messageWith(AISHA, 'resolution.confirm');
    await h.click(AISHA, 'resolution.confirm', confirm, ref, () => [OWEN, BETHAN].every((u) => h.messagesTo(u).some((m) => m.text.includes('is resolved at Stage 1'))));
    expect((await h.teams.app.escalations.load(ref))!.phase).toBe('resolved');
    expect(h.messagesTo(BETHAN).at(-1)!.text).toContain(`${ref} is resolved at Stage 1. Agreed: "Health will reassess and share the outcome."`);
  });

  it('a reply in the case thread is recorded and relayed to the others; a Slack retry of it records nothing twice', async () => {
    const thread = h.messagesTo(OWEN).find((m) => m.text.includes('everything about this case'))!;
    const root = h.api.calls.find((c) => c.method === 'chat.postMessage' && c.params === (thread as unknown))!.response.ts as string;
    const before = (await h.teams.app.store.load(ref)).length;
    const toAisha = h.messagesTo(AISHA).length;
    await h.dm(OWEN, 'Thank you both.', root, () => h.messagesTo(AISHA).length > toAisha, 'EvReply1');
    // Slack sends the same event again, as it does when it thinks the first was missed.
    await h.send(eventCallback({ type: 'message', channel_type: 'im', channel: `D${OWEN}`, user: OWEN, text: 'Thank you both.', ts: '1.1', thread_ts: root }, { eventId: 'EvReply1' }), undefined, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    // Slack is answered at once; wait until the retry has been seen and set aside.
    await h.api.waitFor(() => h.teams.log.lines.some((l) => l.msg === 'slack event already handled'));
    const events = await h.teams.app.store.load(ref);
    expect(events.filter((e) => e.event.type === 'message-posted')).toHaveLength(1);
    expect(events).toHaveLength(before + 1);
    expect(h.messagesTo(AISHA).filter((m) => m.text.includes('Thank you both.'))).toHaveLength(1);
    expect(h.messagesTo(BETHAN).at(-1)!.text).toContain(`${ref}, Owen Pritchard (Oakfield Primary School): Thank you both.`);
    // The writer's answer stays in their thread.
    expect(h.messagesTo(OWEN).at(-1)).toMatchObject({ thread_ts: root, text: expect.stringContaining('Sent to the 2 other people taking part') });
  });

  it('App Home, /resolve-cases and /resolve-status show the case to those taking part only', async () => {
    await h.send(eventCallback({ type: 'app_home_opened', user: BETHAN, tab: 'home' }), h.has('views.publish'));
    const home = h.api.callsOf('views.publish').at(-1)!;
    expect(home.user_id).toBe(BETHAN);
    expect(JSON.stringify(home.view)).toContain(ref);
    await h.command(OWEN, '/resolve-cases', '', h.has('chat.postMessage'));
    expect(h.messagesTo(OWEN).at(-1)!.text).toContain(`*${ref}*: Stage 1`);
    await h.command(OWEN, '/resolve-status', ref, h.has('chat.postMessage'));
    expect(h.messagesTo(OWEN).at(-1)!.text).toContain('stage opened at Stage 1, by Bethan Lloyd');
    await h.command('U0DEMO021', '/resolve-status', ref, h.has('chat.postMessage'));
    expect(h.messagesTo('U0DEMO021').at(-1)!.text).toBe(`There is no case ${ref} that you are part of.`);
  });
});
