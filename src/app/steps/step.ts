/**
 * What a step a person takes in a case declares: one module per step in this folder, listed in
 * `index.ts`. The runner (`run-step.ts`) loads the case once, checks the person is part of it,
 * parses the inputs, and hands the step its context; the step builds its domain command (which
 * `decide` accepts or refuses), runs it through Cases, tells the people concerned, and returns the
 * view that replaces the card clicked. The doors register their handlers from the table.
 */
import { z } from 'zod';
import type { Command, CommandType } from '../../domain/escalation/commands.js';
import type { CaseEvent } from '../../domain/escalation/events.js';
import type { CaseState } from '../../domain/escalation/state.js';
import { atLondonTime } from '../../domain/calendar.js';
import type { Directory, Person } from '../../domain/directory.js';
import type { Store } from '../store.js';
import type { CardView } from '../case-views.js';
import type { Cases } from '../cases.js';
import type { Escalations } from '../escalations.js';
import type { CaseNews } from '../case-news.js';
import { notice } from '../case-views.js';
import { STATUS_PAGE } from '../replies.js';
import { languageOf, readIn } from '../reader.js';

/**
 * What a button answers with: the view to show in place of the card clicked, and whether the
 * step was taken (a refusal changes nothing, so a channel may leave the card as it was).
 */
export type Acted = { ok: boolean; view: CardView };
/** `already`: the step was taken before (another click), so the card as it now stands is the answer. */
export type Taken = Acted & { already?: boolean };

/** What a card or a form sends with a click: its inputs by name. */
export type StepData = Record<string, unknown>;

/** How a form shows one input (Slack builds its modal from these; the Teams cards use the same names). */
export type Field = {
  name: string;
  label: string;
  kind: 'text' | 'long-text' | 'choice' | 'date' | 'time';
  maxLength?: number;
  choices?: { value: string; label: string }[];
  /** Picked on the card itself and sent with the button (the approval's earlier date), not asked in a form. */
  onCard?: true;
};

/** A form's words; a step that asks for any input not on the card opens one (a Slack modal). */
export type FormText = {
  title: string;
  submit: string;
  intro?: (other: { otherSide?: string }) => string | undefined;
  /**
   * The form offers what the case holds (the routes, the directory's agencies, the stage's outcome
   * steps, the agreed actions to check): Slack builds it from the step's card as it now stands
   * (`stepModal`), not from `fields` alone.
   */
  fromCard?: true;
};

/** The card names a step can sit on (those with buttons). */
export type CardName = CardView['card'];

/** The app's services a step uses. */
export type StepServices = { cases: Cases; store: Store; directory: Directory; escalations: Escalations; news: CaseNews; now: () => Date };

/** For a step about no case (the person's own list, help). */
export type PersonContext = { person: Person; app: StepServices };

/** For a step on a case: the case as the runner loaded it, once; the person is part of it. */
export type CaseContext = PersonContext & {
  ref: string;
  state: CaseState;
  /** The case's latest events (a page of `status`), for the history a card shows. */
  events: CaseEvent[];
};

/** A step's refusal before any command is run: a sentence, and `already-done` when the step was taken. */
export type Refusal = { refused: string; code?: 'already-done' };

/** Its inputs' schema: an object of fields (the names the cards and forms send). */
export type Inputs<I> = z.ZodType<I, unknown> & { shape: z.ZodRawShape };

type Base<I> = {
  verb: string;
  /** The domain command the step leads to; null for a step that only shows or tells. */
  command: CommandType | null;
  /** Its inputs; a field that is not optional is required, and a bad value is refused with its message. */
  inputs: Inputs<I>;
  /** How each input is shown, in order (a step with none is a plain button). */
  fields: Field[];
  /** The form's words, for a step that asks for inputs not on the card. */
  form?: FormText;
  /** Who may take it, in words (the rule itself is `decide`'s, and the runner's `notPartOf`). */
  who: string;
  /** The card its button sits on, so a click on a step already taken gets that card as it now stands. */
  card: CardName | null;
  /** It shows something rather than takes a step: Slack opens the answer in a window and leaves the message. */
  shows?: true;
};

export type CaseStep<I = Record<string, never>> = Base<I> & {
  caseless?: false;
  take: (ctx: CaseContext, input: I) => Promise<Taken>;
};
export type CaselessStep<I = Record<string, never>> = Base<I> & {
  caseless: true;
  take: (ctx: PersonContext, input: I) => Promise<Taken>;
};

/** One row of the step table. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Step = CaseStep<any> | CaselessStep<any>;

export const done = (view: CardView): Taken => ({ ok: true, view });
export const refused = (ref: string, message: string, already = false): Taken => ({ ok: false, view: notice(`Case ${ref}`, message), ...(already ? { already: true } : {}) });

/**
 * A step that runs one domain command: `build` makes it from the case and the inputs (or refuses),
 * Cases runs it (decide checks who may), and `after` tells the people concerned and returns the
 * view that replaces the card, from the case as recorded and its events. A refusal changes nothing and says why.
 *
 * `after` is handed the case as the person who acted reads it (the procedure's words in their
 * language), for the view it returns to them; what it sends anyone else carries the procedure's
 * words only through `forReaders`, so each reader gets their own language.
 */
export function commandStep<I>(
  step: Base<I> & {
    command: CommandType;
    build: (ctx: CaseContext, input: I) => Command | Refusal;
    after: (ctx: CaseContext, input: I, recorded: { state: CaseState; events: CaseEvent[] }) => Promise<CardView>;
  },
): CaseStep<I> {
  const { after, build: _build, ...rest } = step;
  return {
    ...rest,
    take: async (ctx, input) => {
      const command = step.build(ctx, input);
      if ('refused' in command) return refused(ctx.ref, command.refused, command.code === 'already-done');
      const outcome = await ctx.app.cases.execute(ctx.ref, command);
      if (!outcome.ok) return refused(ctx.ref, outcome.message, outcome.code === 'already-done');
      // The events as loaded and those just recorded, for the views' history; loaded again only
      // when another writer came between (Cases decided again on a newer case).
      const follows = !outcome.duplicate && outcome.state.version === ctx.state.version + outcome.recorded.length;
      const events = follows ? [...ctx.events, ...outcome.recorded.map((r) => r.event)].slice(-STATUS_PAGE) : await ctx.app.news.events(ctx.ref);
      return done(await after(ctx, input, { state: readIn(outcome.state, languageOf(ctx.person)), events }));
    },
  };
}

// ---- inputs ----------------------------------------------------------------------------------

/** Text as a channel sends it, trimmed; anything that is not text counts as left blank. */
const asText = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
/** An optional text input ('' when left blank). */
export const optionalText = () => z.preprocess(asText, z.string());
/** A required text input: left blank, it is refused with `message`. */
export const requiredText = (message: string) => z.preprocess(asText, z.string().min(1, message));
/** One of a few choices, required. */
export const choice = <const T extends readonly [string, ...string[]]>(values: T, message: string) => z.preprocess(asText, z.enum(values, { error: message }));

/** Whether a step's input must be given (its schema refuses it left out). */
export function isRequired(step: Step, name: string): boolean {
  const field = (step.inputs.shape as Record<string, z.ZodType>)[name];
  return !!field && !field.safeParse(undefined).success;
}

/** Whether the step asks for inputs in a form (a Slack modal) rather than acting on the click. */
export const asksInForm = (step: Step) => step.fields.some((f) => !f.onCard);

/** A date from a card means 17:00 London on it (the end of that working day); an instant is kept as given. */
export function endOfDay(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? atLondonTime(value, 17).toISOString() : value;
}
