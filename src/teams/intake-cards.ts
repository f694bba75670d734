/** The intake walk's views as Adaptive Cards (templates in cards/). */
import type { IntakeView } from '../app/intake-sessions.js';
import { urgentText } from '../app/replies.js';
import { renderCard, type AdaptiveCard } from '../cards/render-card.js';

const TITLE = 'Escalate a disagreement';

export function intakeCard(view: IntakeView): AdaptiveCard {
  switch (view.kind) {
    case 'step': {
      const { step } = view;
      return renderCard('intake-step', {
        title: TITLE,
        stepId: step.id,
        stepNumber: view.number,
        stepCount: view.count,
        kind: step.kind,
        prompt: step.prompt,
        ...(step.help ? { help: step.help } : {}),
        ...(step.kind === 'choice' ? { choices: step.choices } : {}),
        ...(step.kind === 'text' ? { optional: step.optional, maxLength: step.maxLength, multiline: step.maxLength > 200 } : {}),
        ...(view.value !== undefined ? { value: typeof view.value === 'boolean' ? (view.value ? 'yes' : 'no') : view.value } : {}),
        ...(view.alert ? { alert: view.alert } : {}),
        ...(view.error ? { error: view.error } : {}),
      });
    }
    case 'summary':
      return renderCard('intake-summary', { answers: view.answers, warning: "Check that no answer contains a child's name, date of birth or NHS number." });
    case 'urgent-guidance':
      return renderCard('notice', {
        title: 'A child at immediate risk: act now',
        text: urgentText(view.guidance, view.contacts),
      });
    case 'off-ramp':
      return renderCard('notice', { title: 'This goes to another procedure', text: `${view.guidance}\n\nNothing was recorded.` });
    case 'opened':
      return renderCard('notice', {
        title: `Case ${view.ref} is recorded`,
        text: `Your concern is recorded under ${view.ref}. Say \`status ${view.ref}\` to see its timeline, or \`my cases\` for all of yours.`,
      });
    case 'cancelled':
      return renderCard('notice', { title: 'Walk cancelled', text: 'Nothing was recorded. Say "escalate" to start again.' });
    case 'refused':
      return renderCard('notice', { title: 'That could not be done', text: view.message });
  }
}
