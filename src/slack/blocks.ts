/**
 * Block Kit renderings of the channel-neutral views in `app/case-views.ts`: Slack's counterpart of
 * the Adaptive Card templates in `cards/`. Layout only: who may act, and what is due, is decided
 * before a view gets here. Buttons carry the verb as `action_id` and the case reference as `value`;
 * a step that asks for inputs (the step table says which) opens `inputModal` instead of carrying
 * them in the message.
 */
import type { ActionsBlock, Button, ContextBlock, HeaderBlock, InputBlock, KnownBlock, ModalView, MrkdwnElement, PlainTextElement, PlainTextOption, SectionBlock } from '@slack/types';
import type { CardView, HistoryLine } from '../app/case-views.js';
import { stepOf, STEPS } from '../app/steps/index.js';
import { isRequired, type Field } from '../app/steps/step.js';

/**
 * Inputs carried in a message rather than a modal (the approval's earlier response date), from the
 * step table's fields marked `onCard`: picking one is only acknowledged; its value reaches the
 * step with the button's click (`state.values`).
 */
export const MESSAGE_INPUTS: readonly string[] = STEPS.flatMap((s) => s.fields.filter((f) => f.onCard).map((f) => f.name));

export type SlackMessage = { text: string; blocks: KnownBlock[] };
export type Origin = { channel: string; ts: string } | null;

/** Slack refuses a whole message or view when one text object is past its limit. */
export const LIMITS = {
  text: 3000,
  field: 2000,
  fieldsPerSection: 10,
  button: 75,
  header: 150,
  option: 75,
  label: 2000,
  title: 24,
  inputLength: 3000,
  messageBlocks: 50,
  viewBlocks: 100,
  fallback: 300,
} as const;

const HISTORY_LINES = 10;
/** Ten lines of clipped parts fit one context element, so the latest line is never the one cut. */
const HISTORY_PART = 120;

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

