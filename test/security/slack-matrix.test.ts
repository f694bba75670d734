/**
 * The authorization matrix's button steps through the Slack door, as signed requests: each
 * relation to a case (the party, a same-role colleague, another agency, Board staff, a stranger
 * in the directory, an id the directory does not know) clicks the buttons of a case it is shown
 * (or forges one), and only the party's click is taken. The full matrix runs through the app
 * layer in authorization-matrix.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { FakeClock } from '../../src/app/clock.js';
import { notPartOf } from '../../src/app/escalations.js';
import { radioState, textState } from '../slack/support-slack-api.js';
import { AISHA, BETHAN, slackHarness } from '../slack/support.js';
import { AIM, CONCERN, caseAt, securityDirectory, type Phase } from './support.js';

jest.setTimeout(240_000);

const OUTSIDERS = [
  ['same-role colleague', 'U0DEMO029'], // Lena Park, health team manager
  ['other agency', 'U0DEMO006'], // Dana Cole, CSC team manager
  ['Board staff', 'U0DEMO045'],
  ['stranger in the directory', 'U0DEMO021'], // Jo Fairweather, health visitor
] as const;
const UNKNOWN = 'U0NOBODY';

let h: Awaited<ReturnType<typeof slackHarness>>;
const clock = new FakeClock(new Date('2027-03-01T10:00:00Z'));
beforeAll(async () => {
  h = await slackHarness({ clock, env: { DIRECTORY_FILE: securityDirectory() } });
}, 120_000);
afterAll(async () => h?.stop());

const eventsOf = async (ref: string) => (await h.teams.app.store.load(ref)).map((e) => e.event.type);
const forged = (user: string) => ({ channel: `D${user}`, ts: '1700000000.000100' });

type Button = { verb: string; phase: Phase; party: string; modal?: Record<string, unknown> };
const BUTTONS: Button[] = [
  { verb: 'escalation.approve', phase: 'awaiting-approval', party: BETHAN },
  { verb: 'stage.acknowledge', phase: 'stage-open', party: AISHA },
  { verb: 'stage.respond', phase: 'stage-open', party: AISHA, modal: { ...radioState('position', 'position', 'disagree'), ...textState('rationale', 'rationale', 'We stand by it.') } },
  { verb: 'resolution.confirm', phase: 'proposed', party: BETHAN },
];

/** A button click, or for a modal step the submission of its modal (which is where the step runs). */
async function press(b: Button, user: string, ref: string, origin: { channel: string; ts: string }, answered = true) {
  const until = answered ? (since: { method: string }[]) => since.some((c) => c.method === 'chat.postMessage' || c.method === 'chat.update') : undefined;
  if (!b.modal) return h.click(user, b.verb, origin, ref, until);
  return h.submit(user, b.verb, JSON.stringify({ caseRef: ref, origin }), b.modal as never, until);
}

describe('the button steps, through the Slack door', () => {
  let n = 0;
  it.each(BUTTONS.map((b) => [b.verb, b] as const))('%s: only the party', async (_verb, b) => {
    const ref = `RES-2027-${String(9400 + ++n)}`;
    await caseAt(h.teams.app, ref, b.phase, clock, 'school');
    const before = await eventsOf(ref);
    for (const [relation, user] of OUTSIDERS) {
      const mark = h.messagesTo(user).length;
      await press(b, user, ref, forged(user));
      // The answer may follow a first message that opens the person's thread for this reference.
      await h.api.waitFor(() => h.messagesTo(user).slice(mark).some((m) => JSON.stringify(m).includes(notPartOf(ref))));
      const shown = JSON.stringify(h.messagesTo(user).slice(mark));
      expect({ relation, leaks: [CONCERN, AIM].filter((s) => shown.includes(s)) }).toEqual({ relation, leaks: [] });
      expect(await eventsOf(ref)).toEqual(before);
    }
    // An id the directory does not know: acknowledged, and nothing done or said.
    const calls = h.api.calls.length;
    await press(b, UNKNOWN, ref, forged(UNKNOWN), false);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.api.calls.slice(calls).filter((c) => c.method.startsWith('chat.'))).toEqual([]);
    expect(await eventsOf(ref)).toEqual(before);
    // The party (the case was moved through the app layer, so on a message in their own DM): taken, and the message replaced.
    const updates = h.api.callsOf('chat.update').length;
    await press(b, b.party, ref, forged(b.party));
    await h.api.waitFor(() => h.api.callsOf('chat.update').length > updates);
    expect((await eventsOf(ref)).length).toBeGreaterThan(before.length);
  });
});
