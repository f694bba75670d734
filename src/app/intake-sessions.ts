/**
 * A practitioner's intake walk across chat turns, for any channel: the half-finished answers are
 * kept in the store (so a walk survives a restart), each answer is checked by the domain's walk,
 * and Submit opens the case through Cases. Channels only render the views this returns.
 */
import { agencyById, peopleOf, personById, type Directory, type Person } from '../domain/directory.js';
import { answer, back, complete, intakeSteps, nextStep, STEP, type Draft, type IntakeContext, type IntakeStep } from '../domain/intake.js';
import { participantOf } from '../domain/matching.js';
import { directoryAllowList, type AllowList } from '../domain/personal-data.js';
import { say, type Policy } from '../domain/policy/schema.js';
import type { Cases } from './cases.js';
import type { Clock } from './clock.js';
import type { Store } from './store.js';

export const DRAFTS = 'intake-draft';
const COUNTERS = 'counter';
/** The case a person's last walk opened, so a second Submit of it answers with that case. */
const SUBMITTED = 'intake-submitted';
/** Kept in the draft once Submit has taken a reference for it: every Submit of that draft uses it. */
const REF = '#ref';

export type IntakeView =
  | { kind: 'step'; step: IntakeStep; number: number; count: number; alert?: string; error?: string; value?: string | boolean }
  | { kind: 'summary'; answers: { question: string; answer: string }[] }
  | { kind: 'urgent-guidance'; guidance: string; contacts: Policy['urgentRoute']['contacts'] }
  | { kind: 'off-ramp'; guidance: string }
  /** `already`: this walk was submitted before (a second click); nothing new was opened. */
  | { kind: 'opened'; ref: string; startStage: number; already?: boolean }
  | { kind: 'cancelled' }
  | { kind: 'refused'; message: string };

export class IntakeSessions {
  /** The directory's names, which answers may carry (they are professionals, not the child). */
  private readonly allow: AllowList;

  /** `allow`: the app's, kept current with the live directory; else made from the directory as it is. */
  constructor(private readonly deps: { store: Store; cases: Cases; directory: Directory; policy: Policy; clock: Clock; allow?: AllowList }) {
    this.allow = deps.allow ?? directoryAllowList(deps.directory);
  }

  /** Agencies a practitioner may escalate to: every agency but their own and the partnership. */
  private context(person: Person): IntakeContext {
    const otherAgencies = this.deps.directory.agencies.filter((a) => a.id !== person.agencyId && a.kind !== 'partnership').map((a) => ({ value: a.id, label: a.name }));
    // A manager or lead the procedure names may record a colleague's concern for them.
    const mayRaiseFor = this.deps.policy.raisedOnBehalf?.roles.some((r) => person.roles.includes(r));
    const colleagues = mayRaiseFor ? peopleOf(this.deps.directory, person.agencyId).filter((p) => p.id !== person.id).map((p) => ({ value: p.id, label: p.jobTitle ? `${p.name} (${p.jobTitle})` : p.name })) : [];
    return { otherAgencies, guard: { allow: this.allow, today: this.deps.clock.now() }, ...(colleagues.length ? { colleagues } : {}), ...(person.language ? { language: person.language } : {}) };
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
    const alert = draft[STEP.urgent] === true ? say(this.deps.policy.urgentRoute, 'guidance', person.language) : undefined;
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
    await this.deps.store.deleteDocument(SUBMITTED, person.id);
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
    await this.deps.store.deleteDocument(SUBMITTED, person.id);
    await this.deps.store.deleteDocument(DRAFTS, person.id);
    return { kind: 'cancelled' };
  }

  /**
   * Opens the case, once per walk: the draft takes its reference under an etag before the case
   * is opened, so Submits that race share one reference and one of them opens it; the others
   * (and any Submit after) answer with that case, marked `already`.
   */
  async submit(person: Person): Promise<IntakeView> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const view = await this.submitOnce(person);
      if (view) return view;
    }
    return { kind: 'refused', message: 'Your walk is changing quickly; nothing was opened. Please press Submit again.' };
  }

  /** Null: another Submit claimed the draft first; look again. */
  private async submitOnce(person: Person): Promise<IntakeView | null> {
    const { policy, directory, store } = this.deps;
    const stored = await store.getDocument<Draft>(DRAFTS, person.id);
    if (!stored) {
      const opened = await store.getDocument<{ ref: string; startStage: number }>(SUBMITTED, person.id);
      if (opened) return { kind: 'opened', ref: opened.value.ref, startStage: opened.value.startStage, already: true };
      return { kind: 'refused', message: 'This walk has ended. Say "escalate" to start again.' };
    }
    const draft = stored.value;
    const done = complete(policy, this.context(person), draft);
    if (!done) return this.view(person, draft);
    if (done.kind === 'urgent-guidance' || done.kind === 'off-ramp') {
      await store.deleteDocument(DRAFTS, person.id);
      return done;
    }
    const own = agencyById(directory, person.agencyId);
    const other = agencyById(directory, done.receivingAgencyId);
    if (!own || !other) return { kind: 'refused', message: 'Your agency or the other agency is missing from the directory; please tell your safeguarding lead.' };
    let ref = typeof draft[REF] === 'string' ? draft[REF] : null;
    if (!ref) {
      ref = await this.nextRef();
      // Two Submits racing: one claims the draft; the other looks again and finds its reference
      // (the number it drew is left unused: a gap in the sequence, never a second case).
      if (!(await store.putDocument(DRAFTS, person.id, { ...draft, [REF]: ref }, stored.etag)).ok) return null;
    }
    const colleague = done.onBehalfOf ? personById(directory, done.onBehalfOf) : undefined;
    if (done.onBehalfOf && colleague?.agencyId !== own.id) return { kind: 'refused', message: 'That colleague is no longer in the directory at your agency; please start again.' };
    const practitioner = participantOf(directory, colleague ?? person, 'practitioner');
    // Recording it for a colleague, the person acts in the role the procedure names for that.
    const role = colleague ? (person.roles.find((r) => policy.raisedOnBehalf?.roles.includes(r)) ?? 'practitioner') : 'practitioner';
    const outcome = await this.deps.cases.execute(ref, {
      type: 'open-case',
      actor: { kind: 'person', personId: person.id, name: person.name, role, agencyId: own.id, agencyName: own.name, agencyKind: own.kind },
      ref,
      policy,
      practitioner,
      escalatingAgency: { id: own.id, name: own.name },
      receivingAgency: { id: other.id, name: other.name },
      urgent: done.urgent,
      intake: done.intake,
    });
    const already = !outcome.ok && outcome.code === 'already-exists' && !!(await this.deps.cases.load(ref))?.participantIds.includes(person.id);
    if (!outcome.ok && !already) return { kind: 'refused', message: outcome.message };
    // Recorded before the draft goes, so a Submit arriving in between still finds the case.
    await store.putDocument(SUBMITTED, person.id, { ref, startStage: done.startStage });
    await store.deleteDocument(DRAFTS, person.id);
    return { kind: 'opened', ref, startStage: done.startStage, ...(already ? { already: true } : {}) };
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