/** Shortens to `max` characters with '…', never leaving half an `&amp;` or half a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/&[a-z]*$/, '').replace(/[\uD800-\uDBFF]$/, '')}…`;
}

/** The app's Markdown as Slack mrkdwn: `**bold**` becomes `*bold*`; code spans are left as they are. */
export function mrkdwn(text: string): string {
  // Splitting on a capture group puts the code spans at the odd indices.
  return text
    .split(/(`[^`\n]*`)/)
    .map((part, i) => {
      const escaped = part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      return i % 2 === 1 ? escaped : escaped.replace(/\*\*(.+?)\*\*/g, '*$1*');
    })
    .join('');
}

/** Plain text is shown as typed, so only the Markdown markers go; Slack refuses an empty one. */
export const plainText = (text: string, max: number): PlainTextElement => ({ type: 'plain_text', text: clip(text.replace(/\*\*/g, ''), max) || ' ', emoji: true });
export const mrkdwnText = (text: string, max: number = LIMITS.text): MrkdwnElement => ({ type: 'mrkdwn', text: clip(mrkdwn(text), max) });

// ---------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------

export const header = (text: string): HeaderBlock => ({ type: 'header', text: plainText(text, LIMITS.header) });
export const context = (text: string): ContextBlock => ({ type: 'context', elements: [mrkdwnText(text)] });
export const actions = (...elements: Button[]): ActionsBlock => ({ type: 'actions', elements });

export function button(label: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return { type: 'button', text: plainText(label, LIMITS.button), action_id: actionId, value, ...(style ? { style } : {}) };
}

/** Text of any length as sections, split between lines so nothing is cut unless one line is too long. */
export function sections(text: string): SectionBlock[] {
  const chunks: string[] = [];
  for (const line of mrkdwn(text).split('\n').map((l) => clip(l, LIMITS.text))) {
    const last = chunks.length - 1;
    if (last >= 0 && chunks[last]!.length + 1 + line.length <= LIMITS.text) chunks[last] += `\n${line}`;
    else chunks.push(line);
  }
  return chunks.filter((c) => c.trim()).map((c) => ({ type: 'section', text: { type: 'mrkdwn', text: c } }));
}

/** A FactSet as section fields, ten to a section. */
export function facts(pairs: [string, string][]): SectionBlock[] {
  const out: SectionBlock[] = [];
  for (let i = 0; i < pairs.length; i += LIMITS.fieldsPerSection) {
    out.push({ type: 'section', fields: pairs.slice(i, i + LIMITS.fieldsPerSection).map(([k, v]) => mrkdwnText(`**${k}**\n${v || '-'}`, LIMITS.field)) });
  }
  return out;
}

/** Past Slack's block limit the middle goes, keeping the head and the buttons at the end. */
export function capped(blocks: KnownBlock[], max: number): KnownBlock[] {
  if (blocks.length <= max) return blocks;
  const tail = blocks[blocks.length - 1]!.type === 'actions' ? blocks.slice(-1) : [];
  return [...blocks.slice(0, max - tail.length - 1), context('… (shortened to fit in Slack)'), ...tail];
}

const present = (b: KnownBlock | false | undefined | ''): b is KnownBlock => Boolean(b);

function history(lines: HistoryLine[]): ContextBlock | undefined {
  if (lines.length === 0) return undefined;
  const shown = lines.slice(-HISTORY_LINES);
  const head = shown.length < lines.length ? `**History** (the last ${shown.length} of ${lines.length})` : '**History**';
  return context([head, ...shown.map((h) => `${clip(h.at, HISTORY_PART)}: ${clip(h.who, HISTORY_PART)}, ${clip(h.what, HISTORY_PART)}`)].join('\n'));
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

const act = (label: string, verb: string, caseRef: string, style?: 'primary' | 'danger') => button(label, verb, caseRef, style);
const ackFact = (acknowledgeBy: string | undefined): [string, string][] => (acknowledgeBy ? [['Acknowledge by', acknowledgeBy]] : []);

/** The message for one view; `text` is the one-line notification fallback, as the cards' fallbackText. */
export function messageOf(view: CardView): SlackMessage {
  const { text, blocks } = layout(view);
  return { text: clip(mrkdwn(text.replace(/\s+/g, ' ').trim()), LIMITS.fallback), blocks: capped(blocks.filter(present), LIMITS.messageBlocks) };
}

type Layout = { text: string; blocks: (KnownBlock | false | undefined | '')[] };

function layout(view: CardView): Layout {
  switch (view.card) {
    case 'approval': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef}: approval needed to raise this with ${d.receivingAgency}.`,
        blocks: [
          header(`Raise this with the equivalent manager in ${d.receivingAgency}?`),
          ...facts([['Case', d.caseRef], ['Stage', `${d.stageNumber}: ${d.stageName}`], ['Due', d.due], ...ackFact(d.acknowledgeBy), ['Raised by', d.raisedBy]]),
          ...sections(d.concern),
          history(d.history),
          d.earlierDue && {
            type: 'section',
            text: mrkdwnText('An earlier response date, if the child’s safety needs one (optional; never later than the due date above), then Approve:'),
            accessory: { type: 'datepicker', action_id: 'requestedDue' },
          },
          actions(
            act('Approve', 'escalation.approve', d.caseRef, 'primary'),
            act('Return…', 'escalation.return', d.caseRef),
            act('Resolve within our agency…', 'escalation.resolve-within', d.caseRef),
          ),
        ],
      };
    }
    case 'response': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef}: ${d.raisedBy}, ${d.raisingAgency} has raised a disagreement with ${d.receivingAgency}. Response due ${d.due}.`,
        blocks: [
          header(`${d.raisedBy}, ${d.raisingAgency} disagrees with a decision by ${d.receivingAgency}`),
          ...facts([['Case', d.caseRef], ['Stage', `${d.stageNumber}: ${d.stageName}`], ['Due', d.due], ...ackFact(d.acknowledgeBy)]),
          ...sections(d.concern),
          history(d.history),
          ...(d.advisers?.length ? sections(`**At any stage**\n${d.advisers.join('\n')}`) : []),
          ...(d.byRoute ? sections('You settle this stage by mediation or a resolution panel: choose on the route card.') : []),
          // A Chair who settles the stage by route only acknowledges here (Slack refuses an empty actions block).
          ...[[...(d.acknowledged ? [] : [act('Acknowledge', 'stage.acknowledge', d.caseRef)]), ...(d.byRoute ? [] : [act('Respond…', 'stage.respond', d.caseRef, 'primary')])]].filter((b) => b.length).map((b) => actions(...b)),
        ],
      };
    }
    case 'lapse': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef}: ${d.why}`,
        blocks: [
          context(`Case ${d.caseRef}`),
          ...sections(`**${d.why} Escalate to Stage ${d.nextStage} (${d.nextWho})?**`),
          ...(d.otherRoutes?.length ? sections(`**The procedure also offers**\n${d.otherRoutes.join('\n')}`) : []),
          actions(
            act(`Escalate to Stage ${d.nextStage}`, 'lapse.escalate', d.caseRef, 'primary'),
            // More time and a chase answer a silence, not a disagreement.
            ...(d.lapsed ? [act('Allow more time…', 'lapse.extend', d.caseRef), act('Chase again', 'lapse.chase', d.caseRef)] : []),
          ),
          // A route on a condition: its button opens the form that states the condition to confirm (one block each: an action id is unique in its block).
          ...(d.routes ?? []).map((r) => actions(act(r.title, 'route.take', d.caseRef))),
        ],
      };
    }
    case 'decided': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef}: ${d.decision}`,
        blocks: [
          context(`Case ${d.caseRef}`),
          header(d.decision),
          ...facts([['Stage', `${d.stageNumber}: ${d.stageName}`], ['Decided by', d.decidedBy], ['When', d.decidedAt]]),
          ...(d.comment ? sections(d.comment) : []),
        ],
      };
    }
    case 'board-notice': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef} has reached Stage ${d.stageNumber}: ${d.stageName}. The Board is informed.`,
        blocks: [
          header(`Case ${d.caseRef} has reached Stage ${d.stageNumber}: ${d.stageName}`),
          ...facts([['Agencies', d.agencies.join(', ')], ['Opened', d.opened], ['Areas of disagreement', d.areas.join(', ')]]),
          ...sections('**Monitoring**'),
          ...facts(d.monitoring.map((m) => [m.label, m.value])),
          actions(act('Open timeline', 'case.timeline', d.caseRef)),
        ],
      };
    }
    case 'resolution': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef}: record the agreed outcome.`,
        blocks: [
          context(`Case ${d.caseRef}, Stage ${d.stageNumber}`),
          header('Record the agreed outcome'),
          ...sections(`${d.otherSide} will be asked to confirm it.`),
          actions(act('Record the outcome…', 'resolution.propose', d.caseRef, 'primary')),
        ],
      };
    }
    case 'resolution-confirm': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef}: confirm the agreed outcome.`,
        blocks: [
          context(`Case ${d.caseRef}, Stage ${d.stageNumber}`),
          header(`${d.proposedBy} proposes this outcome. Do you confirm it?`),
          ...sections(d.summary),
          ...facts(d.actions.map((a) => [`${a.owner}, by ${a.due}`, a.description])),
          d.reviewDate && sections(`Check back that the actions were done on ${d.reviewDate}.`)[0],
          actions(act('Confirm', 'resolution.confirm', d.caseRef, 'primary'), act('Reject…', 'resolution.reject', d.caseRef)),
        ],
      };
    }
    case 'notice':
      return { text: `${view.data.title}: ${view.data.text}`, blocks: [header(view.data.title), ...sections(view.data.text)] };
    case 'extension': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef}: ${d.receiver} asks for more time, until ${d.proposedDue}.`,
        blocks: [
          context(`Case ${d.caseRef}, Stage ${d.stageNumber}: ${d.stageName}`),
          header(`${d.receiver} asks for more time to respond`),
          ...facts([['Due now', d.currentDue], ['Proposed', d.proposedDue]]),
          ...sections(d.rationale),
          actions(act('Accept the new date', 'extension.accept', d.caseRef, 'primary'), act('Decline…', 'extension.decline', d.caseRef)),
        ],
      };
    }
    case 'quicker-due': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef}: Stage ${d.stageNumber} is open with ${d.receiver}; a response is due by ${d.due}.`,
        blocks: [
          context(`Case ${d.caseRef}, Stage ${d.stageNumber}: ${d.stageName}`),
          header(`You raised this with ${d.receiver}`),
          ...facts([['Response due', `${d.due} (${d.timescale})`], ...ackFact(d.acknowledgeBy)]),
          ...sections("The procedure lets you set a quicker timescale if the child's safety needs one: an earlier date, never a later one."),
          actions(act('Set a quicker date…', 'stage.quicker-due', d.caseRef)),
        ],
      };
    }
    case 'binding-route': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef}: referred to you at Stage ${d.stageNumber}. Choose mediation or a resolution panel.`,
        blocks: [
          context(`Case ${d.caseRef}, Stage ${d.stageNumber}: ${d.stageName}`),
          header(`A disagreement between ${d.disputing} is referred to you`),
          ...sections(d.routes.map((r) => `- ${r.title}`).join('\n')),
          d.panelRule && context(`For a panel: ${d.panelRule}${d.panelSource ? ` "${d.panelSource}"` : ''}`),
          actions(act('Choose the route…', 'binding.route', d.caseRef, 'primary')),
        ],
      };
    }
    case 'binding-decision': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef}: record the decision (${d.route}).`,
        blocks: [
          context(`Case ${d.caseRef}, Stage ${d.stageNumber}`),
          header(`Record the decision: ${d.route}`),
          d.panel && context(`Panel: ${d.panel}`),
          d.binding && sections('**The procedure makes this decision final and binding on the agencies concerned; everyone taking part is told.**')[0],
          actions(act('Record the decision…', 'binding.decide', d.caseRef, 'primary')),
        ],
      };
    }
    case 'outcome-step': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef}: record a step taken at Stage ${d.stageNumber}.`,
        blocks: [
          context(`Case ${d.caseRef}, Stage ${d.stageNumber}: ${d.stageName}`),
          header('Record a step the procedure provides for at this stage'),
          ...sections(d.outcomes.map((o) => `- ${o.title}`).join('\n')),
          actions(act('Record…', 'outcome.record', d.caseRef)),
        ],
      };
    }
    case 'review': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef}: check back that the agreed actions were done (review date ${d.reviewDate}).`,
        blocks: [
          context(`Case ${d.caseRef}, Stage ${d.stageNumber}`),
          header('Check back that the agreed actions were done'),
          ...sections(d.summary),
          ...facts(d.actions.map((a) => [`${a.n}. ${a.owner}, by ${a.due}`, a.description])),
          context('All done closes the case. If any was not done, the stage opens again: agree what happens next, or escalate.'),
          actions(act('Record the check…', 'review.record', d.caseRef, 'primary')),
        ],
      };
    }
    case 'debrief': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef} is closed: a short debrief, for the Board's learning.`,
        blocks: [
          context(`Case ${d.caseRef}: closed (${d.outcome}) on ${d.closedAt}`),
          header('A short debrief'),
          ...sections(d.learningNote),
          actions(act('Record the debrief…', 'debrief.record', d.caseRef, 'primary')),
        ],
      };
    }
    case 'welcome': {
      const d = view.data;
      return {
        text: "Resolve: escalate a disagreement with another agency about a child's safety.",
        blocks: [
          header(`Hello ${d.firstName}`),
          ...sections(
            `I help you escalate a professional disagreement with another agency about a child's safety, following the ${d.partnership} procedure, and keep track of each stage and its deadline.`,
          ),
          ...sections(":warning: **If a child is at immediate risk of harm, contact Children's Social Care or the police now.**"),
          actions(act('Raise a concern', 'intake.start', '', 'primary'), act('My cases', 'cases.mine', ''), act('Help', 'help', '')),
        ],
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

export type InputOptions = { optional?: boolean; hint?: string };
export type ChoiceOption = { value: string; label: string };

/** An input block whose `block_id` and `action_id` are both the field name the app reads. */
function input(id: string, label: string, element: InputBlock['element'], opts: InputOptions): InputBlock {
  return {
    type: 'input',
    block_id: id,
    label: plainText(label, LIMITS.label),
    element,
    optional: opts.optional ?? false,
    ...(opts.hint ? { hint: plainText(opts.hint, LIMITS.label) } : {}),
  };
}

export function textInput(id: string, label: string, opts: InputOptions & { multiline?: boolean; maxLength?: number; initial?: string } = {}): InputBlock {
  const maxLength = Math.min(opts.maxLength ?? LIMITS.inputLength, LIMITS.inputLength);
  return input(
    id,
    label,
    {
      type: 'plain_text_input',
      action_id: id,
      multiline: opts.multiline ?? false,
      max_length: maxLength,
      ...(opts.initial ? { initial_value: opts.initial.slice(0, maxLength) } : {}),
    },
    opts,
  );
}

export function dateInput(id: string, label: string, opts: InputOptions = {}): InputBlock {
  return input(id, label, { type: 'datepicker', action_id: id }, { optional: true, ...opts });
}

export function timeInput(id: string, label: string, opts: InputOptions = {}): InputBlock {
  return input(id, label, { type: 'timepicker', action_id: id }, { optional: true, ...opts });
}

/** A menu of several choices; the submission reads back as the chosen values joined by commas, as Teams sends a multi-select. */
export function multiChoiceInput(id: string, label: string, choices: ChoiceOption[], opts: InputOptions & { initial?: string[] } = {}): InputBlock {
  const options = choices.slice(0, 100).map(option);
  const chosen = options.filter((o) => opts.initial?.includes(o.value ?? ''));
  return input(
    id,
    label,
    { type: 'multi_static_select', action_id: id, options, placeholder: plainText('Choose', LIMITS.option), ...(chosen.length ? { initial_options: chosen } : {}) },
    opts,
  );
}

const option = (c: ChoiceOption): PlainTextOption => ({ text: plainText(c.label, LIMITS.option), value: c.value });

/** Radio buttons for a few choices, a menu for more; `initial` is preselected when it is one of them. */
export function choiceInput(id: string, label: string, choices: ChoiceOption[], opts: InputOptions & { initial?: string; radioUpTo?: number } = {}): InputBlock {
  const radio = choices.length <= (opts.radioUpTo ?? 5);
  const options = choices.slice(0, radio ? 10 : 100).map(option);
  const chosen = options.find((o) => o.value === opts.initial);
  const initial = chosen ? { initial_option: chosen } : {};
  const element: InputBlock['element'] = radio
    ? { type: 'radio_buttons', action_id: id, options, ...initial }
    : { type: 'static_select', action_id: id, options, placeholder: plainText('Choose one', LIMITS.option), ...initial };
  return input(id, label, element, opts);
}

// ---------------------------------------------------------------------------------------------
// Modals for the steps that need input
// ---------------------------------------------------------------------------------------------

const NO_NAMES = "Use the case reference only: never a child's name, date of birth or NHS number in these boxes.";

/** A step's field as a Slack input, required as its schema says. */
function inputOf(field: Field, optional: boolean): InputBlock {
  switch (field.kind) {
    case 'text':
    case 'long-text':
      return textInput(field.name, field.label, { multiline: field.kind === 'long-text', optional, ...(field.maxLength ? { maxLength: field.maxLength } : {}) });
    case 'choice':
      return choiceInput(field.name, field.label, field.choices ?? [], { optional });
    case 'date':
      return dateInput(field.name, field.label, { optional });
    case 'time':
      return timeInput(field.name, field.label, { optional });
  }
}

/**
 * The modal a step that asks for inputs opens, built from the step's form and fields; the
 * submission comes back with `callback_id` = the verb.
 */
export function inputModal(verb: string, caseRef: string, origin: Origin, extra: { otherSide?: string } = {}): ModalView {
  const step = stepOf(verb);
  if (!step?.form) throw new Error(`${verb} asks for no inputs in a form`);
  const intro = step.form.intro?.(extra);
  const fields = step.fields.filter((f) => !f.onCard).map((f) => inputOf(f, !isRequired(step, f.name)));
  return {
    type: 'modal',
    callback_id: verb,
    private_metadata: JSON.stringify({ caseRef, origin }),
    title: plainText(step.form.title, LIMITS.title),
    submit: plainText(step.form.submit, LIMITS.title),
    close: plainText('Cancel', LIMITS.title),
    blocks: [context(`Case **${caseRef}**`), ...(intro ? sections(intro) : []), ...fields, context(NO_NAMES)],
  };
}

/**
 * The modal of a step whose form offers what the case holds (its form is `fromCard` in the step
 * table), built from its card's view as it now stands (the routes, agencies, outcome steps, the
 * agreed actions to check). Field ids are the card's input ids, so the step reads Teams' data and
 * Slack's `inputsOf` alike. Null when the view is not that step's card (the step is no longer the
 * person's to take: the door shows the view instead).
 */
export function stepModal(verb: string, view: CardView, origin: Origin): ModalView | null {
  const form = stepOf(verb)?.form;
  const blocks = form?.fromCard ? stepForm(verb, view) : null;
  if (!form || !blocks) return null;
  const caseRef = 'caseRef' in view.data ? view.data.caseRef : '';
  return {
    type: 'modal',
    callback_id: verb,
    private_metadata: JSON.stringify({ caseRef, origin }),
    title: plainText(form.title, LIMITS.title),
    submit: plainText(form.submit, LIMITS.title),
    close: plainText('Cancel', LIMITS.title),
    blocks: capped([context(`Case **${caseRef}**`), ...blocks, context(NO_NAMES)], LIMITS.viewBlocks),
  };
}

const actionRows = (): KnownBlock[] =>
  [1, 2, 3].flatMap((n) => [
    textInput(`action${n}`, `Agreed action ${n}: what will be done`, { optional: true, maxLength: 500 }),
    textInput(`owner${n}`, `Action ${n}: who will do it`, { optional: true, maxLength: 200 }),
    dateInput(`due${n}`, `Action ${n}: by when`),
  ]);

/** The inputs of a `fromCard` step's modal from its card's view; null when the view is not that step's card. */
function stepForm(verb: string, view: CardView): KnownBlock[] | null {
  const choices = (cs: { title: string; value: string }[]) => cs.map((c) => ({ value: c.value, label: c.title }));
  switch (verb) {
    case 'extension.decline':
      return view.card !== 'extension' ? null : [...facts([['Proposed', view.data.proposedDue]]), textInput('comment', 'Why can it not wait?', { multiline: true, maxLength: 2000 })];
    case 'stage.quicker-due':
      return view.card !== 'quicker-due'
        ? null
        : [...facts([['Response due', view.data.due]]), dateInput('due', 'Response now due on', { optional: false }), timeInput('dueTime', 'At (17:00 if left empty)')];
    case 'binding.route': {
      if (view.card !== 'binding-route') return null;
      const d = view.data;
      return [
        choiceInput('route', 'How will it be resolved?', choices(d.routes)),
        ...(d.panelRule
          ? [multiChoiceInput('panelAgencies', "The panel's agencies (for a panel only)", choices(d.agencies), { optional: true, initial: d.preselected.split(',').filter(Boolean), hint: d.panelRule })]
          : []),
      ];
    }
    case 'binding.decide':
      return view.card !== 'binding-decision'
        ? null
        : [
            ...(view.data.binding ? [context('**This decision is final and binding on the agencies concerned.**')] : []),
            textInput('decision', 'The decision', { multiline: true, maxLength: 2000 }),
            ...actionRows(),
            dateInput('reviewDate', 'Date to check back that the actions were done'),
          ];
    case 'route.take': {
      if (view.card !== 'lapse' || !view.data.routes?.length) return null;
      const routes = view.data.routes;
      return [
        ...sections(routes.map((r) => `**Stage ${r.toStage}**: ${r.label}.\nThe procedure offers it only where: ${r.condition}`).join('\n\n')),
        choiceInput('toStage', 'Which way on', routes.map((r) => ({ value: String(r.toStage), label: r.title })), routes.length === 1 ? { initial: String(routes[0]!.toStage) } : {}),
        choiceInput('holds', 'Does its condition hold?', [{ value: 'yes', label: 'Yes: the condition of the route I chose holds' }]),
      ];
    }
    case 'outcome.record':
      return view.card !== 'outcome-step'
        ? null
        : [choiceInput('outcome', 'What was done', choices(view.data.outcomes)), textInput('note', 'What was decided', { multiline: true, maxLength: 2000 })];
    case 'review.record':
      return view.card !== 'review'
        ? null
        : [
            ...view.data.actions.map((a) =>
              choiceInput(`done${a.n}`, clip(`${a.n}. ${a.description} (${a.owner}, by ${a.due})`, LIMITS.label), [
                { value: 'done', label: 'Done' },
                { value: 'not-done', label: 'Not done' },
              ]),
            ),
            textInput('notes', 'Notes (needed if an action was not done)', { multiline: true, optional: true, maxLength: 2000 }),
          ];
    case 'debrief.record':
      return view.card !== 'debrief'
        ? null
        : [textInput('wentWell', 'What went well', { multiline: true, maxLength: 2000 }), textInput('learning', "What to learn (for the Board's learning report)", { multiline: true, optional: true, maxLength: 2000 })];
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading submitted inputs
// ---------------------------------------------------------------------------------------------

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function valueOf(state: unknown): string | undefined {
  if (!isRecord(state)) return undefined;
  switch (state.type) {
    case 'plain_text_input':
      return str(state.value);
    case 'static_select':
    case 'radio_buttons':
      return isRecord(state.selected_option) ? str(state.selected_option.value) : undefined;
    case 'datepicker':
      return str(state.selected_date);
    case 'timepicker':
      return str(state.selected_time);
    case 'multi_static_select':
      return Array.isArray(state.selected_options)
        ? state.selected_options.map((o) => (isRecord(o) ? str(o.value) : undefined)).filter((v): v is string => !!v).join(',')
        : undefined;
    default:
      return undefined;
  }
}

/** `view.state.values` (or a message's `state.values`) as `{ [action_id]: value }`, leaving out blanks. */
export function inputsOf(values: Record<string, Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const block of Object.values(values)) {
    for (const [actionId, state] of Object.entries(block)) {
      const value = valueOf(state);
      if (value !== undefined && value.trim() !== '') out[actionId] = value;
    }
  }
  return out;
}
