/**
 * The ends of the procedures on Slack, with signed requests as Slack sends them and a fake clock:
 * each later step's message reaches the person it is for at its moment; its button opens the form
 * built from the card as it now stands (or acts at once); a stranger hears only that there is no
 * such case of theirs; bad input changes nothing and says why; a second submission records nothing
 * more. Everyone in the demo directory is on Slack here, so every message goes there. The way up
 * to Stage 4 is taken through the app (the earlier steps have their own Slack tests).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { FakeClock } from '../../src/app/clock.js';
import { dateState, mergeStates, radioState, textState, type SlackApiCall, type StateValues } from './support-slack-api.js';
import { slackHarness } from './support.js';
import { walkToSummary } from './walk.js';

jest.setTimeout(60_000);

/** The demo directory with everyone on Slack (those only on Teams get a Slack id too), running `policyId`. */
function everyoneOnSlack(policyId = 'bscb'): string {
  const directory = parse(readFileSync('demo/directory.yaml', 'utf8')) as { partnership: { policyId: string }; people: { id: string; identities?: Record<string, unknown> }[] };
  directory.partnership.policyId = policyId;
  directory.people.forEach((p, i) => {
    if (!p.identities?.slack) p.identities = { ...p.identities, slack: { teamId: 'T0DEMO', userId: `U0LATER${i}` } };
  });
  const file = join(mkdtempSync(join(tmpdir(), 'resolve-slack-later-')), 'directory.yaml');
  writeFileSync(file, stringify(directory));
  return file;
}

type View = { id?: string; callback_id?: string; private_metadata?: string; blocks?: { type: string; block_id?: string }[] };
const PRACTITIONER = 'csc-sw';
const STRANGER = 'health-hv';

