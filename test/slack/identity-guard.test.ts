/**
 * The identity guard in Slack, over signed requests: a child's identity typed into a modal (the
 * Return comment) or a reply in the case's DM thread is refused in the person's DM with what was
 * found; nothing is recorded, no message is replaced, and nobody else hears of it.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { textState } from './support-slack-api.js';
import { AISHA, BETHAN, OWEN, slackHarness } from './support.js';
import { walkToSummary } from './walk.js';

// The app starts on an embedded database and is driven over HTTP: slow on a busy machine.
jest.setTimeout(180_000);

const IDENTIFYING = 'SMITH, Jayden (aged 7), DOB 12/03/2015, CHI 1203151234, lives at BS5 6XY';

describe('a child’s identity typed in Slack', () => {
  let h: Awaited<ReturnType<typeof slackHarness>>;
  let ref = '';
  beforeAll(async () => {
    h = await slackHarness();
    await walkToSummary(h, OWEN, 'health');
    await h.submit(OWEN, 'intake.submit', '', {}, h.has('views.update'));
    ref = /RES-\d{4}-\d{4}/.exec(JSON.stringify(h.api.callsOf('views.update').at(-1)!.view))![0];
    await h.api.waitFor(() => h.messagesTo(BETHAN).some((m) => m.text.includes(ref)) && h.messagesTo(OWEN).some((m) => m.text.includes('I have asked')));
  });
  afterAll(async () => h?.stop());

  it('is refused in a modal’s comment (Return): the message stays, the case stays, Owen hears nothing', async () => {
    const approval = h.messageWith(BETHAN, 'escalation.approve');
    await h.click(BETHAN, 'escalation.return', approval, ref, h.has('views.open'));
    const modal = h.api.callsOf('views.open').at(-1)!.view as { private_metadata: string };
    const events = (await h.teams.app.store.load(ref)).length;
    const toOwen = h.messagesTo(OWEN).length;
    const updates = h.api.callsOf('chat.update').length;
    await h.submit(BETHAN, 'escalation.return', modal.private_metadata, textState('comment', 'comment', IDENTIFYING), () => h.messagesTo(BETHAN).some((m) => m.text.includes('identifies a child')));
    const refusal = h.messagesTo(BETHAN).find((m) => m.text.includes('identifies a child'))!;
    expect(JSON.stringify(refusal)).toContain('a name (\\"SMITH, Jayden\\")');
    expect(JSON.stringify(refusal)).toContain('a date of birth (\\"12/03/2015\\")');
    expect(JSON.stringify(refusal)).toContain('a CHI number (\\"1203151234\\")');
    expect(JSON.stringify(refusal)).toContain('a postcode (\\"BS5 6XY\\")');
    expect(await h.teams.app.store.load(ref)).toHaveLength(events);
    expect((await h.teams.app.cases.load(ref))!.phase).toBe('awaiting-approval');
    expect(h.api.callsOf('chat.update')).toHaveLength(updates);
    expect(h.messagesTo(OWEN)).toHaveLength(toOwen);
  });

  it('is refused in a reply in the case thread: nothing recorded, nothing relayed', async () => {
    // Bethan approves instead; the stage opens with the health trust, and Owen hears in his case thread.
    const approval = h.messageWith(BETHAN, 'escalation.approve');
    await h.click(BETHAN, 'escalation.approve', approval, ref, () => h.messagesTo(OWEN).some((m) => m.text.includes('approved Stage 1')));
    const thread = h.messagesTo(OWEN).find((m) => m.text.includes('everything about this case'))!;
    const root = h.api.calls.find((c) => c.method === 'chat.postMessage' && c.params === (thread as unknown))!.response.ts as string;

    const events = (await h.teams.app.store.load(ref)).length;
    const calls = h.api.calls.length;
    const toOthers = () => [...h.messagesTo(AISHA), ...h.messagesTo(BETHAN)].length;
    const others = toOthers();
    const toOwen = h.messagesTo(OWEN).length;
    await h.dm(OWEN, `Update on ${IDENTIFYING}`, root, () => h.messagesTo(OWEN).length > toOwen, 'EvIdentifying1');
    expect(h.messagesTo(OWEN).at(-1)).toMatchObject({ thread_ts: root, text: expect.stringMatching(/^This looks like it identifies a child: a name \("SMITH, Jayden"\), an age beside a name \("aged 7"\)/) });
    expect(await h.teams.app.store.load(ref)).toHaveLength(events);
    expect(toOthers()).toBe(others);

    // The same thread, without the identity: recorded and relayed.
    await h.dm(OWEN, 'Update: school attendance is now 61%.', root, () => h.messagesTo(AISHA).some((m) => m.text.includes('attendance is now 61%')), 'EvClean1');
    expect(await h.teams.app.store.load(ref)).toHaveLength(events + 1);
    expect(JSON.stringify(h.api.calls.slice(calls).filter((c) => c.method === 'chat.postMessage' && (c.params as { channel?: string }).channel !== `D${OWEN}`))).not.toContain('Jayden');
  });

  it('never reaches the log', () => {
    expect(JSON.stringify(h.teams.log.lines)).not.toMatch(/Jayden|1203151234|BS5 6XY/i);
  });
});
