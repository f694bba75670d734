/**
 * Who may act on a case, as a table: every chat step that acts on or reads a case (every card
 * verb with a case, every typed command with a reference) against every relation to the case.
 * The party it is for is accepted; everyone else is refused with the one sentence a stranger
 * gets, nothing is recorded, and nothing of the case (the concern, the aim, the record
 * reference) is in the reply.
 *
 * The full matrix runs through the app layer the doors call (CaseFlow over Escalations and
 * Cases, on the app's own store); a representative subset runs through the Teams door over the
 * Activity protocol here, and the button steps through the Slack door in slack-matrix.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { FakeClock } from '../../src/app/clock.js';
import { notPartOf } from '../../src/app/escalations.js';
import type { Person } from '../../src/domain/directory.js';
import { cardText, teamsHarness } from '../teams/support.js';
import { AIM, CONCERN, TEAMS_ID, UNKNOWN_TEAMS_ID, caseAt, securityDirectory, type Phase } from './support.js';

jest.setTimeout(240_000);

type Relation = 'party' | 'same-role colleague' | 'other agency' | 'Board staff' | 'stranger in the directory';
const OUTSIDERS: Relation[] = ['same-role colleague', 'other agency', 'Board staff', 'stranger in the directory'];

type Step = {
  name: string;
  phase: Phase;
  /** Who holds each relation to the case for this step (directory ids); party null: tested elsewhere. */
  people: Record<Relation, string | null>;
  /** A card click (verb and data) or typed words; `ref` is filled in. */
  click?: { verb: string; data?: Record<string, string> };
  typed?: (ref: string) => string;
  /** Whether the party's step records events (reading steps and messages to others do not). */
  records: boolean;
};

const around = (party: string | null, colleague: string, other: string): Record<Relation, string | null> => ({
  party,
  'same-role colleague': colleague,
  'other agency': other,
  'Board staff': 'board-officer',
  'stranger in the directory': 'school-teacher',
});
// The approver and raiser is Priya (csc-tm); the receiver DS Kaur (police-tm-deputy), matched
// because DS Brierley (police-tm) is away: he is the same-role colleague the issue was about.
const APPROVER = around('csc-tm', 'csc-tm-2', 'health-tm');
const RECEIVER = around('police-tm-deputy', 'police-tm', 'health-tm');
const RAISER = around('csc-tm', 'csc-tm-2', 'health-tm');
const PRACTITIONER = around('csc-sw', 'csc-sw-2', 'health-hv');

const STEPS: Step[] = [
  { name: 'escalation.approve', phase: 'awaiting-approval', people: APPROVER, click: { verb: 'escalation.approve' }, records: true },
  { name: 'escalation.return', phase: 'awaiting-approval', people: APPROVER, click: { verb: 'escalation.return', data: { comment: 'Add the minutes first.' } }, records: true },
  { name: 'escalation.resolve-within', phase: 'awaiting-approval', people: APPROVER, click: { verb: 'escalation.resolve-within', data: { comment: 'Settled within CSC.' } }, records: true },
  { name: 'stage.acknowledge', phase: 'stage-open', people: RECEIVER, click: { verb: 'stage.acknowledge' }, records: true },
  { name: 'stage.respond', phase: 'stage-open', people: RECEIVER, click: { verb: 'stage.respond', data: { position: 'disagree', rationale: 'We stand by it.' } }, records: true },
  { name: 'resolution.propose', phase: 'stage-open', people: RAISER, click: { verb: 'resolution.propose', data: { summary: 'A strategy discussion on Friday.' } }, records: true },
  { name: 'resolution.confirm', phase: 'proposed', people: RAISER, click: { verb: 'resolution.confirm' }, records: true },
  { name: 'resolution.reject', phase: 'proposed', people: RAISER, click: { verb: 'resolution.reject', data: { comment: 'Not yet.' } }, records: true },
  { name: 'lapse.escalate', phase: 'lapsed', people: RAISER, click: { verb: 'lapse.escalate' }, records: true },
  { name: 'lapse.chase', phase: 'lapsed', people: RAISER, click: { verb: 'lapse.chase' }, records: false },
  { name: 'lapse.extend', phase: 'lapsed', people: RAISER, click: { verb: 'lapse.extend', data: { newDue: '2027-03-10' } }, records: false },
  { name: 'case.timeline', phase: 'stage-open', people: PRACTITIONER, click: { verb: 'case.timeline' }, records: false },
  { name: 'status <ref>', phase: 'stage-open', people: PRACTITIONER, typed: (ref) => `status ${ref}`, records: false },
  { name: 'resolve <ref>', phase: 'stage-open', people: RAISER, typed: (ref) => `resolve ${ref}`, records: false },
  { name: 'reply <ref>', phase: 'stage-open', people: PRACTITIONER, typed: (ref) => `reply ${ref} Can we talk at 2pm?`, records: true },
  { name: 'withdraw <ref>', phase: 'stage-open', people: PRACTITIONER, typed: (ref) => `withdraw ${ref} Agreed on the phone.`, records: true },
  { name: 'escalate <ref>', phase: 'ready', people: PRACTITIONER, typed: (ref) => `escalate ${ref} Please raise it.`, records: true },
  { name: 'tried <ref>', phase: 'informal', people: PRACTITIONER, typed: (ref) => `tried ${ref} not resolved No agreement on the threshold.`, records: true },
  { name: 'hand over <ref>', phase: 'stage-open', people: RAISER, typed: (ref) => `hand over ${ref} to Dana Cole`, records: true },
  // Only the deputy of someone away takes over: the party's row is the hand-over test's.
  { name: 'take over <ref>', phase: 'stage-open', people: around(null, 'police-tm', 'health-tm'), typed: (ref) => `take over ${ref}`, records: false },
];

