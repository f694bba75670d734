/**
 * Block Kit renderings of the channel-neutral views in `app/case-views.ts`: Slack's counterpart of
 * the Adaptive Card templates in `cards/`. Layout only: who may act, and what is due, is decided
 * before a view gets here. Buttons carry the verb as `action_id` and the case reference as `value`;
 * a step that needs typed input opens `inputModal` instead of carrying inputs in the message.
 */
import type { ActionsBlock, Button, ContextBlock, HeaderBlock, InputBlock, KnownBlock, ModalView, MrkdwnElement, PlainTextElement, PlainTextOption, SectionBlock } from '@slack/types';
import type { CardView, HistoryLine } from '../app/case-views.js';

/** Buttons that act at once. */
export const DIRECT_VERBS = ['escalation.approve', 'stage.acknowledge', 'resolution.confirm', 'lapse.escalate', 'lapse.chase', 'case.timeline', 'intake.start', 'cases.mine', 'help'] as const;
/** Buttons whose step needs input: the app opens `inputModal(verb, …)` on click. */
export const MODAL_VERBS = ['escalation.return', 'escalation.resolve-within', 'stage.respond', 'resolution.propose', 'resolution.reject', 'lapse.extend'] as const;

/**
 * Inputs carried in a message rather than a modal (the approval's earlier response date): picking
 * one is only acknowledged; its value reaches the step with the button's click (`state.values`).
 */
export const MESSAGE_INPUTS = ['requestedDue'] as const;

export type DirectVerb = (typeof DIRECT_VERBS)[number];
export type ModalVerb = (typeof MODAL_VERBS)[number];
export type Verb = DirectVerb | ModalVerb;
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

const act = (label: string, verb: Verb, caseRef: string, style?: 'primary' | 'danger') => button(label, verb, caseRef, style);

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
          ...facts([['Case', d.caseRef], ['Stage', `${d.stageNumber}: ${d.stageName}`], ['Due', d.due], ['Raised by', d.raisedBy]]),
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
          ...facts([['Case', d.caseRef], ['Stage', `${d.stageNumber}: ${d.stageName}`], ['Due', d.due]]),
          ...sections(d.concern),
          history(d.history),
          ...(d.advisers?.length ? sections(`**At any stage**\n${d.advisers.join('\n')}`) : []),
          actions(...(d.acknowledged ? [] : [act('Acknowledge', 'stage.acknowledge', d.caseRef)]), act('Respond…', 'stage.respond', d.caseRef, 'primary')),
        ],
      };
    }
    case 'lapse': {
      const d = view.data;
      return {
        text: `Case ${d.caseRef}: no response from ${d.name}, ${d.agency} by ${d.due}.`,
        blocks: [
          context(`Case ${d.caseRef}`),
          ...sections(`**No response from ${d.name}, ${d.agency} by ${d.due}. Escalate to Stage ${d.nextStage} (${d.nextWho})?**`),
          actions(
            act(`Escalate to Stage ${d.nextStage}`, 'lapse.escalate', d.caseRef, 'primary'),
            act('Allow more time…', 'lapse.extend', d.caseRef),
            act('Chase again', 'lapse.chase', d.caseRef),
          ),
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

type Form = { title: string; submit: string; blocks: (extra: { otherSide?: string }) => KnownBlock[] };

const FORMS: Record<ModalVerb, Form> = {
  'escalation.return': {
    title: 'Return the escalation',
    submit: 'Return',
    blocks: () => [textInput('comment', 'Why are you returning it?', { multiline: true, maxLength: 2000 })],
  },
  'escalation.resolve-within': {
    title: 'Resolve within agency',
    submit: 'Record',
    blocks: () => [textInput('comment', 'How was it resolved within your agency?', { multiline: true, maxLength: 2000 })],
  },
  'stage.respond': {
    title: 'Your response',
    submit: 'Send response',
    blocks: () => [
      choiceInput('position', 'Your position', [
        { value: 'agree', label: 'Agree' },
        { value: 'disagree', label: 'Disagree (give reasons)' },
        { value: 'more-time', label: 'Need more time' },
      ]),
      textInput('rationale', 'Reasons', { multiline: true, optional: true }),
      dateInput('proposedDate', 'If you need more time: the date you can respond by'),
    ],
  },
  'resolution.propose': {
    title: 'Record the outcome',
    submit: 'Propose',
    blocks: ({ otherSide }) => [
      ...(otherSide ? sections(`${otherSide} will be asked to confirm it.`) : []),
      textInput('summary', 'What was agreed', { multiline: true, maxLength: 2000 }),
      ...[1, 2, 3].flatMap((n) => [
        textInput(`action${n}`, `Agreed action ${n}: what will be done`, { optional: true, maxLength: 500 }),
        textInput(`owner${n}`, `Action ${n}: who will do it`, { optional: true, maxLength: 200 }),
        dateInput(`due${n}`, `Action ${n}: by when`),
      ]),
      dateInput('reviewDate', 'Date to check back that the actions were done'),
    ],
  },
  'resolution.reject': {
    title: 'Reject the outcome',
    submit: 'Reject',
    blocks: () => [textInput('comment', 'Why do you reject it?', { multiline: true, optional: true, maxLength: 2000 })],
  },
  'lapse.extend': {
    title: 'Allow more time',
    submit: 'Allow more time',
    blocks: () => [dateInput('newDue', 'New date to respond by')],
  },
};

/** The modal a MODAL_VERBS button opens; the submission comes back with `callback_id` = the verb. */
export function inputModal(verb: ModalVerb, caseRef: string, origin: Origin, extra: { otherSide?: string } = {}): ModalView {
  const form = FORMS[verb];
  return {
    type: 'modal',
    callback_id: verb,
    private_metadata: JSON.stringify({ caseRef, origin }),
    title: plainText(form.title, LIMITS.title),
    submit: plainText(form.submit, LIMITS.title),
    close: plainText('Cancel', LIMITS.title),
    blocks: [context(`Case **${caseRef}**`), ...form.blocks(extra), context(NO_NAMES)],
  };
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
