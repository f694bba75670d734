/**
 * Slack's renderings of the channel-neutral views: the same buttons as the Adaptive Cards, every
 * text object inside Slack's limits, modal inputs named as the app reads them.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarise, type CaseSummary } from '../../src/app/case-summary.js';
import { approvalView, boardNoticeView, decidedView, lapseView, notice, resolutionConfirmView, resolutionView, responseView, type CardView } from '../../src/app/case-views.js';
import type { IntakeView } from '../../src/app/intake-sessions.js';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { londonTime } from '../../src/app/replies.js';
import { CARDS_DIR, renderCard } from '../../src/cards/render-card.js';
import { intakeSteps, STEP, type IntakeStep } from '../../src/domain/intake.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { bindingDecisionView, bindingNoticeView, bindingRouteView, debriefView, extensionView, quickerDueView, reviewView } from '../../src/app/outcome-views.js';
import { inputModal, inputsOf, messageOf, mrkdwn, stepModal } from '../../src/slack/blocks.js';
import { STEPS, STEP_VERBS } from '../../src/app/steps/index.js';
import { asksInForm } from '../../src/app/steps/step.js';
import { homeView } from '../../src/slack/home-view.js';
import { INTAKE_BUTTONS, INTAKE_CALLBACKS, intakeModal } from '../../src/slack/intake-modals.js';
import { CaseDriver } from '../support/case-driver.js';
import { actorOf, participant } from '../support/people.js';
import { openCase, partiesFor, practitioner, raiserOf } from '../support/walk.js';
import { nodes, type Node } from '../support/nodes.js';

/**
 * The steps that ask for inputs in a form (a modal) built from their fields, as the step table
 * declares them; those whose form offers what the case holds are built by `stepModal` from their
 * card (tested below, per card).
 */
const MODAL_VERBS = STEPS.filter((s) => asksInForm(s) && !s.form?.fromCard).map((s) => s.verb);
const CARD_MODAL_VERBS = STEPS.filter((s) => s.form?.fromCard).map((s) => s.verb);

const buttons = (x: unknown) => nodes(x).filter((n) => n.type === 'button');
const actionIds = (x: unknown) => buttons(x).map((b) => b.action_id);
const allText = (x: unknown) => nodes(x).map((n) => (typeof n.text === 'string' ? n.text : '')).join('\n');

/** Slack's published limits, checked independently of the constants the renderer uses. */
function limitProblems(root: unknown): string[] {
  const problems: string[] = [];
  const textWithin = (where: string, t: unknown, max: number) => {
    const s = (t as { text?: unknown } | undefined)?.text;
    if (typeof s !== 'string' || s.length === 0 || s.length > max) problems.push(`${where}: ${typeof s === 'string' ? s.length : 'missing'} (max ${max})`);
  };
  const countWithin = (where: string, xs: unknown, max: number) => {
    if (Array.isArray(xs) && xs.length > max) problems.push(`${where}: ${xs.length} (max ${max})`);
  };
  for (const n of nodes(root)) {
    switch (n.type) {
      case 'modal':
        textWithin('modal title', n.title, 24);
        if (n.submit) textWithin('modal submit', n.submit, 24);
        if (n.close) textWithin('modal close', n.close, 24);
        countWithin('view blocks', n.blocks, 100);
        if (typeof n.private_metadata === 'string' && n.private_metadata.length > 3000) problems.push('private_metadata');
        break;
      case 'home':
        countWithin('view blocks', n.blocks, 100);
        break;
      case 'section':
        if (n.text) textWithin('section text', n.text, 3000);
        if (!n.text && !n.fields) problems.push('section without text');
        countWithin('section fields', n.fields, 10);
        for (const f of (n.fields as unknown[] | undefined) ?? []) textWithin('section field', f, 2000);
        break;
      case 'header':
        textWithin('header', n.text, 150);
        break;
      case 'context':
        countWithin('context elements', n.elements, 10);
        for (const e of n.elements as unknown[]) textWithin('context element', e, 3000);
        break;
      case 'actions':
        countWithin('actions elements', n.elements, 25);
        break;
      case 'button':
        textWithin('button', n.text, 75);
        if (typeof n.value === 'string' && n.value.length > 2000) problems.push('button value');
        break;
      case 'input':
        textWithin('input label', n.label, 2000);
        if (n.hint) textWithin('input hint', n.hint, 2000);
        break;
      case 'radio_buttons':
        countWithin('radio options', n.options, 10);
        break;
      case 'static_select':
        countWithin('select options', n.options, 100);
        break;
      case 'plain_text_input':
        if (typeof n.max_length === 'number' && n.max_length > 3000) problems.push('max_length');
        if (typeof n.initial_value === 'string' && n.initial_value.length > 3000) problems.push('initial_value');
        break;
      case 'plain_text':
      case 'mrkdwn':
        if (typeof n.text !== 'string' || n.text.length === 0) problems.push(`empty ${n.type}`);
        break;
    }
    // An option: a text object and a value, no type of its own.
    if (n.type === undefined && 'value' in n && 'text' in n) {
      textWithin('option', n.text, 75);
      if (String(n.value).length > 150) problems.push('option value');
    }
  }
  return problems;
}

