/** The step table as plain rows, for `npm run -s cli -- steps` (and anyone reading what a person can do). */
import { NOT_FROM_CHAT, STEPS } from './index.js';
import { asksInForm, isRequired, type Step } from './step.js';

export type StepRow = {
  verb: string;
  /** The domain command it runs, or null for a step that only shows or tells. */
  command: string | null;
  inputs: { name: string; required: boolean }[];
  who: string;
  /** The card its button sits on. */
  card: string | null;
  /** How each door offers it. */
  channels: { teams: string; slack: string };
};

function rowOf(step: Step): StepRow {
  return {
    verb: step.verb,
    command: step.command,
    inputs: step.fields.map((f) => ({ name: f.name, required: isRequired(step, f.name) })),
    who: step.who,
    card: step.card,
    channels: {
      teams: step.card ? `a button on the ${step.card} card` : 'a button',
      slack: asksInForm(step) ? 'a button that opens a form' : step.shows ? 'a button that opens a window' : step.fields.length ? 'a button, with its inputs picked in the message' : 'a button',
    },
  };
}

export function stepRows(): StepRow[] {
  return STEPS.map(rowOf);
}

export function stepsText(): string {
  const lines = stepRows().flatMap((r) => [
    `${r.verb}  ${r.command ? `runs ${r.command}` : 'records nothing'}`,
    `  inputs: ${r.inputs.length ? r.inputs.map((i) => `${i.name}${i.required ? '' : ' (optional)'}`).join(', ') : 'none'}`,
    `  who: ${r.who}`,
    `  Teams: ${r.channels.teams}; Slack: ${r.channels.slack}`,
  ]);
  return [...lines, '', `Not a step in chat: ${NOT_FROM_CHAT.join(', ')}. A case closes through its own steps: the check back on the agreed actions, an informal resolution, resolution within an agency, withdrawal.`].join('\n');
}
