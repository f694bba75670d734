/**
 * After the walk: the practitioner's team manager gets the approval card in their own chat, the
 * practitioner cannot approve their own request, the manager's Approve opens Stage 1 and the
 * card becomes the decision, and a second click on the old card changes nothing; the receiving
 * counterpart acknowledges and responds on their card, and both people on the other side hear.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cardText, PRIYA, SAM, teamsHarness, verbs, walkToSummary, type Card } from './support.js';

let h: Awaited<ReturnType<typeof teamsHarness>>;
beforeAll(async () => {
  h = await teamsHarness();
}, 60_000);
afterAll(async () => h?.stop());


describe('approving an escalation on a card', () => {
  it('asks the team manager, refuses the practitioner, opens the stage on Approve and only once', async () => {
    // Priya has talked to the bot before, so it can reach her.
    const hello = await h.say('hello', PRIYA);
    expect(hello[0]!.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');

    await walkToSummary(h);
    const before = h.sent.length;
    const recorded = await h.click('intake.submit', {});
    const [title, text] = cardText(recorded);
    const ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(title!)![1]!;
    expect(text).toBe(`Your concern is recorded under ${ref}. I have asked Priya Natarajan (Children's Social Care) to approve raising Stage 1 with County Police; you will hear when they decide.`);

    // The approval card arrived in Priya's chat, not Sam's.
    const toPriya = h.sent.slice(before).filter((s) => s.path.includes(`personal-${PRIYA}`));
    expect(toPriya).toHaveLength(1);
    const approval = toPriya[0]!.body.attachments![0]!.content as Card;
    expect(JSON.stringify(approval)).toContain(ref);
    expect((approval.actions as { verb: string }[]).map((a) => a.verb)).toEqual(['escalation.approve', 'escalation.return', 'escalation.resolve-within']);
    expect((approval.refresh as { userIds: string[] }).userIds).toEqual([`8:orgid:${PRIYA}`]);

    // Refreshed (Universal Actions), the card stays live for Priya and shows Sam where things stand.
    expect(verbs(await h.click('card.refresh', { card: 'approval', caseRef: ref }, PRIYA))).toEqual(['escalation.approve', 'escalation.return', 'escalation.resolve-within']);
    expect(cardText(await h.click('card.refresh', { card: 'approval', caseRef: ref }, SAM))).toEqual([`Case ${ref}`, `${ref} is waiting for approval of Stage 1.`]);

    // Sam cannot approve his own request; nothing changes.
    const refused = await h.click('escalation.approve', { caseRef: ref, stage: 1 }, SAM);
    expect(cardText(refused)).toEqual([`Case ${ref}`, 'You cannot approve an escalation you asked for yourself.']);
    expect((await h.app.cases.load(ref))!.phase).toBe('awaiting-approval');

    // The counterpart the stage will open with has talked to the bot too.
    const parties = h.app.escalations.parties((await h.app.cases.load(ref))!, 1, 'csc-sw');
    if (!parties.ok) throw new Error(parties.message);
    const receiverAad = h.app.directory.people.find((p) => p.id === parties.parties.receiver.personId)!.identities.teams!.aadObjectId;
    await h.say('hello', receiverAad);

    // Priya approves: her card becomes the decision, Stage 1 opens, Sam is told.
    const toSam = h.sent.length;
    const decided = await h.click('escalation.approve', { caseRef: ref, stage: 1 }, PRIYA);
    const state = (await h.app.cases.load(ref))!;
    expect(state).toMatchObject({ phase: 'stage-open', current: { number: 1, raiser: { personId: 'csc-tm' }, receiver: { agencyId: 'police' } } });
    expect(cardText(decided)[1]).toBe(`Approved: Stage 1 raised with ${state.current!.receiver.name}, County Police`);
    expect(decided.actions ?? []).toEqual([]);
    expect(h.sent.slice(toSam).filter((s) => s.path.includes(`personal-${SAM}`)).map((s) => s.body.text)).toEqual([
      expect.stringMatching(new RegExp(`^${ref}: Priya Natarajan approved Stage 1; it is raised with .+ \\(County Police\\)\\. A response is due by `)),
    ]);

    // The receiving counterpart got the response card in their own chat.
    const response = h.sent.slice(toSam).find((s) => s.path.includes(`personal-${receiverAad}`))?.body.attachments?.[0]?.content as Card;
    expect((response.actions as { verb: string }[]).map((a) => a.verb)).toEqual(['stage.acknowledge', 'stage.respond']);
    // The due date in local time and in the procedure's terms (BSCB Stage 1: 1 working day).
    expect(JSON.stringify(response)).toMatch(/"Due","value":"[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} \(1 working day\)"/);

    // Sam cannot answer for the other agency.
    expect(cardText(await h.click('stage.respond', { caseRef: ref, position: 'agree' }, SAM))[1]).toMatch(/^Only .+ can respond at this stage\.$/);
    // The counterpart acknowledges (the button goes), then disagrees, first without reasons.
    const acknowledged = await h.click('stage.acknowledge', { caseRef: ref }, receiverAad);
    expect((acknowledged.actions as { verb: string }[]).map((a) => a.verb)).toEqual(['stage.respond']);
    expect(cardText(await h.click('stage.respond', { caseRef: ref, position: 'disagree', rationale: ' ' }, receiverAad))[1]).toBe('Give the reasons for your response.');
    const toBoth = h.sent.length;
    const responded = await h.click('stage.respond', { caseRef: ref, position: 'disagree', rationale: 'Threshold not met on what we hold.' }, receiverAad);
    expect(cardText(responded)[1]).toBe('Responded: disagreed');
    expect((await h.app.cases.load(ref))!.current!.response).toMatchObject({ position: 'disagree', rationale: 'Threshold not met on what we hold.' });
    const told = h.sent.slice(toBoth).map((s) => [s.path.includes(`personal-${SAM}`) ? 'Sam' : s.path.includes(`personal-${PRIYA}`) ? 'Priya' : 'other', s.body.text]);
    expect(told).toEqual(
      expect.arrayContaining([
        ['Priya', expect.stringContaining('disagreed at Stage 1: "Threshold not met on what we hold."')],
        ['Sam', expect.stringContaining('disagreed at Stage 1: "Threshold not met on what we hold."')],
      ]),
    );

    // Refreshed now, Priya's card no longer offers Approve: it says where the case stands.
    expect(cardText(await h.click('card.refresh', { card: 'approval', caseRef: ref }, PRIYA))[1]).toMatch(new RegExp(`^${ref}: Stage 1 is open with (.+) \\(County Police\\); \\1 has responded\\.$`));

    // The old card clicked again: nothing changes, and the card shows the case as it now stands.
    const again = await h.click('escalation.approve', { caseRef: ref, stage: 1 }, PRIYA);
    expect(cardText(again)).toEqual([`Case ${ref}`, `${ref}: Stage 1 is open with DS Anita Kaur (County Police); DS Anita Kaur has responded.`]);
    expect((await h.app.store.load(ref)).filter((e) => e.event.type === 'stage-opened')).toHaveLength(1);

    // The thread: Sam's reply reaches everyone else taking part, and is in the timeline.
    const thread = h.sent.length;
    await h.say(`reply ${ref.toLowerCase()} Can we talk tomorrow at 10?`);
    expect(h.sent.slice(thread).filter((s) => s.path.includes(`personal-${SAM}`)).map((s) => s.body.text)).toEqual([`Sent to the 2 other people taking part in ${ref}.`]);
    const relayed = h.sent.slice(thread).filter((s) => !s.path.includes(`personal-${SAM}`));
    expect(relayed.map((s) => s.body.text)).toEqual([`${ref}, Sam Whitlock (Children's Social Care): Can we talk tomorrow at 10?`, `${ref}, Sam Whitlock (Children's Social Care): Can we talk tomorrow at 10?`]);
    expect((await h.app.store.load(ref)).at(-1)!.event).toMatchObject({ type: 'message-posted', data: { text: 'Can we talk tomorrow at 10?' } });
    // Someone not taking part cannot post (nor learn that the case exists); the receiving side cannot withdraw the concern.
    expect((await h.say(`reply ${ref} hello`, '00000000-0000-0000-0000-000000000003')).map((b) => b.text)).toEqual([`There is no case ${ref} that you are part of.`]);
    expect((await h.say(`withdraw ${ref} not needed`, receiverAad)).map((b) => b.text)).toEqual(['Only the escalating agency can withdraw its concern.']);
    // Sam withdraws it; the case closes.
    expect((await h.say(`withdraw ${ref} Resolved by phone with the police.`)).map((b) => b.text)).toContain(`${ref} is withdrawn and closed; the others taking part have been told.`);
    expect((await h.app.cases.load(ref))!).toMatchObject({ phase: 'closed', outcome: 'withdrawn' });
  }, 60_000);

  it('returns a request only with a comment, and resolves one within the agency, telling the practitioner each time', async () => {
    const open = async () => {
      await walkToSummary(h);
      return /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(cardText(await h.click('intake.submit', {}))[0]!)![1]!;
    };
    const toSam = (from: number) => h.sent.slice(from).filter((s) => s.path.includes(`personal-${SAM}`)).map((s) => s.body.text);

    const first = await open();
    expect(cardText(await h.click('escalation.return', { caseRef: first, stage: 1, comment: ' ' }, PRIYA))[1]).toBe('Add a comment to say why it is returned.');
    let from = h.sent.length;
    const returned = await h.click('escalation.return', { caseRef: first, stage: 1, comment: 'Speak to the DS first, then come back to me.' }, PRIYA);
    expect(cardText(returned)[1]).toBe('Returned to the practitioner with a comment');
    expect(toSam(from)).toEqual([`${first}: Priya Natarajan returned your request for the next stage: "Speak to the DS first, then come back to me."`]);
    expect((await h.app.cases.load(first))!.phase).toBe('ready');
    // Having spoken to the DS, Sam asks again; Priya gets a new approval card.
    from = h.sent.length;
    expect((await h.say(`escalate ${first.toLowerCase()} Spoke to the DS; no change.`)).map((b) => b.text)).toContain(
      `${first}: I have asked Priya Natarajan (Children's Social Care) to approve raising Stage 1 with County Police; you will hear when they decide.`,
    );
    expect(h.sent.slice(from).filter((s) => s.path.includes(`personal-${PRIYA}`) && s.body.attachments)).toHaveLength(1);
    expect((await h.app.cases.load(first))!.pendingEscalation).toMatchObject({ toStage: 1, note: 'Spoke to the DS; no change.' });

    const second = await open();
    from = h.sent.length;
    const resolved = await h.click('escalation.resolve-within', { caseRef: second, stage: 1, comment: 'Our duty manager has agreed a joint visit.' }, PRIYA);
    expect(cardText(resolved)[1]).toBe('Resolved within our agency; the case is closed');
    expect(toSam(from)).toEqual([`${second}: Priya Natarajan resolved it within Children's Social Care without escalating, and the case is closed: "Our duty manager has agreed a joint visit."`]);
    expect((await h.app.cases.load(second))!).toMatchObject({ phase: 'closed', outcome: 'resolved-within-agency' });
  }, 60_000);

  it('asks the professionals to talk first where the procedure says so, then escalates or closes on what they report', async () => {
    const open = async () => {
      await walkToSummary(h, SAM, { 'discussed-with-other-professional': 'no' });
      return cardText(await h.click('intake.submit', {}));
    };
    const [title, text] = await open();
    const ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(title!)![1]!;
    expect(text).toBe(
      `Your concern is recorded under ${ref}. Discuss it with the professional in the other agency and try to resolve it. If it is not resolved, proceed to Stage 1. Then tell me how it went: \`tried ${ref} resolved <what was agreed>\` or \`tried ${ref} not resolved <why>\`.`,
    );
    expect((await h.app.cases.load(ref))!.phase).toBe('informal');
    expect((await h.say(`tried ${ref} not resolved`)).map((b) => b.text)).toContain('Say briefly what was discussed with the other professional.');
    expect((await h.say(`tried ${ref} not resolved They will not reconsider.`)).map((b) => b.text)).toContain(
      `${ref}: I have asked Priya Natarajan (Children's Social Care) to approve raising Stage 1 with County Police; you will hear when they decide.`,
    );
    expect((await h.app.cases.load(ref))!.pendingEscalation).toMatchObject({ toStage: 1, reason: 'informal-attempt-failed' });

    const [second] = await open();
    const other = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(second!)![1]!;
    expect((await h.say(`tried ${other} resolved Agreed a joint visit.`)).map((b) => b.text)).toEqual([`${other} is closed: resolved between the professionals.`]);
    expect((await h.app.cases.load(other))!).toMatchObject({ phase: 'closed', outcome: 'resolved-informally' });
  }, 60_000);

  it('takes a request for more time as a day, due at 17:00 London on it', async () => {
    await walkToSummary(h);
    const ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(cardText(await h.click('intake.submit', {}))[0]!)![1]!;
    await h.click('escalation.approve', { caseRef: ref, stage: 1 }, PRIYA);
    const receiver = (await h.app.cases.load(ref))!.current!.receiver;
    const aad = h.app.directory.people.find((p) => p.id === receiver.personId)!.identities.teams!.aadObjectId;
    const answered = await h.click('stage.respond', { caseRef: ref, position: 'more-time', rationale: 'Awaiting the incident log.', proposedDate: '2026-12-01' }, aad);
    expect(cardText(answered)[1]).toBe('Responded: asked for more time');
    expect((await h.app.cases.load(ref))!.current!.response).toMatchObject({ position: 'more-time', proposedDue: '2026-12-01T17:00:00.000Z' });
  }, 60_000);
});