const messageProblems = (m: { text: string; blocks: unknown[] }) => [
  ...limitProblems(m.blocks),
  ...(m.blocks.length > 50 ? [`message blocks: ${m.blocks.length}`] : []),
  ...(m.text.length === 0 || m.text.includes('\n') ? ['fallback text is not one line'] : []),
];

const KNOWN_VERBS: readonly string[] = [...STEP_VERBS, 'intake.start'];

let policy: Policy;
beforeAll(async () => {
  policy = (await loadPolicyCatalog()).get('bscb')!;
});
const START = '2026-11-23T10:00:00Z'; // a Monday
const REF = 'RES-2026-0007';

/** A case opened through the intake walk, with the practitioner asking for Stage 1 (which a manager raises). */
function caseAwaitingApproval(): CaseDriver {
  const d = new CaseDriver(new Date(START));
  openCase(d, policy, { ref: REF });
  d.do({ type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: 'Please raise this.', approver: participant('team-manager', 'health') });
  return d;
}

function caseAtStage1(): CaseDriver {
  const d = caseAwaitingApproval();
  const stage = policy.stages[0]!;
  d.at('2026-11-23T11:00:00Z').do({ type: 'approve-escalation', actor: actorOf(raiserOf(stage)), parties: partiesFor(stage) });
  return d;
}

