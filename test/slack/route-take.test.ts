/**
 * A route the procedure offers on a condition, taken by its button on Slack: Sefton's Stage 1
 * (with a timescale, so it lapses) offers "the child remains at risk of significant harm" →
 * Stage 5. The lapse message has a button for it, which opens a form stating the condition in
 * the document's words, to confirm; a stranger's press opens only that there is no such case of
 * theirs; an unconfirmed condition or a route not open changes nothing and says why; a second
 * submission records nothing more. (The school's side is on Slack in the demo directory.)
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { FakeClock } from '../../src/app/clock.js';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { caseAt, securityDirectory, TEAMS_ID } from '../security/support.js';
import { seftonTimed } from '../support/sefton-timed.js';
import { mergeStates, radioState, type SlackApiCall, type StateValues } from './support-slack-api.js';
import { slackHarness } from './support.js';

jest.setTimeout(60_000);

type View = { id?: string; callback_id?: string; private_metadata?: string; blocks?: { type: string; block_id?: string }[] };
const RAISER = 'school-dsl';
const RECEIVER = 'health-tm';
const STRANGER = 'csc-tm-2';
const CONDITION = 'You believe the child remains at risk of significant harm';

describe('a route on a condition on Slack (Sefton, with a timescale)', () => {
  const clock = new FakeClock(new Date('2026-11-23T10:00:00Z'));
  const ref = 'RES-2026-0601';
  let h: Awaited<ReturnType<typeof slackHarness>>;
  beforeAll(async () => {
    h = await slackHarness({ clock, env: { DIRECTORY_FILE: securityDirectory() } });
  });
  afterAll(async () => h?.stop());

  const person = (id: string) => h.teams.app.directory.people.find((p) => p.id === id)!;
  const user = (id: string) => (person(id).identities.slack as { userId: string }).userId;
  const events = async () => (await h.teams.app.store.load(ref)).map((e) => e.event);
  const answered = (who: string) => (since: SlackApiCall[]) =>
    since.some((c) => c.method === 'chat.update' || (c.method === 'chat.postMessage' && (c.params as { channel?: string }).channel === `D${user(who)}`));
  const press = async (who: string): Promise<View> => {
    const m = h.messageWith(user(RAISER), 'route.take');
    await h.click(user(who), 'route.take', m, ref, (since) => since.some((c) => c.method === 'views.open') || answered(who)(since));
    return (h.api.callsOf('views.open').at(-1)?.view ?? {}) as View;
  };
  const submit = (who: string, view: View, values: StateValues) => h.submit(user(who), view.callback_id!, view.private_metadata!, values, answered(who));
  const lastTo = (id: string) => h.messagesTo(user(id)).at(-1)!.text;
  const lastUpdate = () => String(h.api.callsOf('chat.update').at(-1)!.text);
  const inputIds = (view: View) => (view.blocks ?? []).filter((b) => b.type === 'input').map((b) => b.block_id);

  it('the lapse message’s route button opens a form with the condition to confirm; it is taken once, by the escalating side', async () => {
    await caseAt(h.teams.app, ref, 'stage-open', clock, 'school', await seftonTimed());
    const due = (await h.teams.app.cases.load(ref))!.current!.responseDue!;
    clock.set(new Date(Date.parse(due) + 1000).toISOString());
    for (const job of (await h.teams.app.queue.jobsOf(ref)).filter((j) => j.state === 'scheduled' && j.runAt <= clock.now().toISOString())) await h.teams.app.jobs.run(job);
    expect(JSON.stringify(h.messageWith(user(RAISER), 'route.take'))).toContain(CONDITION);

    const stranger = await press(STRANGER);
    expect(stranger.callback_id).toBeUndefined();
    expect(JSON.stringify(stranger)).toContain(`There is no case ${ref} that you are part of.`);

    const form = await press(RAISER);
    expect(form.callback_id).toBe('route.take');
    expect(inputIds(form)).toEqual(['toStage', 'holds']);
    expect(JSON.stringify(form)).toContain(`The procedure offers it only where: ${CONDITION}`);
    const before = (await events()).length;

    await submit(RAISER, form, radioState('toStage', 'toStage', '5'));
    expect(lastTo(RAISER)).toContain('Confirm that the route’s condition holds to take it.');
    await submit(RAISER, form, mergeStates(radioState('toStage', 'toStage', '3'), radioState('holds', 'holds', 'yes')));
    expect(lastTo(RAISER)).toContain('offers no route to Stage 3 on a condition from Stage 1; nothing was changed.');
    // The receiver, with the form the raiser was shown: decide refuses anyone not of the escalating side.
    await submit(RECEIVER, form, mergeStates(radioState('toStage', 'toStage', '5'), radioState('holds', 'holds', 'yes')));
    expect(lastTo(RECEIVER)).toContain('Only someone from the escalating agency who is part of this case can ask for the next stage.');
    expect((await events()).length).toBe(before);

    // Taken: the lapse message is replaced with what happened.
    await h.submit(user(RAISER), form.callback_id!, form.private_metadata!, mergeStates(radioState('toStage', 'toStage', '5'), radioState('holds', 'holds', 'yes')), (since) => since.some((c) => c.method === 'chat.update'));
    expect(lastUpdate()).toContain("Stage 5 is open with Priya Natarajan (Children's Social Care).");
    expect((await h.teams.app.cases.load(ref))!.current).toMatchObject({ number: 5, raiser: { personId: RAISER } });
    expect((await events()).filter((e) => e.type === 'stage-opened').at(-1)!.data).toMatchObject({ note: expect.stringContaining(CONDITION) });

    await submit(RAISER, form, mergeStates(radioState('toStage', 'toStage', '5'), radioState('holds', 'holds', 'yes')));
    expect((await events()).filter((e) => e.type === 'stage-opened')).toHaveLength(2);
  });

  it('Sefton as shipped (never a lapse): a disagreement brings the raiser the ways on, with the route and without more time or a chase', async () => {
    const other = 'RES-2026-0602';
    await caseAt(h.teams.app, other, 'stage-open', clock, 'school', (await loadPolicyCatalog()).get('sefton')!);
    // The receiver (on Teams here) disagrees.
    await h.teams.click('stage.respond', { caseRef: other, position: 'disagree', rationale: 'We hold nothing that meets the threshold.' }, TEAMS_ID[RECEIVER]!);
    const m = h.messageWith(user(RAISER), 'route.take');
    expect(m.text).toContain('disagreed at Stage 1: "We hold nothing that meets the threshold."');
    const ids = (m.blocks ?? []).flatMap((b) => (b.elements ?? []).map((e) => e.action_id));
    expect(ids).toEqual(expect.arrayContaining(['lapse.escalate', 'route.take']));
    expect(ids).not.toContain('lapse.extend');
    expect(ids).not.toContain('lapse.chase');
  });
});
