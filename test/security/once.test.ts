/**
 * Once at the Teams door: the same activity delivered twice (a Teams retry), even at the same
 * moment, is acted on once: one event in the timeline, one relay to each person; a button press
 * delivered twice likewise. What only shows something is not claimed: a repeat is answered again,
 * and records nothing.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { onlyShows } from '../../src/app/case-flow.js';
import type { Store } from '../../src/app/store.js';
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

  it('answers a typed command or a button that only shows, delivered twice, both times: nothing is recorded and nothing claimed', async () => {
    const events = (await h.app.store.load(ref)).length;
    const from = h.sent.length;
    const typed = { type: 'message', id: 'retried-shows-1', text: 'my cases' };
    expect((await Promise.all([h.post(typed, PRIYA), h.post(typed, PRIYA)])).map((a) => a.status)).toEqual([200, 200]);
    expect(h.sent.slice(from).filter((s) => s.path.includes(`personal-${PRIYA}`) && (s.body.text ?? '').includes(ref))).toHaveLength(2);
    const press = { type: 'invoke', id: 'retried-shows-2', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'case.timeline', data: { caseRef: ref } } } };
    const cards = await Promise.all([h.post(press, PRIYA), h.post(press, PRIYA)]);
    for (const card of cards) {
      expect(card.status).toBe(200);
      expect(card.text).toContain(ref);
      expect(card.text).not.toContain('nothing was done twice');
    }
    expect((await h.app.store.load(ref)).length).toBe(events);
    for (const id of ['retried-shows-1', 'retried-shows-2']) expect(await h.app.store.getDocument('teams-activity', `personal-${PRIYA}/${id}`)).toBeNull();
    // The button that acts is still claimed.
    expect(await h.app.store.getDocument('teams-activity', `personal-${PRIYA}/retried-invoke-1`)).not.toBeNull();
  });

  it('writes nothing for the typed words that only show, so answering a repeat again is all a retry does', async () => {
    const person = h.app.directory.people.find((p) => p.identities.teams?.aadObjectId === PRIYA)!;
    const store = h.app.store;
    const writes: string[] = [];
    const spied = { append: store.append, putDocument: store.putDocument, deleteDocument: store.deleteDocument, saveSnapshot: store.saveSnapshot, anchorCase: store.anchorCase };
    for (const [name, f] of Object.entries(spied)) (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => (writes.push(`${name} ${String(args[0])}`), (f as (...a: unknown[]) => unknown).apply(store, args));
    const sentBefore = h.sent.length;
    try {
      for (const typed of ['help', 'hello', 'Hi', 'my cases', `status ${ref}`, `status ${ref} 2`, '']) {
        expect(onlyShows(typed)).toBe(true);
        await h.app.flow.command(person, typed);
      }
      expect(writes).toEqual([]);
      expect(h.sent.length).toBe(sentBefore);
      // The spy sees what a command that acts writes.
      await h.app.flow.command(person, `reply ${ref} Checking the spy.`);
      expect(writes).toContain(`append ${ref}`);
    } finally {
      Object.assign(store as Store, spied);
    }
    for (const typed of [`reply ${ref} hi`, 'escalate', 'raise a concern', `withdraw ${ref} x`, 'my case', 'hand over']) expect(onlyShows(typed)).toBe(false);
  });
});