describe('the later steps on Slack (BSCB)', () => {
  const clock = new FakeClock(new Date('2026-11-23T10:00:00Z'));
  let h: Awaited<ReturnType<typeof slackHarness>>;
  let ref = '';
  beforeAll(async () => {
    h = await slackHarness({ clock, env: { DIRECTORY_FILE: everyoneOnSlack() } });
  });
  afterAll(async () => h?.stop());

  const person = (id: string) => h.teams.app.directory.people.find((p) => p.id === id)!;
  const user = (id: string) => (person(id).identities.slack as { userId: string }).userId;
  const state = async () => (await h.teams.app.cases.load(ref))!;
  const count = async (type: string) => (await h.teams.app.store.load(ref)).filter((e) => e.event.type === type).length;
  /** An earlier step, taken through the app (the same runner the doors use). */
  const act = (verb: string, data: Record<string, unknown>, id: string) => h.teams.app.flow.act(person(id), verb, { caseRef: ref, ...data });
  const notPartOf = () => `There is no case ${ref} that you are part of.`;
  /** A step's answer to `who`: its message updated (taken), or a message to them (refused). */
  const answered = (who: string) => (since: SlackApiCall[]) =>
    since.some((c) => c.method === 'chat.update' || (c.method === 'chat.postMessage' && (c.params as { channel?: string }).channel === `D${user(who)}`));
  /** `who` presses the button `verb` on the newest message to `owner` that has it; for a form, returns the window opened. */
  const press = async (verb: string, owner: string, who = owner): Promise<View> => {
    const m = h.messageWith(user(owner), verb);
    await h.click(user(who), verb, m, ref, (since) => since.some((c) => c.method === 'views.open') || answered(who)(since));
    return (h.api.callsOf('views.open').at(-1)?.view ?? {}) as View;
  };
  const submit = (who: string, view: View, values: StateValues) => h.submit(user(who), view.callback_id!, view.private_metadata!, values, answered(who));
  /** The newest message to a person, or the newest update of a message (a step taken replaces its message). */
  const lastTo = (id: string) => h.messagesTo(user(id)).at(-1)!.text;
  const lastUpdate = () => String(h.api.callsOf('chat.update').at(-1)!.text);
  const inputIds = (view: View) => (view.blocks ?? []).filter((b) => b.type === 'input').map((b) => b.block_id);
  const runDueJobs = async () => {
    const now = clock.now().toISOString();
    for (const job of (await h.teams.app.queue.jobsOf(ref)).filter((j) => j.state === 'scheduled' && j.runAt <= now)) await h.teams.app.jobs.run(job);
  };
  const approveUntilOpen = async () => {
    for (let i = 0; i < 3 && (await state()).phase === 'awaiting-approval'; i++) await act('escalation.approve', {}, (await state()).pendingEscalation!.approver!.personId);
    expect((await state()).phase).toBe('stage-open');
  };

  it('a quicker date: the raiser’s message opens a form from the card; a stranger, a missing date and a repeat change nothing', async () => {
    await walkToSummary(h, user(PRACTITIONER), 'police');
    await h.submit(user(PRACTITIONER), 'intake.submit', '', {}, h.has('views.update'));
    ref = /RES-\d{4}-\d{4}/.exec(JSON.stringify(h.api.callsOf('views.update').at(-1)!.view))![0];
    await approveUntilOpen();
    const raiser = (await state()).current!.raiser.personId;

    const stranger = await press('stage.quicker-due', raiser, STRANGER);
    expect(stranger.callback_id).toBeUndefined();
    expect(JSON.stringify(stranger)).toContain(notPartOf());

    const form = await press('stage.quicker-due', raiser);
    expect(form.callback_id).toBe('stage.quicker-due');
    expect(inputIds(form)).toEqual(['due', 'dueTime']);
    await submit(raiser, form, {});
    expect(lastTo(raiser)).toContain('Choose the date the response is now due.');
    expect(await count('response-due-brought-forward')).toBe(0);

    await submit(raiser, form, mergeStates(dateState('due', 'due', '2026-11-23'), { dueTime: { dueTime: { type: 'timepicker', selected_time: '15:00' } } }));
    expect(lastUpdate()).toContain('Response now due by Mon, 23 Nov 2026, 15:00');
    expect((await state()).current!.responseDue).toBe('2026-11-23T15:00:00.000Z');
    await submit(raiser, form, mergeStates(dateState('due', 'due', '2026-11-23'), { dueTime: { dueTime: { type: 'timepicker', selected_time: '15:00' } } }));
    expect(await count('response-due-brought-forward')).toBe(1);
  });

  it('more time: Accept acts at once, Decline opens a form for the reason; the receiver hears each', async () => {
    const { raiser, receiver } = (await state()).current!;
    await act('stage.respond', { position: 'more-time', rationale: 'Waiting for records.', proposedDate: '2026-11-27' }, receiver.personId);
    expect(h.messageWith(user(raiser.personId), 'extension.accept')).toBeDefined();

    await press('extension.accept', raiser.personId, STRANGER);
    expect(lastTo(STRANGER)).toContain(notPartOf());
    await press('extension.accept', raiser.personId);
    expect(lastUpdate()).toContain('More time allowed: a response is due by Fri, 27 Nov 2026, 17:00');
    expect(h.messagesTo(user(receiver.personId)).map((m) => m.text)).toContainEqual(expect.stringContaining('accepted your request for more time'));
    await press('extension.accept', raiser.personId);
    expect(lastTo(raiser.personId)).toMatch(/Stage 1 is open/);
    expect(await count('extension-accepted')).toBe(1);

    await act('stage.respond', { position: 'more-time', rationale: 'Still waiting.', proposedDate: '2026-12-02' }, receiver.personId);
    const form = await press('extension.decline', raiser.personId);
    expect(inputIds(form)).toEqual(['comment']);
    await submit(raiser.personId, form, textState('comment', 'comment', ' '));
    expect(lastTo(raiser.personId)).toContain('Say why the response cannot wait.');
    await submit(raiser.personId, form, textState('comment', 'comment', 'The child cannot wait'));
    expect(lastUpdate()).toContain('More time declined');
    expect(h.messagesTo(user(receiver.personId)).at(-2)!.text).toContain('declined your request for more time');
    await submit(raiser.personId, form, textState('comment', 'comment', 'Again'));
    expect(await count('extension-declined')).toBe(1);
  });

  it('the Chair’s route and decision at Stage 4: forms built from the cards, a wrong panel refused, everyone told once', async () => {
    while ((await state()).current!.number < 4) {
      const s = await state();
      const cur = s.current!;
      if (s.policy.stages[cur.number - 1]!.acknowledgement && !cur.acknowledged) await act('stage.acknowledge', {}, cur.receiver.personId);
      await act('stage.respond', { position: 'disagree', rationale: 'Not agreed.' }, cur.receiver.personId);
      await h.teams.app.flow.command(person(cur.raiser.personId), `escalate ${ref} Still not resolved.`);
      await approveUntilOpen();
    }
    const chair = (await state()).current!.receiver.personId;
    expect(JSON.stringify(await press('binding.route', chair, STRANGER))).toContain(notPartOf());
    const route = await press('binding.route', chair);
    expect(inputIds(route)).toEqual(['route', 'panelAgencies']);
    const panel = (ids: string) => mergeStates(radioState('route', 'route', 'resolution-panel'), { panelAgencies: { panelAgencies: { type: 'multi_static_select', selected_options: ids.split(',').map((value) => ({ value })) } } });
    await submit(chair, route, panel('csc,police'));
    expect(lastTo(chair)).toContain('The panel must consist of representatives of 3 member agencies; 2 chosen.');
    expect(await count('binding-route-chosen')).toBe(0);
    await submit(chair, route, panel('csc,police,health'));
    expect(JSON.stringify(h.api.callsOf('chat.update').at(-1))).toContain('"action_id":"binding.decide"');
    expect(lastTo(PRACTITIONER)).toContain('through a resolution panel of');
    await submit(chair, route, panel('csc,police,health'));
    expect(await count('binding-route-chosen')).toBe(1);

    // The decision's message is the route's, updated: its button opens the decision's form.
    const m = h.api.callsOf('chat.update').filter((u) => JSON.stringify(u).includes('binding.decide')).at(-1) as { channel: string; ts: string };
    await h.click(user(chair), 'binding.decide', m, ref, h.has('views.open'));
    const decide = h.api.callsOf('views.open').at(-1)!.view as View;
    expect(inputIds(decide)[0]).toBe('decision');
    await submit(chair, decide, textState('decision', 'decision', ''));
    expect(lastTo(chair)).toContain('Write the decision.');
    const decided = mergeStates(textState('decision', 'decision', 'A joint plan.'), textState('action1', 'action1', 'Hold a strategy meeting'), textState('owner1', 'owner1', 'Police team manager'), dateState('due1', 'due1', '2026-12-03'), dateState('reviewDate', 'reviewDate', '2026-12-04'));
    await submit(chair, decide, decided);
    expect(lastTo(PRACTITIONER)).toContain('the Chair');
    expect(JSON.stringify(h.messagesTo(user(PRACTITIONER)).at(-1))).toContain('Hold a strategy meeting');
    await submit(chair, decide, decided);
    expect(await count('binding-decision-recorded')).toBe(1);
  });

  it('the check back on the review date and the debrief after closure, each from its message’s form, each recorded once', async () => {
    clock.set('2026-12-04T12:00:00Z');
    await runDueJobs();
    expect(JSON.stringify(await press('review.record', PRACTITIONER, STRANGER))).toContain(notPartOf());
    const review = await press('review.record', PRACTITIONER);
    expect(inputIds(review)).toEqual(['done1', 'notes']);
    await submit(PRACTITIONER, review, radioState('done1', 'done1', 'not-done'));
    expect(lastTo(PRACTITIONER)).toContain('Say what was not done and how it will be pursued.');
    await submit(PRACTITIONER, review, radioState('done1', 'done1', 'done'));
    expect(lastUpdate()).toContain('every agreed action was done; the case is closed');
    await submit(PRACTITIONER, review, radioState('done1', 'done1', 'done'));
    expect(await count('actions-reviewed')).toBe(1);

    clock.set('2026-12-08T12:00:00Z');
    await runDueJobs();
    const debrief = await press('debrief.record', PRACTITIONER);
    expect(inputIds(debrief)).toEqual(['wentWell', 'learning']);
    await submit(PRACTITIONER, debrief, textState('wentWell', 'wentWell', ''));
    expect(lastTo(PRACTITIONER)).toContain('Say what went well.');
    await submit(PRACTITIONER, debrief, textState('wentWell', 'wentWell', 'Quick contact.'));
    expect(lastUpdate()).toContain('debrief recorded');
    await submit(PRACTITIONER, debrief, textState('wentWell', 'wentWell', 'Quick contact.'));
    expect(await count('debrief-recorded')).toBe(1);
    // The debrief's button once recorded: the window says where the case stands.
    expect(JSON.stringify(await press('debrief.record', PRACTITIONER))).toContain('is closed');
  });
});