describe('messages', () => {
  it('approval: Approve, Return…, Resolve within…, with the case and its history', () => {
    const d = caseAwaitingApproval();
    const m = messageOf(approvalView(d.s, d.events, d.now));
    expect(actionIds(m)).toEqual(['escalation.approve', 'escalation.return', 'escalation.resolve-within']);
    expect(buttons(m).map((b) => b.value)).toEqual([REF, REF, REF]);
    expect(buttons(m)[0]!.style).toBe('primary');
    expect(allText(m)).toContain(REF);
    expect(allText(m)).toContain('Team managers');
    expect(m.blocks.some((b) => b.type === 'context' && allText(b).includes('Case opened'))).toBe(true);
    expect(m.text).toBe(`Case ${REF}: approval needed to raise this with County Police.`);
    expect(messageProblems(m)).toEqual([]);
  });

  it('response: Acknowledge goes once the stage is acknowledged', () => {
    const d = caseAtStage1();
    const before = messageOf(responseView(d.s, d.events));
    expect(actionIds(before)).toEqual(['stage.acknowledge', 'stage.respond']);
    d.do({ type: 'acknowledge', actor: actorOf(d.s.current!.receiver), note: '' });
    const after = messageOf(responseView(d.s, d.events));
    expect(actionIds(after)).toEqual(['stage.respond']);
    expect(allText(after)).toContain('Acknowledged');
    expect(messageProblems(before)).toEqual([]);
    expect(messageProblems(after)).toEqual([]);
  });

  it('lapse: Escalate to the next stage, Allow more time…, Chase again', () => {
    const d = caseAtStage1();
    const m = messageOf(lapseView(d.s, 2));
    expect(actionIds(m)).toEqual(['lapse.escalate', 'lapse.extend', 'lapse.chase']);
    expect(buttons(m)[0]).toMatchObject({ style: 'primary', value: REF, text: { text: 'Escalate to Stage 2' } });
    expect(messageProblems(m)).toEqual([]);
  });

  it('board notice, resolution, resolution confirm, decided and notice', () => {
    const d = caseAtStage1();
    const cur = d.s.current!;
    expect(actionIds(messageOf(boardNoticeView(d.s, d.now)))).toEqual(['case.timeline']);
    expect(actionIds(messageOf(resolutionView(d.s, cur.receiver)))).toEqual(['resolution.propose']);
    d.do({ type: 'respond', actor: actorOf(cur.receiver), position: 'agree', rationale: '' });
    d.do({
      type: 'propose-resolution',
      actor: actorOf(cur.raiser),
      summary: 'A strategy discussion will be held.',
      actions: [{ description: 'Hold the strategy discussion', owner: cur.receiver.name, due: '2026-12-04' }],
      reviewDate: '2026-12-11',
    });
    const confirm = messageOf(resolutionConfirmView(d.s));
    expect(actionIds(confirm)).toEqual(['resolution.confirm', 'resolution.reject']);
    expect(allText(confirm)).toContain('Hold the strategy discussion');
    expect(allText(confirm)).toContain('2026-12-11');
    const decided = messageOf(decidedView(d.s, 'Escalation approved', cur.raiser, START, 'Go ahead.'));
    expect(actionIds(decided)).toEqual([]);
    expect(allText(decided)).toContain('Go ahead.');
    expect(actionIds(messageOf(notice('Done', 'All **done**.')))).toEqual([]);
    for (const m of [confirm, decided, messageOf(boardNoticeView(d.s, d.now))]) expect(messageProblems(m)).toEqual([]);
  });

  it('welcome: Raise a concern, My cases, Help, with no case reference', () => {
    const m = messageOf({ card: 'welcome', data: { firstName: 'Priya', partnership: 'Northshire Safeguarding Children Partnership' } });
    expect(actionIds(m)).toEqual(['intake.start', 'cases.mine', 'help']);
    expect(buttons(m).map((b) => b.value)).toEqual(['', '', '']);
  });

  // The card samples hold example data for every card: Slack must offer the same buttons Teams does.
  const CARD_KINDS = ['approval', 'response', 'lapse', 'decided', 'board-notice', 'resolution', 'resolution-confirm', 'notice', 'welcome'] as const;
  it.each(CARD_KINDS.map((k) => [k]))('%s offers the same buttons as its Adaptive Card sample, within limits', (card) => {
    const data = JSON.parse(readFileSync(join(CARDS_DIR, 'samples', `${card}.json`), 'utf8')) as object;
    const m = messageOf({ card, data } as CardView);
    const cardVerbs = nodes(renderCard(card, data))
      .filter((n) => typeof n.verb === 'string' && n.verb !== 'card.refresh')
      .map((n) => n.verb);
    expect(actionIds(m)).toEqual(cardVerbs);
    for (const id of actionIds(m)) expect(KNOWN_VERBS).toContain(id);
    expect(messageProblems(m)).toEqual([]);
  });

  it('stays within Slack’s limits however long the data', () => {
    const long = (n: number) => 'x'.repeat(n);
    const history = Array.from({ length: 25 }, (_, i) => ({ at: `${i + 1} Jun 2025`, who: `Person ${i + 1} ${long(400)}`, what: `Step ${i + 1}` }));
    const views: CardView[] = [
      {
        card: 'approval',
        data: { caseRef: REF, receivingAgency: long(300), stageNumber: 2, stageName: long(3000), due: long(3000), earlierDue: true, raisedBy: long(3000), concern: `${long(10_000)} <b>&`, history },
      },
      {
        card: 'response',
        data: { caseRef: REF, raisedBy: long(200), raisingAgency: long(200), receivingAgency: long(200), stageNumber: 1, stageName: 's', due: 'd', concern: long(7000), acknowledged: false, history, advisers: [long(3000), long(3000)] },
      },
      { card: 'lapse', data: { caseRef: REF, stage: 1, why: long(6000), lapsed: true, nextStage: 2, nextWho: long(2000), otherRoutes: [long(3000)], routes: [{ toStage: 5, title: long(300), label: long(3000), condition: long(3000) }] } },
      {
        card: 'board-notice',
        data: { caseRef: REF, stageNumber: 4, stageName: long(500), agencies: [long(3000)], opened: 'o', areas: [long(3000)], monitoring: Array.from({ length: 25 }, (_, i) => ({ label: `L${i}`, value: long(2500) })) },
      },
      { card: 'resolution-confirm', data: { caseRef: REF, stageNumber: 1, proposedBy: long(500), summary: long(9000), actions: Array.from({ length: 12 }, () => ({ description: long(3000), owner: 'o', due: 'd' })), reviewDate: 'r' } },
      { card: 'decided', data: { caseRef: REF, stageNumber: '1', stageName: 'n', decision: long(500), decidedBy: 'b', decidedAt: 'a', comment: '' } },
      notice(long(400), Array.from({ length: 1000 }, (_, i) => `- line ${i} ${long(200)}`).join('\n')),
      notice('t', `${long(5000)} & ${long(2998)}`),
    ];
    for (const view of views) {
      const m = messageOf(view);
      expect([view.card, messageProblems(m)]).toEqual([view.card, []]);
    }
    const approval = messageOf(views[0]!);
    const shown = approval.blocks.find((b) => b.type === 'context' && allText(b).includes('History'));
    expect(allText(shown)).toContain('Step 25');
    expect(allText(shown)).not.toContain('Step 15,');
    expect(allText(shown)).toContain('the last 10 of 25');
    // A notice too long for one message still ends inside the block limit, saying it was shortened.
    const longNotice = messageOf(views[6]!);
    expect(longNotice.blocks.length).toBeLessThanOrEqual(50);
    expect(allText(longNotice)).toContain('line 0');
    expect(allText(longNotice.blocks.at(-1))).toContain('shortened');
  });
});

