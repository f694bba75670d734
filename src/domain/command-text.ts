/**
 * The words a person typed into a command, field by field, for the identity guard. The switch is
 * exhaustive over the command types, so a new command with a free-text field cannot be added
 * without saying here what it carries.
 */
import type { Command } from './escalation/commands.js';
import type { AgreedAction } from './escalation/events.js';
import type { TextField } from './personal-data.js';

export type TypedText = { field: TextField; text: string };

const free = (...texts: (string | undefined)[]): TypedText[] => texts.filter((t): t is string => !!t).map((text) => ({ field: 'free-text', text }));
const actionsText = (actions: AgreedAction[]) => free(...actions.flatMap((a) => [a.description, a.owner]));

/** Every piece of typed text a command carries, with how strictly it is checked. */
export function typedTextOf(command: Command): TypedText[] {
  switch (command.type) {
    case 'open-case': {
      const i = command.intake;
      return [{ field: 'case-ref', text: i.childRecordRef }, ...free(i.decisionChallenged, i.aim, ...Object.values(i.reflections))];
    }
    case 'record-informal-attempt':
    case 'resolve-within-agency':
    case 'close':
      return free(command.summary);
    case 'request-escalation':
      return free(command.note);
    case 'return-escalation':
    case 'decline-extension':
    case 'reject-resolution':
      return free(command.comment);
    case 'acknowledge':
    case 'record-outcome-step':
      return free(command.note);
    case 'respond':
      return free(command.rationale);
    case 'propose-resolution':
      return [...free(command.summary), ...actionsText(command.actions)];
    case 'record-binding-decision':
      return [...free(command.decision), ...actionsText(command.actions)];
    case 'post-message':
      return free(command.text);
    case 'review-actions':
      return free(command.notes);
    case 'withdraw':
      return free(command.reason);
    case 'hand-over':
      return free(command.note);
    case 'record-debrief':
      return free(command.notes, command.learning);
    case 'approve-escalation':
    case 'accept-extension':
    case 'mark-deadline-lapsed':
    case 'record-prompt':
    case 'confirm-resolution':
    case 'choose-binding-route':
    case 'set-quicker-due':
      return [];
  }
}
