/**
 * People listed by work email only: bound to their Teams and Slack accounts on first contact, a
 * mismatch refused with a clear message, and a directory imported while the app runs used from
 * the next message, with no restart.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { listBindings, saveImportedDirectory } from '../../src/app/live-directory.js';
import { directoryFromCsv } from '../../src/domain/directory-csv.js';
import { slackHarness } from '../slack/support.js';
import { walkToSummary } from '../teams/support.js';
import { demoAgenciesCsv, demoDirectory, demoPeopleCsv } from './support.js';

const NIA = { email: 'Nia.Worker@police.example.org', aad: '00000000-0000-0000-0000-0000000000a1', slack: 'U0NIA' };
const OMAR = { email: 'omar@health.example.org', aad: '00000000-0000-0000-0000-0000000000a2', slack: 'U0OMAR' };
const STRANGER = '00000000-0000-0000-0000-0000000000a3';
const IMPOSTER = '00000000-0000-0000-0000-0000000000a4';

let h: Awaited<ReturnType<typeof slackHarness>>;
beforeAll(async () => {
  h = await slackHarness();
}, 60_000);
afterAll(async () => h?.stop());

/** What a business unit's `directory import` stores, done on the running app's store. */
async function importPeople(extra: string[]) {
  const demo = demoDirectory();
  const built = directoryFromCsv({ people: { name: 'people.csv', text: demoPeopleCsv(extra) }, agencies: { name: 'agencies.csv', text: demoAgenciesCsv() }, partnership: demo.partnership, current: h.teams.app.directory });
  if (!built.ok) throw new Error(built.errors.join('\n'));
  await saveImportedDirectory(h.teams.app.store, built.directory, new Date());
}
const texts = async (text: string, aad: string) => (await h.teams.say(text, aad)).map((b) => b.text ?? '');

describe('a directory imported while the app runs', () => {
  it('is used from the next message: someone not listed before is found once the import lists them', async () => {
    h.teams.rosterAdd(NIA.aad, { email: NIA.email, userPrincipalName: 'nia@police.onmicrosoft.example' });
    expect(await texts('my cases', NIA.aad)).toEqual([expect.stringContaining(`I can't find ${NIA.email} in this partnership's directory`)]);
    expect(await listBindings(h.teams.app.store)).toEqual([]);

    await importPeople(['nia.worker@police.example.org,Nia Worker,police,practitioner,PC,police-tm@demo.example,,,']);
    expect(await texts('my cases', NIA.aad)).toEqual(['You are not taking part in any case.']);
    // The demo's own identities still work after the import.
    expect(await texts('my cases', '00000000-0000-0000-0000-000000000002')).toEqual(['You are not taking part in any case.']);
  });

  it('records the binding (who, which id, when, how) and every service sees it', async () => {
    const bindings = await listBindings(h.teams.app.store);
    expect(bindings).toEqual([{ personId: 'nia-worker-police-example-org', platform: 'teams', platformId: NIA.aad, at: expect.any(String), how: 'teams-roster-email' }]);
    expect(h.teams.app.directory.people.find((p) => p.id === 'nia-worker-police-example-org')?.identities.teams).toEqual({ aadObjectId: NIA.aad });
    const ready = (await (await fetch(`http://127.0.0.1:${h.teams.app.port}/readyz`)).json()) as { directory: unknown };
    expect(ready.directory).toEqual({ source: 'imported', people: demoDirectory().people.length + 1, agencies: 5, bindings: 1 });
    // Only ids in the log, never an email.
    expect(h.teams.log.lines.some((l) => JSON.stringify(l).toLowerCase().includes('@police.example.org'))).toBe(false);
  });

  it('sees a changed role on the next message', async () => {
    // Nia becomes a team manager: the directory the services hold changes in place.
    await importPeople(['nia.worker@police.example.org,Nia Worker,police,team-manager,DS,police-sm@demo.example,,,']);
    await texts('my cases', NIA.aad);
    expect(h.teams.app.directory.people.find((p) => p.id === 'nia-worker-police-example-org')?.roles).toEqual(['team-manager']);
  });
});

describe('binding on Teams', () => {
  it('binds by the roster’s UPN when it gives no email', async () => {
    await importPeople(['nia.worker@police.example.org,Nia Worker,police,practitioner,,,,,', `${OMAR.email},Omar Said,health,practitioner,,,,,`]);
    h.teams.rosterAdd(OMAR.aad, { userPrincipalName: OMAR.email.toUpperCase() });
    expect(await texts('my cases', OMAR.aad)).toEqual(['You are not taking part in any case.']);
    expect((await listBindings(h.teams.app.store)).at(-1)).toMatchObject({ personId: 'omar-health-example-org', platform: 'teams', platformId: OMAR.aad, how: 'teams-roster-upn' });
  });

  it('lets someone imported while the app runs be named in a concern (their name is not taken for a child’s)', async () => {
    const summary = await walkToSummary(h.teams, OMAR.aad, { 'decision-challenged': 'Nia Worker declined a strategy meeting' });
    expect(JSON.stringify(summary)).toContain('Nia Worker declined a strategy meeting');
    await h.teams.click('intake.cancel', {}, OMAR.aad);
  }, 60_000);

  it('refuses a second account claiming an email already bound, and someone the roster does not know', async () => {
    h.teams.rosterAdd(IMPOSTER, { email: NIA.email });
    expect(await texts('my cases', IMPOSTER)).toEqual([`${NIA.email} is already linked to another Teams account in this partnership's directory, so I can't act for you; nothing was changed. Please ask your safeguarding lead to check the directory.`]);
    expect(await texts('my cases', STRANGER)).toEqual([expect.stringContaining("I can't find you in this partnership's directory")]);
    expect((await listBindings(h.teams.app.store)).map((b) => b.platformId)).toEqual([NIA.aad, OMAR.aad]);
  });
});

describe('binding on Slack', () => {
  it('binds by the profile’s email on first contact, then knows the account without asking again', async () => {
    h.api.setEmail(NIA.slack, NIA.email);
    await h.dm(NIA.slack, 'my cases', undefined, h.has('chat.postMessage'));
    expect(h.messagesTo(NIA.slack).map((m) => m.text)).toEqual(['You are not taking part in any case.']);
    expect((await listBindings(h.teams.app.store)).at(-1)).toMatchObject({ personId: 'nia-worker-police-example-org', platform: 'slack', platformId: `T0DEMO/${NIA.slack}`, how: 'slack-profile-email' });
    const asked = h.api.callsOf('users.info').length;
    await h.dm(NIA.slack, 'my cases', undefined, h.has('chat.postMessage'));
    expect(h.api.callsOf('users.info')).toHaveLength(asked);
  });

  it('refuses an email not in the directory, and a second account for a bound email, changing nothing', async () => {
    h.api.setEmail('U0WHO', 'who@nowhere.example');
    const r = await h.command('U0WHO', '/resolve-cases');
    expect(r.json).toMatchObject({ text: expect.stringContaining("I can't find who@nowhere.example in this partnership's directory") });
    h.api.setEmail('U0TWIN', NIA.email);
    await h.dm('U0TWIN', 'my cases', undefined, h.has('chat.postMessage'));
    expect(h.messagesTo('U0TWIN').map((m) => m.text)).toEqual([`${NIA.email} is already linked to another Slack account in this partnership's directory, so I can't act for you; nothing was changed. Please ask your safeguarding lead to check the directory.`]);
    expect((await listBindings(h.teams.app.store)).filter((b) => b.platform === 'slack')).toHaveLength(1);
  });
});
