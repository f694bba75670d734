/**
 * A practitioner's intake walk across chat turns, for any channel: the half-finished answers are
 * kept in the store (so a walk survives a restart), each answer is checked by the domain's walk,
 * and Submit opens the case through Cases. Channels only render the views this returns.
 */
import { agencyById, type Directory, type Person } from '../domain/directory.js';
import { answer, back, complete, intakeSteps, nextStep, STEP, type Draft, type IntakeContext, type IntakeStep } from '../domain/intake.js';
import { participantOf } from '../domain/matching.js';
import { directoryAllowList, type AllowList } from '../domain/personal-data.js';
import type { Policy } from '../domain/policy/schema.js';
import type { Cases } from './cases.js';
import type { Clock } from './clock.js';
import type { Store } from './store.js';

export const DRAFTS = 'intake-draft';
const COUNTERS = 'counter';

export type IntakeView =
  | { kind: 'step'; step: IntakeStep; number: number; count: number; alert?: string; error?: string; value?: string | boolean }
  | { kind: 'summary'; answers: { question: string; answer: string }[] }
  | { kind: 'urgent-guidance'; guidance: string; contacts: Policy['urgentRoute']['contacts'] }
  | { kind: 'opened'; ref: string; startStage: number }
  | { kind: 'cancelled' }
  | { kind: 'refused'; message: string };

export class IntakeSessions {
  /** The directory's names, which answers may carry (they are professionals, not the child). */
  private readonly allow: AllowList;

  constructor(private readonly deps: { store: Store; cases: Cases; directory: Directory; policy: Policy; clock: Clock }) {
    this.allow = directoryAllowList(deps.directory);
  }

  /** Agencies a practitioner may escalate to: every agency but their own and the partnership. */
  private context(person: Person): IntakeContext {
    const otherAgencies = this.deps.directory.agencies.filter((a) => a.id !== person.agencyId && a.kind !== 'partnership').map((a) => ({ value: a.id, label: a.name }));
    return { otherAgencies, guard: { allow: this.allow, today: this.deps.clock.now() } };
  }

  private async draftOf(person: Person): Promise<Draft | null> {
    return (await this.deps.store.getDocument<Draft>(DRAFTS, person.id))?.value ?? null;
  }

  private view(person: Person, draft: Draft, error?: string, stepId?: string): IntakeView {
    const ctx = this.context(person);
    const steps = intakeSteps(this.deps.policy, ctx, draft);
    const step = (stepId && error ? steps.find((s) => s.id === stepId) : undefined) ?? nextStep(this.deps.policy, ctx, draft);
    if (!step) return { kind: 'summary', answers: steps.map((s) => ({ question: s.prompt, answer: shown(s, draft[s.id]) })) };
    // A child at immediate risk: the guidance stays in view for the rest of an urgent case's walk.
    const alert = draft[STEP.urgent] === true ? `${this.deps.policy.urgentRoute.guidance}` : undefined;
    return {
      kind: 'step',
      step,
      number: steps.findIndex((s) => s.id === step.id) + 1,
      count: steps.length,
      ...(alert ? { alert } : {}),
      ...(error ? { error } : {}),
      ...(step.id in draft ? { value: draft[step.id]! } : {}),
    };
  }

  async start(person: Person): Promise<IntakeView> {
    await this.deps.store.putDocument(DRAFTS, person.id, {});
    return this.view(person, {});
  }

  /** Where the walk stands (after a restart, or a card opened again). */
  async resume(person: Person): Promise<IntakeView | null> {
    const draft = await this.draftOf(person);
    return draft ? this.view(person, draft) : null;
  }

  async answer(person: Person, stepId: string, raw: unknown): Promise<IntakeView> {
    const draft = await this.draftOf(person);
    if (!draft) return { kind: 'refused', message: 'This walk has ended. Say "escalate" to start again.' };
    const r = answer(this.deps.policy, this.context(person), draft, stepId, raw);
    // A bad answer changes nothing: the same question again, saying why.
    if (!r.ok) return this.view(person, draft, r.message, stepId);
    await this.deps.store.putDocument(DRAFTS, person.id, r.draft);
    return this.view(person, r.draft);
  }

  async back(person: Person): Promise<IntakeView> {
    const draft = await this.draftOf(person);
    if (!draft) return { kind: 'refused', message: 'This walk has ended. Say "escalate" to start again.' };
    const previous = back(this.deps.policy, this.context(person), draft);
    await this.deps.store.putDocument(DRAFTS, person.id, previous);
    return this.view(person, previous);
  }

  async cancel(person: Person): Promise<IntakeView> {
    await this.deps.store.deleteDocument(DRAFTS, person.id);
    return { kind: 'cancelled' };
  }

  async submit(person: Person): Promise<IntakeView> {
    const { policy, directory } = this.deps;
    const draft = await this.draftOf(person);
    if (!draft) return { kind: 'refused', message: 'This walk has ended. Say "escalate" to start again.' };
    const done = complete(policy, this.context(person), draft);
    if (!done) return this.view(person, draft);
    if (done.kind === 'urgent-guidance') {
      await this.deps.store.deleteDocument(DRAFTS, person.id);
      return done;
    }
    const own = agencyById(directory, person.agencyId);
    const other = agencyById(directory, done.receivingAgencyId);
    if (!own || !other) return { kind: 'refused', message: 'Your agency or the other agency is missing from the directory; please tell your safeguarding lead.' };
    const ref = await this.nextRef();
    const practitioner = participantOf(directory, person, 'practitioner');
    const outcome = await this.deps.cases.execute(ref, {
      type: 'open-case',
      actor: { kind: 'person', personId: person.id, name: person.name, role: 'practitioner', agencyId: own.id, agencyName: own.name },
      ref,
      policy,
      practitioner,
      escalatingAgency: { id: own.id, name: own.name },
      receivingAgency: { id: other.id, name: other.name },
      urgent: done.urgent,
      intake: done.intake,
    });
    if (!outcome.ok) return { kind: 'refused', message: outcome.message };
    await this.deps.store.deleteDocument(DRAFTS, person.id);
    return { kind: 'opened', ref, startStage: done.startStage };
  }

  /** RES-<year>-<number>, numbered per year across every instance (an etag'd counter). */
  private async nextRef(): Promise<string> {
    const year = this.deps.clock.now().getUTCFullYear();
    const key = `case-ref-${year}`;
    for (;;) {
      const current = await this.deps.store.getDocument<number>(COUNTERS, key);
      const next = (current?.value ?? 0) + 1;
      const put = await this.deps.store.putDocument(COUNTERS, key, next, current ? current.etag : null);
      if (put.ok) return `RES-${year}-${String(next).padStart(4, '0')}`;
    }
  }
}

function shown(step: IntakeStep, value: string | boolean | undefined): string {
  if (value === undefined || value === '') return '(not answered)';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (step.kind === 'choice') return step.choices.find((c) => c.value === value)?.label ?? value;
  return value;
}
