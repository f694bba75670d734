/**
 * The agreed actions a form asks for (up to three: what, who, by when) and the date to check back
 * on them: the outcome the two sides propose and the Chair's binding decision take the same rows,
 * read into the command by `actionsOf` (src/app/step-inputs.ts).
 */
import { optionalText, type Field } from './step.js';

const ROWS = [1, 2, 3] as const;

/** The rows' inputs and the review date, to spread into a step's zod object. */
export const actionInputs = {
  ...Object.fromEntries(ROWS.flatMap((n) => [[`action${n}`, optionalText()], [`owner${n}`, optionalText()], [`due${n}`, optionalText()]])),
  reviewDate: optionalText(),
} as Record<`${'action' | 'owner' | 'due'}${(typeof ROWS)[number]}`, ReturnType<typeof optionalText>> & { reviewDate: ReturnType<typeof optionalText> };

/** The rows' fields and the review date, after a step's own first field. */
export const actionFields: Field[] = [
  ...ROWS.flatMap((n): Field[] => [
    { name: `action${n}`, label: `Agreed action ${n}: what will be done`, kind: 'text', maxLength: 500 },
    { name: `owner${n}`, label: `Action ${n}: who will do it`, kind: 'text', maxLength: 200 },
    { name: `due${n}`, label: `Action ${n}: by when`, kind: 'date' },
  ]),
  { name: 'reviewDate', label: 'Date to check back that the actions were done', kind: 'date' },
];
