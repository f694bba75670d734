/**
 * The step runner: the case is loaded once per click and handed to the step (Cases loads it again
 * only to decide the command it runs); bad input is refused with its sentence and records
 * nothing; anyone not part of the case hears the one sentence whatever they sent.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { FakeClock } from '../../src/app/clock.js';
import { caseStatusText, STATUS_PAGE, statusRange } from '../../src/app/replies.js';
import type { Person } from '../../src/domain/directory.js';
import { caseAt, securityDirectory } from '../security/support.js';
import { teamsHarness } from '../teams/support.js';

jest.setTimeout(120_000);

let h: Awaited<ReturnType<typeof teamsHarness>>;
const clock = new FakeClock(new Date('2027-03-01T10:00:00Z'));
beforeAll(async () => {
  const dir = securityDirectory();
  h = await teamsHarness({ clock, env: () => ({ DIRECTORY_FILE: dir }) });
}, 120_000);
afterAll(async () => h?.stop());

const who = (id: string): Person => h.app.directory.people.find((p) => p.id === id)!;
const textOf = (view: { card: string; data: unknown }) => (view.card === 'notice' ? (view.data as { text: string }).text : view.card);
const eventCount = async (ref: string) => (await h.app.store.load(ref)).length;

/** How many times the case's events are read while `work` runs. */
async function loadsOf(ref: string, work: () => Promise<unknown>): Promise<number> {
  const load = jest.spyOn(h.app.store, 'load');
  try {
    await work();
    return load.mock.calls.filter(([r]) => r === ref).length;
  } finally {
    load.mockRestore();
  }
}

/**
 * `work` run as on a store other processes also write (a PostgreSQL server), where Cases checks a
 * case it kept against the store at each load. The harness's embedded store is its database's
 * only client, where a kept case is read from memory.
 */
async function onSharedStore<T>(work: () => Promise<T>): Promise<T> {
  Object.defineProperty(h.app.store, 'soleClient', { value: false, configurable: true });
  try {
    return await work();
  } finally {
    delete (h.app.store as { soleClient?: boolean }).soleClient;
  }
}

describe('the step runner', () => {
  it('reads the case once for a step, and once more only where Cases decides a command', async () => {
    const ref = 'RES-2027-9401';
    await caseAt(h.app, ref, 'lapsed', clock);
    await onSharedStore(async () => {
      // Chase runs no command: the runner's one read serves the check, the message and the card's history.
      expect(await loadsOf(ref, async () => expect((await h.app.flow.act(who('csc-tm'), 'lapse.chase', { caseRef: ref })).ok).toBe(true))).toBe(1);
      // Acknowledge: the runner's read, and Cases' own read to decide; the card's history is the two joined.
      expect(await loadsOf(ref, async () => expect((await h.app.flow.act(who('police-tm-deputy'), 'stage.acknowledge', { caseRef: ref })).ok).toBe(true))).toBe(2);
    });
  });

  it('shows a case’s timeline from its one read of the case, as the first page of status has it', async () => {
    const ref = 'RES-2027-9404';
    await caseAt(h.app, ref, 'stage-open', clock);
    const state = (await h.app.cases.load(ref))!;
    const person = who(state.participantIds[0]!);
    for (let n = 1; n <= STATUS_PAGE + 3; n++) expect(await h.app.flow.command(person, `reply ${ref} Note ${n}.`)).toEqual({ text: expect.any(String) as unknown });
    const summary = (await h.app.store.findCases({ participantId: person.id })).find((c) => c.ref === ref)!;
    const expected = caseStatusText(summary, await h.app.store.load(ref, statusRange(summary, 1)), h.app.directory);
    expect(expected).toContain(`Steps ${summary.version - STATUS_PAGE + 1} to ${summary.version} of ${summary.version}.`);
    const findCases = jest.spyOn(h.app.store, 'findCases');
    try {
      let shown: Awaited<ReturnType<typeof h.app.flow.act>> | undefined;
      expect(await onSharedStore(() => loadsOf(ref, async () => (shown = await h.app.flow.act(person, 'case.timeline', { caseRef: ref }))))).toBe(1);
      expect([shown!.ok, textOf(shown!.view)]).toEqual([true, expected]);
      // The same, from the case kept in memory, on the embedded store.
      expect(await loadsOf(ref, async () => (shown = await h.app.flow.act(person, 'case.timeline', { caseRef: ref })))).toBe(0);
      expect([shown!.ok, textOf(shown!.view)]).toEqual([true, expected]);
      expect(findCases).not.toHaveBeenCalled();
    } finally {
      findCases.mockRestore();
    }
  });

  it('refuses bad input with its sentence and records nothing', async () => {
    const ref = 'RES-2027-9402';
    await caseAt(h.app, ref, 'stage-open', clock);
    const before = await eventCount(ref);
    const kaur = who('police-tm-deputy');
    const bad = await h.app.flow.act(kaur, 'stage.respond', { caseRef: ref, position: 'maybe', rationale: 'Not sure.' });
    expect([bad.ok, textOf(bad.view)]).toEqual([false, 'Choose agree, disagree or more time.']);
    const blank = await h.app.flow.act(who('csc-tm'), 'escalation.return', { caseRef: ref, comment: '   ' });
    expect([blank.ok, textOf(blank.view)]).toEqual([false, 'Add a comment to say why it is returned.']);
    expect(await eventCount(ref)).toBe(before);
  });

  it('tells someone not part of the case the one sentence, whatever they sent, and an unknown button what it can do', async () => {
    const ref = 'RES-2027-9403';
    await caseAt(h.app, ref, 'stage-open', clock);
    const stranger = who('health-tm');
    for (const [verb, data] of [['stage.respond', { position: 'maybe' }], ['escalation.return', {}], ['case.timeline', {}]] as const) {
      const acted = await h.app.flow.act(stranger, verb, { caseRef: ref, ...data });
      expect([acted.ok, textOf(acted.view)]).toEqual([false, `There is no case ${ref} that you are part of.`]);
    }
    const unknown = await h.app.flow.act(stranger, 'case.delete', { caseRef: ref });
    expect(textOf(unknown.view)).toBe('I do not know that button. Say `help` to see what I can do.');
  });
});
