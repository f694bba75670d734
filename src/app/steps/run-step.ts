/**
 * Runs one step of the table for a person: the case is loaded once, anyone not part of it hears
 * only `notPartOf` (the same whether or not it exists), the inputs are parsed (bad input gets its
 * plain message and changes nothing), and the step runs with the case as loaded. A click on a
 * step already taken gets the card it sat on as the case now stands.
 */
import type { Person } from '../../domain/directory.js';
import { notice, type CardView } from '../case-views.js';
import { notPartOf } from '../escalations.js';
import { STATUS_PAGE } from '../replies.js';
import { refused, type Acted, type CaseContext, type StepData, type StepServices, type Taken } from './step.js';
import { stepOf } from './index.js';

/** A bad input's own sentence (the schemas give one for each input a person can get wrong). */
const sentenceOf = (error: { issues: { message: string }[] }) => error.issues[0]?.message ?? 'That input is not valid; nothing was changed.';
const str = (data: StepData, key: string) => (typeof data[key] === 'string' ? (data[key] as string).trim() : '');

export class StepRunner {
  constructor(
    private readonly app: StepServices,
    /** The card a person should now hold for a case (CaseFlow.currentCard). */
    private readonly currentCard: (person: Person, ref: string, card: string) => Promise<CardView>,
  ) {}

  async take(person: Person, verb: string, data: StepData): Promise<Acted> {
    const step = stepOf(verb);
    if (!step) return { ok: false, view: notice('That could not be done', 'I do not know that button. Say `help` to see what I can do.') };
    const ref = str(data, 'caseRef').toUpperCase();
    let taken: Taken;
    if (step.caseless) {
      const input = step.inputs.safeParse(data);
      if (!input.success) return { ok: false, view: notice('That could not be done', sentenceOf(input.error)) };
      taken = await step.take({ person, app: this.app }, input.data);
    } else {
      // Who is part of the case comes first: a stranger hears the same sentence whatever they sent.
      const ctx = await this.load(person, ref);
      if (!ctx) return refused(ref, notPartOf(ref));
      const input = step.inputs.safeParse(data);
      if (!input.success) return refused(ref, sentenceOf(input.error));
      taken = await step.take(ctx, input.data);
    }
    // Another click took this step first: nothing more is recorded, and this card shows the case as it now stands.
    if (!taken.ok && taken.already) return { ok: false, view: await this.currentCard(person, ref, step.card ?? '') };
    return { ok: taken.ok, view: taken.view };
  }

  /** The case once, for someone part of it; null for anyone else, whether or not it exists. */
  private async load(person: Person, ref: string): Promise<CaseContext | null> {
    if (!ref) return null;
    // The state from the case's snapshot and the events since, with the latest events for the card's history, in one read.
    const { state, recent } = await this.app.cases.loadRecent(ref, STATUS_PAGE);
    if (!state || !this.app.escalations.isPartOf(state, person)) return null;
    return { person, app: this.app, ref, state, events: recent };
  }
}
