/**
 * The intake walk's views as Slack modals: the counterpart of `teams/intake-cards.ts`. Each step
 * is one modal whose submission (`intake.step`) carries the step id in `private_metadata` and the
 * answer in the input `answer`; Back and Cancel are buttons inside the modal.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import type { IntakeView } from '../app/intake-sessions.js';
import type { IntakeStep } from '../domain/intake.js';
import { urgentText } from '../app/replies.js';
import { actions, button, capped, choiceInput, context, header, LIMITS, plainText, sections, textInput } from './blocks.js';

export const INTAKE_BUTTONS = ['intake.back', 'intake.cancel'] as const;
export const INTAKE_CALLBACKS = ['intake.step', 'intake.submit', 'intake.done'] as const;
export type IntakeCallback = (typeof INTAKE_CALLBACKS)[number];

const TITLE = 'Escalate a disagreement';
const NO_NAMES = "Check that no answer contains a child's name, date of birth or NHS number.";

function modal(callbackId: IntakeCallback, blocks: (KnownBlock | false | undefined | '')[], extra: { submit?: string; metadata?: string } = {}): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plainText(TITLE, LIMITS.title),
    close: plainText('Close', LIMITS.title),
    ...(extra.submit ? { submit: plainText(extra.submit, LIMITS.title) } : {}),
    ...(extra.metadata ? { private_metadata: extra.metadata } : {}),
    blocks: capped(
      blocks.filter((b): b is KnownBlock => Boolean(b)),
      LIMITS.viewBlocks,
    ),
  };
}

const done = (title: string, text: string) => modal('intake.done', [header(title), ...sections(text)]);
const back = () => button('Back', 'intake.back', '');
const cancel = () => button('Cancel the walk', 'intake.cancel', '', 'danger');

/** The one input a step asks for, named `answer`, with the answer so far preselected. */
function answerInput(step: IntakeStep, value: string | undefined) {
  const label = 'Your answer';
  switch (step.kind) {
    case 'yes-no':
      return choiceInput('answer', label, [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }], value === undefined ? {} : { initial: value });
    case 'choice':
      return choiceInput('answer', label, step.choices, value === undefined ? {} : { initial: value });
    case 'text':
      return textInput('answer', label, { multiline: step.maxLength > 200, maxLength: step.maxLength, optional: step.optional, ...(value === undefined ? {} : { initial: value }) });
  }
}

export function intakeModal(view: IntakeView): ModalView {
  switch (view.kind) {
    case 'step': {
      const { step } = view;
      const value = typeof view.value === 'boolean' ? (view.value ? 'yes' : 'no') : view.value;
      return modal(
        'intake.step',
        [
          ...(view.alert ? sections(`:warning: **${view.alert}**`) : []),
          ...sections(`**${step.prompt}**`),
          step.help && context(step.help),
          context(`Step ${view.number} of ${view.count}`),
          ...(view.error ? sections(`:x: ${view.error}`) : []),
          answerInput(step, value),
          actions(back(), cancel()),
        ],
        { submit: 'Next', metadata: JSON.stringify({ stepId: step.id }) },
      );
    }
    case 'summary':
      return modal(
        'intake.submit',
        [
          header('Check your answers'),
          ...sections('Submit sends this to your manager for approval. Use Back to change an answer.'),
          ...view.answers.flatMap((a) => sections(`**${a.question}**\n${a.answer}`)),
          ...sections(`:warning: ${NO_NAMES}`),
          actions(back(), cancel()),
        ],
        { submit: 'Submit' },
      );
    case 'urgent-guidance':
      return done('A child at immediate risk: act now', urgentText(view.guidance, view.contacts));
    case 'off-ramp':
      return done('This goes to another procedure', `${view.guidance}\n\nNothing was recorded.`);
    case 'opened':
      return done(`Case ${view.ref} is recorded`, `Your concern is recorded under **${view.ref}**. What happens next comes in your direct messages with Resolve.`);
    case 'cancelled':
      return done('Walk cancelled', 'Nothing was recorded. Say "escalate" to start again.');
    case 'refused':
      return done('That could not be done', view.message);
  }
}