describe('an outcome step on Slack (Croydon Stage 3)', () => {
  const clock = new FakeClock(new Date('2026-11-23T10:00:00Z'));
  let h: Awaited<ReturnType<typeof slackHarness>>;
  let ref = '';
  beforeAll(async () => {
    h = await slackHarness({ clock, env: { DIRECTORY_FILE: everyoneOnSlack('croydon') } });
  });
  afterAll(async () => h?.stop());

  const person = (id: string) => h.teams.app.directory.people.find((p) => p.id === id)!;
  const user = (id: string) => (person(id).identities.slack as { userId: string }).userId;
  const state = async () => (await h.teams.app.cases.load(ref))!;
  const act = (verb: string, data: Record<string, unknown>, id: string) => h.teams.app.flow.act(person(id), verb, { caseRef: ref, ...data });
  const answered = (who: string) => (since: SlackApiCall[]) =>
    since.some((c) => c.method === 'chat.update' || (c.method === 'chat.postMessage' && (c.params as { channel?: string }).channel === `D${user(who)}`));

  it('either side’s message opens a form offering the stage’s steps; a stranger, a blank note and a repeat change nothing', async () => {
    await walkToSummary(h, user(PRACTITIONER), 'police');
    await h.submit(user(PRACTITIONER), 'intake.submit', '', {}, h.has('views.update'));
    ref = /RES-\d{4}-\d{4}/.exec(JSON.stringify(h.api.callsOf('views.update').at(-1)!.view))![0];
    const approve = async () => {
      for (let i = 0; i < 3 && (await state()).phase === 'awaiting-approval'; i++) await act('escalation.approve', {}, (await state()).pendingEscalation!.approver!.personId);
    };
    await approve();
    while ((await state()).current!.number < 3) {
      const s = await state();
      const cur = s.current!;
      if (s.policy.stages[cur.number - 1]!.acknowledgement && !cur.acknowledged) await act('stage.acknowledge', {}, cur.receiver.personId);
      await act('stage.respond', { position: 'disagree', rationale: 'Not agreed.' }, cur.receiver.personId);
      await h.teams.app.flow.command(person(cur.raiser.personId), `escalate ${ref} Still not resolved.`);
      await approve();
    }
    const { raiser, receiver } = (await state()).current!;
    const m = h.messageWith(user(receiver.personId), 'outcome.record');
    expect(h.messageWith(user(raiser.personId), 'outcome.record')).toBeDefined();

    await h.click(user(STRANGER), 'outcome.record', m, ref, h.has('views.open'));
    expect(JSON.stringify(h.api.callsOf('views.open').at(-1)!.view)).toContain(`There is no case ${ref} that you are part of.`);
    await h.click(user(receiver.personId), 'outcome.record', m, ref, h.has('views.open'));
    const form = h.api.callsOf('views.open').at(-1)!.view as View;
    expect(form.callback_id).toBe('outcome.record');
    expect(JSON.stringify(form)).toContain('"value":"reflective-consultation"');
    const submit = (values: StateValues) => h.submit(user(receiver.personId), form.callback_id!, form.private_metadata!, values, answered(receiver.personId));
    await submit(radioState('outcome', 'outcome', 'reflective-consultation'));
    expect(h.messagesTo(user(receiver.personId)).at(-1)!.text).toContain('Say what was decided.');
    const count = async () => (await h.teams.app.store.load(ref)).filter((e) => e.event.type === 'outcome-step-recorded').length;
    expect(await count()).toBe(0);
    const filled = mergeStates(radioState('outcome', 'outcome', 'reflective-consultation'), textState('note', 'note', 'A consultation is booked.'));
    await submit(filled);
    expect(String(h.api.callsOf('chat.update').at(-1)!.text)).toContain('Recorded: Multi-agency group reflective consultation');
    expect(h.messagesTo(user(raiser.personId)).at(-1)!.text).toContain('A consultation is booked.');
    await submit(filled);
    expect(await count()).toBe(1);
  });
});
