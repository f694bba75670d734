/**
 * Once at the Teams door: the same activity delivered twice (a Teams retry), even at the same
 * moment, is acted on once: one event in the timeline, one relay to each person; a button press
 * delivered twice likewise.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { cardText, PRIYA, SAM, teamsHarness, walkToSummary } from '../teams/support.js';

jest.setTimeout(90_000);

let h: Awaited<ReturnType<typeof teamsHarness>>;
let ref: string;
beforeAll(async () => {
  h = await teamsHarness();
  await h.say('hello', PRIYA);
  await walkToSummary(h);
  ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(cardText(await h.click('intake.submit', {}))[0]!)![1]!;
});
afterAll(async () => h?.stop());

const messagesIn = async (text: string) => (await h.app.store.load(ref)).filter((e) => JSON.stringify(e.event).includes(text)).length;
const relayed = (text: string) => h.sent.filter((s) => s.path.includes(`personal-${PRIYA}`) && (s.body.text ?? '').includes(text)).length;

describe('the same Teams activity twice', () => {
  it('acts on a button press delivered twice once, and answers the repeat with a plain card', async () => {
    const press = { type: 'invoke', id: 'retried-invoke-1', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'escalation.approve', data: { caseRef: ref, stage: 1 } } } };
    const before = (await h.app.store.load(ref)).length;
    const answers = await Promise.all([h.post(press, PRIYA), h.post(press, PRIYA)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const texts = answers.map((a) => a.text);
    expect(texts.filter((t) => t.includes('nothing was done twice'))).toHaveLength(1);
    expect((await h.app.store.load(ref)).length).toBe(before + 1);
  });

  it('records and relays a message delivered twice at once only once', async () => {
    const activity = { type: 'message', id: 'retried-activity-1', text: `reply ${ref} Strategy meeting on Friday.` };
    const answers = await Promise.all([h.post(activity, SAM), h.post(activity, SAM)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    // Wait for the relay of a later, distinct message: by then a second relay would be out too.
    await h.say(`reply ${ref} A later message.`);
    expect(relayed('A later message.')).toBe(1);
    expect(relayed('Strategy meeting on Friday.')).toBe(1);
    expect(await messagesIn('Strategy meeting on Friday.')).toBe(1);
    // Delivered again later: still once.
    expect((await h.post(activity, SAM)).status).toBe(200);
    expect(await messagesIn('Strategy meeting on Friday.')).toBe(1);
    expect(h.log.lines.filter((l) => l.msg === 'teams activity already handled' && l.type === 'message')).toHaveLength(2);
  });
});