let h: Awaited<ReturnType<typeof teamsHarness>>;
// In the future of the real clock, so Agenda never finds these cases' jobs due during the test.
const clock = new FakeClock(new Date('2027-03-01T10:00:00Z'));
beforeAll(async () => {
  const dir = securityDirectory();
  h = await teamsHarness({ clock, env: () => ({ DIRECTORY_FILE: dir }) });
}, 120_000);
afterAll(async () => h?.stop());

const person = (id: string): Person => h.app.directory.people.find((p) => p.id === id)!;
const eventsOf = async (ref: string) => (await h.app.store.load(ref)).map((e) => e.event.type);

/** Runs a step through the app layer the doors call; returns whether it was taken and everything it said. */
async function run(step: Step, who: Person, ref: string): Promise<{ ok: boolean; said: string }> {
  if (step.click) {
    const acted = await h.app.flow.act(who, step.click.verb, { caseRef: ref, ...step.click.data });
    return { ok: acted.ok, said: JSON.stringify(acted.view) };
  }
  const reply = await h.app.flow.command(who, step.typed!(ref));
  return { ok: !('text' in reply) || !reply.text.startsWith(notPartOf(ref)), said: JSON.stringify(reply) };
}

const leaks = (said: string) => [CONCERN, AIM, 'CSC-99812'].filter((s) => said.includes(s));

describe('the authorization matrix, through the app layer', () => {
  let n = 0;
  it.each(STEPS.map((s) => [s.name, s] as const))('%s: only the party', async (_name, step) => {
    const ref = `RES-2027-${String(9000 + ++n)}`;
    await caseAt(h.app, ref, step.phase, clock);
    const before = await eventsOf(ref);
    for (const relation of OUTSIDERS) {
      const who = person(step.people[relation]!);
      const r = await run(step, who, ref);
      // Refused with the stranger's sentence, nothing recorded, nothing of the case shown.
      expect({ relation, ok: r.ok, said: r.said.includes(notPartOf(ref)), leaks: leaks(r.said) }).toEqual({ relation, ok: false, said: true, leaks: [] });
      expect(await eventsOf(ref)).toEqual(before);
    }
    // The same sentence for a case that does not exist: a reference tells a stranger nothing.
    const missing = await run(step, person(step.people['stranger in the directory']!), 'RES-2027-0999');
    expect(missing.said).toContain(notPartOf('RES-2027-0999'));
    if (!step.people.party) return;
    const party = await run(step, person(step.people.party), ref);
    expect({ step: step.name, ok: party.ok, text: party.said }).toMatchObject({ step: step.name, ok: true });
    expect(party.said).not.toContain(notPartOf(ref));
    const after = await eventsOf(ref);
    if (step.records) expect(after.length).toBeGreaterThan(before.length);
    else expect(after).toEqual(before);
  });
});

describe('a representative subset, through the Teams door', () => {
  const teamsOf = (id: string) => TEAMS_ID[id]!;
  const outsiders = [
    ['same-role colleague (away, never matched)', teamsOf('police-tm')],
    ['other agency', teamsOf('health-tm')],
    ['Board staff', teamsOf('board-officer')],
  ] as const;

  it('a colleague, another agency and the Board cannot click a receiver’s buttons or read the case; an unknown id is not served', async () => {
    const ref = 'RES-2027-9101';
    await caseAt(h.app, ref, 'stage-open', clock);
    const before = await eventsOf(ref);
    for (const [relation, aad] of outsiders) {
      for (const [verb, data] of [['stage.acknowledge', {}], ['stage.respond', { position: 'agree' }], ['case.timeline', {}]] as const) {
        const card = await h.click(verb, { caseRef: ref, ...data }, aad);
        expect({ relation, verb, text: cardText(card) }).toEqual({ relation, verb, text: [`Case ${ref}`, notPartOf(ref)] });
      }
      const said = (await h.say(`status ${ref}`, aad)).map((b) => b.text);
      expect({ relation, said }).toEqual({ relation, said: [notPartOf(ref)] });
      expect((await h.say(`resolve ${ref}`, aad)).map((b) => b.text)).toEqual([notPartOf(ref)]);
    }
    const unknown = await h.click('stage.respond', { caseRef: ref, position: 'agree' }, UNKNOWN_TEAMS_ID);
    expect(cardText(unknown)[0]).toBe('Not in the directory');
    expect(JSON.stringify(unknown)).not.toContain(CONCERN);
    expect(await eventsOf(ref)).toEqual(before);
    // The receiver herself is served.
    const acked = await h.click('stage.acknowledge', { caseRef: ref }, teamsOf('police-tm-deputy'));
    expect(JSON.stringify(acked)).toContain(CONCERN);
    expect(await eventsOf(ref)).toEqual([...before, 'stage-acknowledged']);
  });

  it('an approval card replayed by a same-role colleague records nothing and tells nothing', async () => {
    const ref = 'RES-2027-9102';
    await caseAt(h.app, ref, 'awaiting-approval', clock);
    const before = await eventsOf(ref);
    for (const verb of ['escalation.approve', 'escalation.return', 'escalation.resolve-within']) {
      const card = await h.click(verb, { caseRef: ref, comment: 'x' }, teamsOf('csc-tm-2'));
      expect(cardText(card)).toEqual([`Case ${ref}`, notPartOf(ref)]);
    }
    expect(await eventsOf(ref)).toEqual(before);
  });
});