describe('mrkdwn', () => {
  it('escapes what Slack parses and turns Markdown bold into Slack bold', () => {
    expect(mrkdwn('<script>alert("x")</script> & co')).toBe('&lt;script&gt;alert("x")&lt;/script&gt; &amp; co');
    expect(mrkdwn('**x** and **RES-1**')).toBe('*x* and *RES-1*');
    expect(mrkdwn('say `status RES-1` or `**not bold**`')).toBe('say `status RES-1` or `**not bold**`');
    expect(mrkdwn('a <@U123> mention')).not.toContain('<@');
  });

  it('a notice’s text reaches Slack escaped', () => {
    const m = messageOf(notice('Hi', '<!channel> **now**'));
    expect(allText(m)).toContain('&lt;!channel&gt; *now*');
    expect(m.text).not.toContain('<!channel>');
  });
});

describe('input modals', () => {
  const FIELDS: Record<string, { required: string[]; optional: string[] }> = {
    'escalation.return': { required: ['comment'], optional: [] },
    'escalation.resolve-within': { required: ['comment'], optional: [] },
    'stage.respond': { required: ['position'], optional: ['rationale', 'proposedDate'] },
    'resolution.propose': { required: ['summary'], optional: [...[1, 2, 3].flatMap((n) => [`action${n}`, `owner${n}`, `due${n}`]), 'reviewDate'] },
    'resolution.reject': { required: [], optional: ['comment'] },
    'lapse.extend': { required: [], optional: ['newDue'] },
  };
  const origin = { channel: 'D123', ts: '1700000000.000100' };
  const inputBlocks = (v: { blocks: unknown[] }) => (v.blocks as Node[]).filter((b) => b.type === 'input');

  /** What Slack sends back in `view.state.values` when every input is filled in. */
  function filledState(view: { blocks: unknown[] }, blankIds: string[] = []): { values: Record<string, Record<string, unknown>>; expected: Record<string, string> } {
    const values: Record<string, Record<string, unknown>> = {};
    const expected: Record<string, string> = {};
    for (const block of inputBlocks(view)) {
      const el = block.element as Node;
      const id = el.action_id as string;
      const blank = blankIds.includes(id);
      let state: Node;
      if (el.type === 'plain_text_input') state = { type: el.type, value: blank ? null : `text for ${id}` };
      else if (el.type === 'datepicker') state = { type: el.type, selected_date: blank ? null : '2026-12-01' };
      else {
        const opt = (el.options as Node[]).at(-1)!;
        state = { type: el.type, selected_option: blank ? null : opt };
      }
      values[block.block_id as string] = { [id]: state };
      if (!blank) expected[id] = el.type === 'plain_text_input' ? `text for ${id}` : el.type === 'datepicker' ? '2026-12-01' : ((el.options as Node[]).at(-1)!.value as string);
    }
    return { values, expected };
  }

  it('opens a modal for exactly the steps that ask for inputs not on the card', () => {
    expect([...MODAL_VERBS].sort()).toEqual(Object.keys(FIELDS).sort());
  });

  it.each(MODAL_VERBS.map((v) => [v]))('%s: names its inputs as the app reads them and round-trips through inputsOf', (verb) => {
    const view = inputModal(verb, REF, origin, { otherSide: 'DS Anita Kaur (County Police)' });
    expect(view.callback_id).toBe(verb);
    expect(JSON.parse(view.private_metadata!)).toEqual({ caseRef: REF, origin });
    expect(view.submit).toBeDefined();
    expect(limitProblems(view)).toEqual([]);
    const inputs = inputBlocks(view);
    for (const b of inputs) expect(b.block_id).toBe((b.element as Node).action_id);
    const { required, optional } = FIELDS[verb]!;
    expect(inputs.map((b) => b.block_id).sort()).toEqual([...required, ...optional].sort());
    expect(inputs.filter((b) => !b.optional).map((b) => b.block_id)).toEqual(required);
    expect(allText(view)).toMatch(/case reference only/);

    const { values, expected } = filledState(view);
    expect(inputsOf(values)).toEqual(expected);
    // Blank answers are left out, not sent as empty strings.
    const [first] = [...required, ...optional];
    const partly = filledState(view, [first!]);
    expect(inputsOf(partly.values)).not.toHaveProperty(first!);
    expect(Object.keys(inputsOf(partly.values)).length).toBe(Object.keys(expected).length - 1);
  });

  it('stage.respond offers the three positions; resolution.propose names the other side', () => {
    const respond = inputModal('stage.respond', REF, null);
    const position = inputBlocks(respond).find((b) => b.block_id === 'position')!.element as Node;
    expect(position.type).toBe('radio_buttons');
    expect((position.options as Node[]).map((o) => [o.value, (o.text as Node).text])).toEqual([
      ['agree', 'Agree'],
      ['disagree', 'Disagree (give reasons)'],
      ['more-time', 'Need more time'],
    ]);
    expect(JSON.parse(respond.private_metadata!)).toEqual({ caseRef: REF, origin: null });
    expect(allText(inputModal('resolution.propose', REF, null, { otherSide: 'DS Anita Kaur (County Police)' }))).toContain('DS Anita Kaur (County Police) will be asked to confirm it.');
  });

  it('inputsOf reads selects and ignores what it does not know', () => {
    expect(
      inputsOf({
        a: { pick: { type: 'static_select', selected_option: { value: 'police', text: { type: 'plain_text', text: 'Police' } } } },
        b: { text: { type: 'plain_text_input', value: '   ' }, odd: { type: 'checkboxes', selected_options: [] }, junk: 'x' },
      }),
    ).toEqual({ pick: 'police' });
  });
});

