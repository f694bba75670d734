/**
 * Branches and endings in the chat, on a small procedure written for the test: `status` names a
 * route offered on a condition in the procedure's words, `escalate <ref> stage <n>` takes it, and
 * the receiver's written reply (`step`) ends the procedure; nobody else can give it. The walk
 * shows the procedure's words in Welsh to someone whose directory entry says so.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardText, teamsHarness, walkToSummary } from './support.js';

const LAURA = '00000000-0000-0000-0000-000000000011';
const ANITA = '00000000-0000-0000-0000-000000000013';
const MARCUS = '00000000-0000-0000-0000-000000000005';

const POLICY = `
formatVersion: 3
id: branching-test
version: 1
name: Branching test procedure
partnership: Test partnership
document: test.txt
areasOfDisagreement: [{ id: thresholds, label: Thresholds, source: q }]
urgentRoute:
  question: Is the child at risk of immediate harm?
  guidance: Call now.
  contacts: [police]
  opensCase: false
  source: q
  cy: { question: A yw'r plentyn mewn perygl o niwed uniongyrchol? }
stages:
  - number: 1
    name: Practitioners
    summary: The practitioners talk.
    source: q
    raisedBy: { roles: [practitioner], scope: escalating-agency, source: q }
    receivedBy: { roles: [practitioner], scope: receiving-agency, source: q }
    response: { kind: none, note: As soon as possible., source: q }
    outcomes:
      - { type: resolved, label: Resolved, source: q }
      - { type: next-stage, label: Managers, source: q }
      - type: next-stage
        label: To the Child Protection Manager
        toStage: 3
        condition: You believe the child remains at risk of significant harm
        source: q
  - number: 2
    name: Managers
    summary: Managers talk.
    source: q
    raisedBy: { roles: [team-manager], scope: escalating-agency, source: q }
    receivedBy: { roles: [team-manager], scope: receiving-agency, source: q }
    response: { kind: none, note: As soon as possible., source: q }
    outcomes: [{ type: resolved, label: Resolved, source: q }]
  - number: 3
    name: Child Protection Manager
    summary: The manager takes it to the Child Protection Manager.
    source: q
    raisedBy: { roles: [team-manager], scope: escalating-agency, source: q }
    receivedBy: { roles: [child-protection-manager], scope: childrens-social-care, source: q }
    response: { kind: none, note: As soon as possible., source: q }
    outcomes:
      - { type: resolved, label: Resolved, source: q }
      - { type: written-reply, label: The Child Protection Manager's written reply, ends: true, source: q }
`;

let h: Awaited<ReturnType<typeof teamsHarness>>;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'resolve-branches-'));
  writeFileSync(join(dir, 'branching-test.yaml'), POLICY);
  const directory = join(mkdtempSync(join(tmpdir(), 'resolve-branches-directory-')), 'directory.yaml');
  // DC Penhale reads Welsh; everyone else is shown English.
  const demo = readFileSync('demo/directory.yaml', 'utf8').replace(/policyId: bscb/, 'policyId: branching-test');
  writeFileSync(directory, demo.replace(/( {4}name: DC Laura Penhale\n)/, '$1    language: cy\n'));
  h = await teamsHarness({ env: () => ({ POLICY_DIR: dir, DIRECTORY_FILE: directory }) });
}, 60_000);
afterAll(async () => h?.stop());

describe('the walk in the person’s language', () => {
  it('asks the policy’s questions in Welsh of someone whose directory entry says cy, in English of others', async () => {
    const first = async (who: string) => {
      const [reply] = await h.say('escalate', who);
      await h.click('intake.cancel', {}, who);
      return JSON.stringify(reply!.attachments![0]!.content);
    };
    expect(await first(LAURA)).toContain("A yw'r plentyn mewn perygl o niwed uniongyrchol?");
    expect(await first(MARCUS)).toContain('Is the child at risk of immediate harm?');
  });
});

describe('a route on a condition, and a written reply that ends the procedure', () => {
  it('is named in status, taken by asking for its stage, and ended by the receiver’s reply', async () => {
    await walkToSummary(h, LAURA, { 'other-agency': 'csc' });
    const [title] = cardText(await h.click('intake.submit', {}, LAURA));
    const ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(title!)![1]!;
    expect((await h.app.cases.load(ref))!.current?.number).toBe(1);

    const [status] = await h.say(`status ${ref}`, LAURA);
    expect(status!.text).toContain(`If you believe the child remains at risk of significant harm: To the Child Protection Manager (say \`escalate ${ref} stage 3 holds\`).`);
    // A step the stage does not offer is refused, and nothing is recorded.
    const [none] = await h.say(`step ${ref} written-reply We agree.`, LAURA);
    expect(none!.text).toBe('Stage 1 of this procedure has no "written-reply" step.');

    // Laura takes the conditional route; her team manager (DS Kaur covering) approves it.
    // Asked for without confirming its condition: the condition in the procedure's words, and nothing recorded.
    const before = (await h.app.store.load(ref)).length;
    const [unconfirmed] = await h.say(`escalate ${ref} stage 3 The child remains at risk.`, LAURA);
    expect(unconfirmed!.text).toBe(`${ref}: Branching test procedure offers Stage 3 only where: You believe the child remains at risk of significant harm. If that holds, say \`escalate ${ref} stage 3 holds\`.`);
    expect((await h.app.store.load(ref)).length).toBe(before);
    const [asked] = await h.say(`escalate ${ref} stage 3 holds`, LAURA);
    expect(asked!.text).toMatch(/DS Anita Kaur .* to approve raising Stage 3/);
    // The request records the condition confirmed, as the card's button does.
    expect((await h.app.store.load(ref)).map((e) => e.event).filter((e) => e.type === 'escalation-requested').at(-1)!.data).toMatchObject({ note: expect.stringContaining('You believe the child remains at risk of significant harm') });
    await h.click('escalation.approve', { caseRef: ref, stage: 3 }, ANITA);
    const state = (await h.app.cases.load(ref))!;
    expect(state.history.map((s) => s.number)).toEqual([1, 3]);
    expect(state.current!.receiver.personId).toBe('csc-cpm');

    // Only the receiver gives the written reply; it closes the case.
    const [notYours] = await h.say(`step ${ref} written-reply We think so.`, ANITA);
    expect(notYours!.text).toBe('Only Marcus Obi gives the written reply.');
    const [steps] = await h.say(`status ${ref}`, MARCUS);
    expect(steps!.text).toContain(`The Child Protection Manager's written reply (ends the procedure), given by Marcus Obi: say \`step ${ref} written-reply <what was decided>\`.`);
    // Marcus is told the case is closed; the others taking part hear his reply. (The typed command
    // is the outcome-step card's step, `outcome.record`: the same words as its button's.)
    const ended = (await h.say(`step ${ref} written-reply A strategy discussion will be held.`, MARCUS)).map((a) => a.text);
    expect(ended).toContain(`${ref}: Recorded: The Child Protection Manager's written reply. ${ref} is closed: the procedure ended with this step.`);
    expect(ended).toContain(`${ref}, Stage 3: Marcus Obi (Children's Social Care) recorded "The Child Protection Manager's written reply": "A strategy discussion will be held.". ${ref} is closed: the procedure ended with this step.`);
    const state2 = (await h.app.cases.load(ref))!;
    expect(state2.outcome).toBe('procedure-ended');
    // He acts as the stage names its receiver (the role rule of the card's step), and is recorded once.
    const steps2 = (await h.app.store.load(ref)).map((e) => e.event).filter((e) => e.type === 'outcome-step-recorded');
    expect(steps2.map((e) => e.actor)).toEqual([expect.objectContaining({ personId: 'csc-cpm', role: 'child-protection-manager' })]);
    expect((await h.say(`step ${ref} written-reply Again.`, MARCUS))[0]!.text).toMatch(/is closed/);
    // Someone in the directory not part of the case hears only that.
    expect((await h.say(`step ${ref} written-reply Held.`, '00000000-0000-0000-0000-000000000022'))[0]!.text).toBe(`There is no case ${ref} that you are part of.`);
    expect((await h.app.store.load(ref)).filter((e) => e.event.type === 'outcome-step-recorded')).toHaveLength(1);
  });
});
