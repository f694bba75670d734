/** The Teams door's commands and prompts, over the Activity protocol (see support.ts). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CaseFlow } from '../../src/app/case-flow.js';
import { routeMessages } from '../../src/app/messenger.js';
import { teamsAdapter } from '../../src/teams/teams-bot.js';
import { teamsChannel } from '../../src/teams/teams-channel.js';
import { message } from '../store/store-contract.js';
import { cardText, PRIYA, SAM, teamsHarness, walkToSummary } from './support.js';

let h: Awaited<ReturnType<typeof teamsHarness>>;
beforeAll(async () => {
  h = await teamsHarness();
}, 60_000);
afterAll(async () => h?.stop());

const texts = async (text: string, aad?: string) => (await h.say(text, aad)).map((b) => b.text ?? '');

describe('the Teams bot', () => {
  it('answers help in the chat the message came from', async () => {
    const replies = await texts('help');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('`my cases`');
    expect(replies[0]).toContain("never put a child's name in this chat");
    expect(h.sent.at(-1)!.path).toContain(`/v3/conversations/personal-${SAM}/activities`);
  });

  it('tells someone outside the directory so, and shows them nothing', async () => {
    expect(await texts('my cases', '99999999-0000-0000-0000-000000000000')).toEqual([expect.stringContaining("I can't find you in this partnership's directory")]);
  });

  it('lists my cases and shows a timeline only to the people taking part', async () => {
    const summary = {
      ref: 'RES-T1', version: 1, policyId: 'bscb', phase: 'stage-open' as const, stage: 1, urgent: false, escalatingAgencyId: 'csc', receivingAgencyId: 'police',
      participantIds: ['csc-sw'], nextDue: '2026-11-25T10:00:00.000Z', overdueSince: null, outcome: null, openedAt: '2026-11-23T10:00:00.000Z', updatedAt: '2026-11-23T10:00:00.000Z',
    };
    expect((await h.app.store.append('RES-T1', 0, [message(1)], { summary })).ok).toBe(true);
    expect(await texts('my cases')).toEqual([expect.stringContaining('- **RES-T1**: Stage 1, open, due Wed, 25 Nov 2026, 10:00')]);
    const timeline = (await texts('status res-t1'))[0]!;
    expect(timeline).toContain("**RES-T1**: Children's Social Care and County Police; Stage 1, open.");
    expect(timeline).toContain('- Mon, 23 Nov 2026, 10:00: message posted at Stage 1, by P One (Health)');
    // Priya (CSC team manager) is in the directory but not in this case.
    expect(await texts('status RES-T1', '00000000-0000-0000-0000-000000000002')).toEqual(['There is no case RES-T1 that you are part of.']);
  });

  it("answers each button with its own step's card (one route for all buttons finds the button's own)", async () => {
    // Buttons registered first (intake), in between (the steps) and last (card.refresh): each
    // click must reach its own handler.
    await walkToSummary(h);
    const ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(cardText(await h.click('intake.submit', {}))[0]!)?.[1];
    expect(ref).toBeDefined();
    const timeline = cardText(await h.click('case.timeline', { caseRef: ref! })).join('\n');
    expect(timeline).toContain(ref!);
    expect(timeline).toContain('case opened');
    expect(cardText(await h.click('case.timeline', { caseRef: ref! }, PRIYA)).join('\n')).toContain(`There is no case ${ref} that you are part of`);
    expect(cardText(await h.click('card.refresh', { caseRef: ref!, card: 'status' })).join('\n')).toContain(ref!);
  });

  it("refuses, as a plain 400 that does nothing, an activity the Agents SDK's own schema would throw on", async () => {
    const before = h.sent.length;
    for (const odd of [{ locale: 7 }, { attachments: 'none' }, { entities: 5 }]) {
      const r = await h.post({ type: 'message', text: 'help', ...odd }, SAM);
      expect([r.status, r.text]).toEqual([400, expect.stringContaining('This is not an activity Resolve accepts; nothing was done.')]);
    }
    expect(h.sent.length).toBe(before);
    expect((await h.post({ type: 'message', text: 'help', locale: 'en-GB' }, SAM)).status).toBe(200);
  });

  it('reads no body longer than 512 KiB: the request is cut off unread, nothing is done, and the bot answers the next', async () => {
    const before = h.sent.length;
    const huge = JSON.stringify({ type: 'message', text: `help ${'x'.repeat(600 * 1024)}`, from: { id: `29:${SAM}`, aadObjectId: SAM } });
    const cut = await fetch(`http://127.0.0.1:${h.app.port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: huge }).then((r) => r.status, () => 'cut off');
    expect([400, 'cut off']).toContain(cut);
    expect(h.log.lines.filter((l) => l.msg === 'refused a Teams request').at(-1)).toMatchObject({ reason: 'not a JSON activity' });
    expect(h.sent.length).toBe(before);
    expect(await texts('help')).toHaveLength(1);
  });

  it('says what it does not understand, with the help', async () => {
    expect((await texts('frobnicate'))[0]).toMatch(/^I don't know "frobnicate"\. I run /);
  });

  it('delivers a prompt to someone who has talked to it, and says when it cannot reach someone', async () => {
    const before = h.sent.length;
    const prompt = { key: 'k1', kind: 'stage-reminder' as const, caseRef: 'RES-T1', text: 'RES-T1: a response is due tomorrow.' };
    // A second bot on the same store, as after a restart: the reference comes from the store.
    const { store, cases, directory, intake, escalations } = h.app;
    const log = h.log.log;
    const messenger = routeMessages({ channels: [teamsChannel({ adapter: teamsAdapter({}, log).adapter, store, clientId: undefined, log })], directory, store, log });
    const flow = new CaseFlow({ store, cases, directory, intake, escalations, clock: { now: () => new Date() }, messenger });
    expect(await flow.send({ ...prompt, to: { personId: 'csc-sw', name: 'Sam Whitlock' } })).toBe(true);
    // (The SDK gives a continuation an id of its own, so the path may end with it.)
    expect(h.sent.slice(before).map((s) => [s.path.replace(/\/activities\/.+$/, '/activities'), s.body.text])).toEqual([[`/v3/conversations/personal-${SAM}/activities`, 'RES-T1: a response is due tomorrow.']]);
    expect(await flow.send({ ...prompt, key: 'k2', to: { personId: 'police-tm', name: 'Someone' } })).toBe(false);
    const unreached = h.log.lines.filter((l) => l.msg === 'cannot reach this person: they have no chat with Resolve on any channel yet');
    // DS Brierley is away, so his deputy is offered the case too (and cannot be reached either).
    expect(unreached.map((l) => l.to)).toEqual(['police-tm', 'police-tm-deputy']);
  });
});