describe('intake modals', () => {
  const ctx = (n: number) => ({ otherAgencies: Array.from({ length: n }, (_, i) => ({ value: `agency-${i}`, label: `Agency ${i}` })) });
  const stepOf = (id: string, draft: Record<string, string | boolean> = {}, agencies = 3): IntakeStep => intakeSteps(policy, ctx(agencies), draft).find((s) => s.id === id)!;
  const stepView = (step: IntakeStep, extra: Partial<Extract<IntakeView, { kind: 'step' }>> = {}): IntakeView => ({ kind: 'step', step, number: 2, count: 9, ...extra });
  const answerOf = (v: { blocks: unknown[] }) => (v.blocks as Node[]).find((b) => b.type === 'input')!;

  it('yes-no: radio buttons yes/no, with the answer so far preselected', () => {
    const view = intakeModal(stepView(stepOf(STEP.urgent), { value: false }));
    expect(view).toMatchObject({ callback_id: 'intake.step', title: { text: 'Escalate a disagreement' }, submit: { text: 'Next' }, close: { text: 'Close' } });
    expect(JSON.parse(view.private_metadata!)).toEqual({ stepId: STEP.urgent });
    const input = answerOf(view);
    expect(input.block_id).toBe('answer');
    expect(input.element).toMatchObject({ type: 'radio_buttons', action_id: 'answer', initial_option: { value: 'no' } });
    expect(((input.element as Node).options as Node[]).map((o) => o.value)).toEqual(['yes', 'no']);
    expect(allText(view)).toContain('Step 2 of 9');
    expect(limitProblems(view)).toEqual([]);
  });

  it('choice: radio buttons for up to five choices, a menu for more', () => {
    const few = answerOf(intakeModal(stepView(stepOf(STEP.agency), { value: 'agency-1' }))).element as Node;
    expect(few).toMatchObject({ type: 'radio_buttons', initial_option: { value: 'agency-1' } });
    const many = answerOf(intakeModal(stepView(stepOf(STEP.agency, {}, 7), { value: 'agency-6' }))).element as Node;
    expect(many).toMatchObject({ type: 'static_select', action_id: 'answer', initial_option: { value: 'agency-6', text: { text: 'Agency 6' } } });
    expect(many.options as Node[]).toHaveLength(7);
    // An answer that is no longer offered is not preselected (Slack would refuse the view).
    expect(answerOf(intakeModal(stepView(stepOf(STEP.agency), { value: 'gone' }))).element).not.toHaveProperty('initial_option');
  });

  it('text: a multiline box for long answers, one line for a reference, prefilled', () => {
    const long = answerOf(intakeModal(stepView(stepOf(STEP.decision), { value: 'No further action' })));
    expect(long).toMatchObject({ optional: false, element: { type: 'plain_text_input', multiline: true, max_length: 2000, initial_value: 'No further action' } });
    const ref = answerOf(intakeModal(stepView(stepOf(STEP.ref), { value: 'HLT-104233' })));
    expect(ref).toMatchObject({ element: { type: 'plain_text_input', multiline: false, max_length: 64, initial_value: 'HLT-104233' } });
    const reflective = intakeSteps(policy, ctx(3), { [STEP.urgent]: false }).find((s) => s.kind === 'text' && s.optional);
    if (reflective) expect(answerOf(intakeModal(stepView(reflective))).optional).toBe(true);
  });

  it('shows the alert first, the error just above the input, and Back / Cancel buttons', () => {
    const view = intakeModal(stepView(stepOf(STEP.agency), { alert: 'Call the police now.', error: 'Please pick one of the options.' }));
    const types = view.blocks.map((b) => b.type);
    expect(allText(view.blocks[0])).toContain(':warning:');
    expect(allText(view.blocks[0])).toContain('Call the police now.');
    const inputAt = types.indexOf('input');
    expect(allText(view.blocks[inputAt - 1])).toContain(':x: Please pick one of the options.');
    const actionsBlock = view.blocks.at(-1)!;
    expect(actionIds(actionsBlock)).toEqual([...INTAKE_BUTTONS]);
    expect(buttons(actionsBlock).map((b) => [b.value, b.style])).toEqual([
      ['', undefined],
      ['', 'danger'],
    ]);
  });

  it('summary, and the views that end the walk', () => {
    const summary = intakeModal({ kind: 'summary', answers: [{ question: 'Agency', answer: 'County Police' }] });
    expect(summary).toMatchObject({ callback_id: 'intake.submit', submit: { text: 'Submit' } });
    expect(allText(summary)).toContain('*Agency*\nCounty Police');
    expect(allText(summary)).toContain("Check that no answer contains a child's name, date of birth or NHS number.");
    expect(actionIds(summary)).toContain('intake.back');

    const ends: IntakeView[] = [
      { kind: 'urgent-guidance', guidance: 'Act now.', contacts: ['childrens-social-care', 'police'] },
      { kind: 'opened', ref: REF, startStage: 1 },
      { kind: 'cancelled' },
      { kind: 'refused', message: 'Not now.' },
    ];
    for (const v of ends) {
      const modal = intakeModal(v);
      expect(modal.callback_id).toBe('intake.done');
      expect(modal.submit).toBeUndefined();
      expect(modal.close).toMatchObject({ text: 'Close' });
      expect(actionIds(modal)).toEqual([]);
      expect(limitProblems(modal)).toEqual([]);
    }
    expect(allText(intakeModal(ends[0]!))).toContain("Children's Social Care or the police (999 in an emergency)");
    expect(allText(intakeModal(ends[1]!))).toContain(REF);
    for (const cb of [summary.callback_id]) expect(INTAKE_CALLBACKS).toContain(cb);
  });
});

describe('home view', () => {
  function summaries(): CaseSummary[] {
    const d = caseAtStage1();
    const open = summarise(d.s, d.now.toISOString());
    return [
      open,
      { ...open, ref: 'RES-2026-0002', phase: 'closed', nextDue: null },
      { ...open, ref: 'RES-2026-0003', phase: 'awaiting-approval', stage: null, nextDue: null },
      { ...open, ref: 'RES-2026-0004', nextDue: null, overdueSince: '2026-11-24T10:00:00Z' },
    ];
  }

  it('lists open cases only, each with its stage, what is due and a timeline button', () => {
    const cases = summaries();
    expect(cases[0]!.nextDue).not.toBeNull();
    const view = homeView('Priya', 'Northshire Safeguarding Children Partnership', cases);
    expect(view.type).toBe('home');
    const timeline = buttons(view).filter((b) => b.action_id === 'case.timeline');
    expect(timeline.map((b) => b.value)).toEqual([REF, 'RES-2026-0003', 'RES-2026-0004']);
    expect(actionIds(view)).toContain('intake.start');
    const text = allText(view);
    expect(text).toContain('Hello Priya');
    expect(text).not.toContain('RES-2026-0002');
    expect(text).toContain('*RES-2026-0003*: before Stage 1');
    expect(text).toContain('Stage 1, open');
    expect(text).toContain(`Overdue since ${londonTime('2026-11-24T10:00:00Z')}`);
    expect(text).toContain(`Due ${londonTime(cases[0]!.nextDue!)}`);
    expect(limitProblems(view)).toEqual([]);
  });

  it('says so when there is no open case, and caps a long list', () => {
    const [open, closed] = summaries();
    expect(allText(homeView('Sam', 'P', [closed!]))).toContain('You are not taking part in any open case.');
    const many = Array.from({ length: 45 }, (_, i) => ({ ...open!, ref: `RES-2026-${String(i + 1).padStart(4, '0')}` }));
    const view = homeView('Sam', 'P', many);
    expect(buttons(view).filter((b) => b.action_id === 'case.timeline')).toHaveLength(40);
    expect(allText(view)).toContain('5 more open cases');
    expect(limitProblems(view)).toEqual([]);
  });
});

describe('the later steps', () => {
  const origin = { channel: 'D123', ts: '1700000000.000100' };
  const inputBlocks = (v: { blocks: unknown[] }) => (v.blocks as Node[]).filter((b) => b.type === 'input');
  const AGENCIES = [
    { id: 'health', name: 'Riverside Health Trust' },
    { id: 'police', name: 'County Police' },
    { id: 'school', name: 'Hill School' },
  ];

  function stage4(): CaseDriver {
    const d = new CaseDriver(new Date(START));
    openCase(d, policy, { ref: REF });
    for (let n = 1; n <= 4; n++) {
      if (n > 1) d.do({ type: 'respond', actor: actorOf(d.s.current!.receiver), position: 'disagree', rationale: 'It stands.' });
      const stage = policy.stages[n - 1]!;
      const raiser = n === 1 ? raiserOf(stage) : d.s.current!.raiser;
      if (n === 1) {
        d.do({ type: 'request-escalation', actor: actorOf(practitioner()), toStage: 1, reason: 'not-resolved', note: '', approver: raiser });
        d.do({ type: 'approve-escalation', actor: actorOf(raiser), parties: partiesFor(stage) });
      } else {
        d.do({ type: 'request-escalation', actor: actorOf(practitioner()), toStage: n, reason: 'not-resolved', note: '', approver: raiserOf(stage) });
        d.do({ type: 'approve-escalation', actor: actorOf(raiserOf(stage)), parties: partiesFor(stage) });
      }
    }
    return d;
  }

  /** What Slack sends back for every input filled in, and what `inputsOf` should read. */
  function filled(view: { blocks: unknown[] }) {
    const values: Record<string, Record<string, unknown>> = {};
    const expected: Record<string, string> = {};
    for (const block of inputBlocks(view)) {
      const el = block.element as Node;
      const id = el.action_id as string;
      let state: Node;
      let value: string;
      if (el.type === 'plain_text_input') [state, value] = [{ type: el.type, value: `text for ${id}` }, `text for ${id}`];
      else if (el.type === 'datepicker') [state, value] = [{ type: el.type, selected_date: '2026-12-01' }, '2026-12-01'];
      else if (el.type === 'timepicker') [state, value] = [{ type: el.type, selected_time: '14:30' }, '14:30'];
      else if (el.type === 'multi_static_select') {
        const opts = (el.options as Node[]).slice(0, 3);
        [state, value] = [{ type: el.type, selected_options: opts }, opts.map((o) => o.value).join(',')];
      } else {
        const opt = (el.options as Node[]).at(-1)!;
        [state, value] = [{ type: el.type, selected_option: opt }, opt.value as string];
      }
      values[block.block_id as string] = { [id]: state };
      expected[id] = value;
    }
    return { values, expected };
  }

  it('more time: Accept at once, Decline… opens a modal for the comment', () => {
    const d = caseAtStage1();
    d.do({ type: 'respond', actor: actorOf(d.s.current!.receiver), position: 'more-time', rationale: 'Waiting for records.', proposedDue: '2026-11-26T17:00:00Z' });
    const view = extensionView(d.s)!;
    const m = messageOf(view);
    expect(actionIds(m)).toEqual(['extension.accept', 'extension.decline']);
    expect(buttons(m).map((b) => b.value)).toEqual([REF, REF]);
    expect(allText(m)).toContain('Thu, 26 Nov 2026, 17:00');
    expect(messageProblems(m)).toEqual([]);
    const modal = stepModal('extension.decline', view, origin)!;
    expect(JSON.parse(modal.private_metadata!)).toEqual({ caseRef: REF, origin });
    expect(inputBlocks(modal).map((b) => [b.block_id, b.optional])).toEqual([['comment', false]]);
    expect(limitProblems(modal)).toEqual([]);
    // A modal asked of the wrong view is not built.
    expect(stepModal('extension.decline', quickerDueView(caseAtStage1().s)!, origin)).toBeNull();
  });

  it('quicker due date: the date is required, the time optional; both read back as typed', () => {
    const view = quickerDueView(caseAtStage1().s)!;
    const m = messageOf(view);
    expect(actionIds(m)).toEqual(['stage.quicker-due']);
    expect(messageProblems(m)).toEqual([]);
    const modal = stepModal('stage.quicker-due', view, null)!;
    expect(inputBlocks(modal).map((b) => [b.block_id, (b.element as Node).type, b.optional])).toEqual([
      ['due', 'datepicker', false],
      ['dueTime', 'timepicker', true],
    ]);
    const { values, expected } = filled(modal);
    expect(inputsOf(values)).toEqual(expected);
    expect(expected).toEqual({ due: '2026-12-01', dueTime: '14:30' });
  });

  it('the Chair’s route: radio buttons for the routes, a multi-select of agencies with those in dispute chosen, read back as Teams sends them', () => {
    const d = stage4();
    const view = bindingRouteView(d.s, AGENCIES)!;
    const m = messageOf(view);
    expect(actionIds(m)).toEqual(['binding.route']);
    expect(allText(m)).toContain('A panel of 3 member agencies');
    expect(messageProblems(m)).toEqual([]);
    const modal = stepModal('binding.route', view, origin)!;
    const [route, panel] = inputBlocks(modal);
    expect(route!.element).toMatchObject({ type: 'radio_buttons', action_id: 'route' });
    expect(((route!.element as Node).options as Node[]).map((o) => o.value)).toEqual(['mediation', 'resolution-panel']);
    expect(panel!.element).toMatchObject({ type: 'multi_static_select', action_id: 'panelAgencies' });
    expect(((panel!.element as Node).initial_options as Node[]).map((o) => o.value)).toEqual(['health', 'police']);
    expect(limitProblems(modal)).toEqual([]);
    const { values, expected } = filled(modal);
    expect(inputsOf(values)).toEqual({ ...expected, panelAgencies: 'health,police,school' });
  });

  it('the Chair’s decision, outcome steps, the check back and the debrief: their buttons and modal fields', () => {
    const d = stage4();
    const chair = actorOf(d.s.current!.receiver);
    d.do({ type: 'choose-binding-route', actor: chair, route: 'mediation' });
    const decision = bindingDecisionView(d.s)!;
    expect(actionIds(messageOf(decision))).toEqual(['binding.decide']);
    expect(allText(messageOf(decision))).toContain('final and binding');
    const decideModal = stepModal('binding.decide', decision, null)!;
    expect(inputBlocks(decideModal).filter((b) => !b.optional).map((b) => b.block_id)).toEqual(['decision']);
    expect(inputBlocks(decideModal).map((b) => b.block_id)).toEqual(['decision', ...[1, 2, 3].flatMap((n) => [`action${n}`, `owner${n}`, `due${n}`]), 'reviewDate']);
    expect(limitProblems(decideModal)).toEqual([]);

    d.do({ type: 'record-binding-decision', actor: chair, decision: 'Held.', actions: [{ description: 'Hold a meeting', owner: 'Police', due: '2026-12-04' }], reviewDate: '2026-12-11' });
    const review = reviewView(d.s)!;
    expect(actionIds(messageOf(review))).toEqual(['review.record']);
    const reviewModal = stepModal('review.record', review, null)!;
    expect(inputBlocks(reviewModal).map((b) => [b.block_id, (b.element as Node).type, b.optional])).toEqual([
      ['done1', 'radio_buttons', false],
      ['notes', 'plain_text_input', true],
    ]);
    expect(limitProblems(reviewModal)).toEqual([]);
    const { values } = filled(reviewModal);
    expect(inputsOf(values)).toMatchObject({ done1: 'not-done' });

    d.at('2026-12-11T10:00:00Z').do({ type: 'review-actions', actor: actorOf(practitioner()), done: [true], notes: '' });
    const debrief = debriefView(d.s)!;
    expect(actionIds(messageOf(debrief))).toEqual(['debrief.record']);
    const debriefModal = stepModal('debrief.record', debrief, null)!;
    expect(inputBlocks(debriefModal).map((b) => [b.block_id, b.optional])).toEqual([
      ['wentWell', false],
      ['learning', true],
    ]);
    expect(messageProblems(messageOf(debrief))).toEqual([]);
    expect(messageProblems(messageOf(bindingNoticeView({ ...d.s, phase: 'resolved' })!))).toEqual([]);
  });

  it('outcome steps offer the stage’s own choices', () => {
    const view = { card: 'outcome-step' as const, data: { caseRef: REF, stageNumber: 4, stageName: 'Child Protection Manager', outcomes: [{ title: 'Child protection conference considered', value: 'child-protection-conference-considered' }] } };
    expect(actionIds(messageOf(view))).toEqual(['outcome.record']);
    const modal = stepModal('outcome.record', view, null)!;
    expect(inputBlocks(modal).map((b) => [b.block_id, b.optional])).toEqual([
      ['outcome', false],
      ['note', false],
    ]);
    expect(((inputBlocks(modal)[0]!.element as Node).options as Node[]).map((o) => o.value)).toEqual(['child-protection-conference-considered']);
  });

  it('builds a modal from the card for exactly the steps whose form offers what the case holds', () => {
    expect(CARD_MODAL_VERBS.sort()).toEqual(['binding.decide', 'binding.route', 'debrief.record', 'extension.decline', 'outcome.record', 'review.record', 'route.take', 'stage.quicker-due']);
    // A step whose form is its fields alone gets no card-built modal.
    expect(stepModal('resolution.propose', quickerDueView(caseAtStage1().s)!, null)).toBeNull();
  });

  it('shows the acknowledgement deadline beside the response deadline', () => {
    const m = messageOf(responseView(stage4().s, []));
    expect(allText(m)).toContain('*Acknowledge by*\nWed, 25 Nov 2026, 10:00 (2 working days)');
  });

});
