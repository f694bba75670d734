/**
 * What the scheduler does: keeps each case's jobs equal to its plan, and runs a job when it is
 * due. Every job goes through the case's own rules (`Cases.execute` with the job's key as the
 * idempotency key), so a job that fires twice records one event, and its prompts go out once
 * (`deliverOnce`). A job about something that has since moved on records and sends nothing.
 *
 * A prompt that does not reach its person fails the job, so the queue tries it again later (the
 * event is recorded once; only the prompts not yet delivered are sent again). On the last try,
 * what still did not get through is declared undeliverable (`declareUndeliverable`).
 */
import { formatHuman } from '../domain/calendar.js';
import type { Directory } from '../domain/directory.js';
import type { Actor, CaseEvent } from '../domain/escalation/events.js';
import type { CaseState } from '../domain/escalation/state.js';
import { isResolvedOutcome } from '../domain/escalation/queries.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import type { CaseSummary } from './case-summary.js';
import type { Cases } from './cases.js';
import type { Clock } from './clock.js';
import { DEFAULT_JOB_SETTINGS, planDigest, planJobs, type JobSettings, type PlannedJob } from './job-plan.js';
import type { Attempt, JobQueue } from './job-queue.js';
import { deliverOnce, type Notification, type Notifier } from './notifier.js';
import { declareUndeliverable, type UndeliverableRecord } from './undeliverable.js';
import type { Store } from './store.js';

export const SCHEDULER: Actor = { kind: 'system', name: 'Resolve scheduler' };

export type ScheduledJobsDeps = {
  cases: Cases;
  store: Store;
  queue: JobQueue;
  notifier: Notifier;
  directory: Directory;
  clock: Clock;
  /** The partnership's working days (its region's bank holidays and any local ones), for the digest. */
  region: WorkingCalendar;
  settings?: JobSettings;
  /** Where a failure that must not stop the caller is reported. */
  onError?: (message: string, error: unknown) => void;
  /** Hears of each prompt declared undeliverable (the app logs it). */
  onUndeliverable?: (record: UndeliverableRecord) => void;
};

/** A job run by hand, outside the queue, has one try. */
const ONLY_TRY: Attempt = { number: 1, last: true };

const when = (iso: string) => formatHuman(new Date(iso));

export class ScheduledJobs {
  private readonly settings: JobSettings;

  constructor(private readonly deps: ScheduledJobsDeps) {
    this.settings = deps.settings ?? DEFAULT_JOB_SETTINGS;
  }

  /** Makes the queue hold exactly the jobs the case needs now; jobs already run stay as history. */
  async sync(state: CaseState): Promise<void> {
    const planned = planJobs(state, this.settings);
    const existing = await this.deps.queue.jobsOf(state.ref);
    const keys = new Set(existing.map((j) => j.key));
    const wanted = new Set(planned.map((j) => j.key));
    await this.deps.queue.cancel(existing.filter((j) => j.state === 'scheduled' && !wanted.has(j.key)).map((j) => j.key));
    await this.deps.queue.schedule(planned.filter((j) => !keys.has(j.key)));
  }

  /**
   * For `Cases`' afterRecord: the change is recorded, so a failure here is reported, not thrown;
   * start-up repairs it. A change that leaves the plan as it was (a message, a prompt recorded)
   * has nothing to sync, so its turn does not read the case's jobs.
   */
  async syncQuietly(state: CaseState, before?: CaseState | null): Promise<void> {
    try {
      if (before && samePlan(planJobs(before, this.settings), planJobs(state, this.settings))) return;
      await this.sync(state);
    } catch (e) {
      this.deps.onError?.(`could not update the scheduled jobs of case ${state.ref}`, e);
    }
  }

  /**
   * At start-up: every case that may still need a job is brought in line with its plan (a crash
   * between recording an event and scheduling its jobs is repaired here), and the next Board
   * digest is queued.
   */
  async syncAll(): Promise<number> {
    // Every case with events, not only those with a summary (one may be missing or behind its
    // events); a summary is only trusted to skip a closed case, since a closed case stays closed.
    // A closed case needs at most its debrief prompt, a few working days after closure.
    const done = new Set((await this.deps.store.findCases({ phases: ['closed'] })).filter((c) => !isResolvedOutcome(c.outcome)).map((c) => c.ref));
    let synced = 0;
    for (const ref of await this.deps.store.caseRefs()) {
      if (done.has(ref)) continue;
      const state = await this.deps.cases.load(ref);
      if (state) {
        await this.sync(state);
        synced++;
      }
    }
    await this.queueNextDigest();
    return synced;
  }

  async run(job: PlannedJob, attempt: Attempt = ONLY_TRY): Promise<void> {
    if (job.name === 'board-digest') return this.digest(job, attempt);
    const ref = job.data.ref;
    if (!ref) return;
    const { cases } = this.deps;
    const outcome =
      job.name === 'response-deadline' || job.name === 'acknowledgement-deadline'
        ? await cases.execute(ref, { type: 'mark-deadline-lapsed', actor: SCHEDULER, which: job.name === 'response-deadline' ? 'response' : 'acknowledgement', due: job.data.due ?? '' }, job.key)
        : await cases.execute(ref, { type: 'record-prompt', actor: SCHEDULER, prompt: job.name, due: job.data.due }, job.key);
    if (!outcome.ok) {
      // 'too-early' means the clock and the queue disagree (a job saved early by hand): try later.
      if (outcome.code === 'too-early') throw new Error(outcome.message);
      return;
    }
    const prompts = outcome.recorded.flatMap((recorded) => notificationsFor(outcome.state, recorded.event, job.key));
    await this.deliverAll(prompts, attempt, outcome.state);
    // The case's jobs were synced by Cases when the events were recorded.
  }

  /**
   * Sends each prompt not yet delivered (with the case as the job left it, for prompts about one
   * case). Any that did not get through fail the job (to be tried
   * again), unless this is the last try: then they are declared undeliverable.
   */
  private async deliverAll(prompts: Notification[], attempt: Attempt, state?: CaseState): Promise<void> {
    const { store, notifier, directory, clock } = this.deps;
    const failed: Notification[] = [];
    for (const n of prompts) if ((await deliverOnce(store, notifier, n, clock.now(), state)) === 'failed') failed.push(n);
    if (failed.length === 0) return;
    if (!attempt.last) throw new Error(`${failed.length} prompt(s) not delivered (try ${attempt.number}); the job will be tried again`);
    const deps = { store, notifier, directory, ...(this.deps.onUndeliverable ? { onUndeliverable: this.deps.onUndeliverable } : {}) };
    for (const n of failed) await declareUndeliverable(deps, n, attempt.number, clock.now());
  }

  private async queueNextDigest(): Promise<void> {
    await this.deps.queue.schedule([planDigest(this.deps.clock.now(), this.deps.region, this.settings)]);
  }

  /** The Board managers' morning list: cases at Stage 3 or above, and any stage overdue. */
  private async digest(job: PlannedJob, attempt: Attempt): Promise<void> {
    const { store, directory } = this.deps;
    const open = await store.findCases({ phases: ['ready', 'awaiting-approval', 'stage-open', 'resolved'] });
    const listed = open.filter((c) => (c.stage ?? 0) >= 3 || c.overdueSince !== null);
    const managers = directory.people.filter((p) => p.roles.includes('board-business-manager'));
    // The next digest is queued first, so a digest that fails to get through does not stop the following ones.
    await this.queueNextDigest();
    if (listed.length) {
      const text = [`Open disagreements needing the Board's attention (${listed.length}):`, ...listed.map(digestLine)].join('\n');
      await this.deliverAll(managers.map((m) => ({ key: `${job.key}|${m.id}`, kind: 'board-digest' as const, caseRef: null, to: { personId: m.id, name: m.name }, text })), attempt);
    }
  }
}

function digestLine(c: CaseSummary): string {
  const stage = c.stage ? `Stage ${c.stage}` : 'before Stage 1';
  const status = c.overdueSince ? `overdue since ${when(c.overdueSince)}` : c.nextDue ? `due ${when(c.nextDue)}` : c.phase.replace('-', ' ');
  return `- ${c.ref} (${c.escalatingAgencyId} → ${c.receivingAgencyId}): ${stage}, ${status}${c.urgent ? ', urgent' : ''}`;
}

/** The prompts an event recorded by the scheduler calls for. Text carries the case reference only. */
export function notificationsFor(state: CaseState, event: CaseEvent, jobKey: string): Notification[] {
  const ref = state.ref;
  // The stage the event is about (a repeated job may find the case has moved on since).
  const cur = state.history.filter((h) => h.number === event.stage).at(-1) ?? null;
  const to = (p: { personId: string; name: string }) => ({ personId: p.personId, name: p.name });
  if (event.type === 'prompt-sent') {
    return event.data.to.map((p) => {
      const base = { key: `${jobKey}|${p.personId}`, kind: event.data.prompt, caseRef: ref, to: to(p) };
      switch (event.data.prompt) {
        case 'stage-reminder':
          return { ...base, text: `Reminder: case ${ref}, Stage ${event.stage}. Your response is due by ${when(event.data.due!)}.` };
        case 'actions-review':
          return { ...base, text: `Case ${ref}: the agreed actions were due for review today. Please check back that they were implemented, and record what you found.` };
        case 'debrief-prompt':
          return { ...base, text: `Case ${ref} was resolved. Consider a debrief with the other agency to capture what can be learned.` };
      }
    });
  }
  if (event.type === 'deadline-lapsed' && cur) {
    const d = event.data;
    if (d.which === 'response') {
      const next = d.suggestedStage
        ? `You may now ask for Stage ${d.suggestedStage}; nothing happens until you do.`
        : 'There is no further stage in this procedure.';
      return [
        { key: `${jobKey}|${cur.raiser.personId}`, kind: 'response-overdue', caseRef: ref, to: to(cur.raiser), suggestedStage: d.suggestedStage, text: `Case ${ref}, Stage ${event.stage}: no response by ${when(d.due)}. ${next}` },
        { key: `${jobKey}|${cur.receiver.personId}`, kind: 'response-overdue', caseRef: ref, to: to(cur.receiver), text: `Case ${ref}, Stage ${event.stage}: your response was due by ${when(d.due)} and has not been recorded.` },
      ];
    }
    return [
      { key: `${jobKey}|${cur.raiser.personId}`, kind: 'acknowledgement-overdue', caseRef: ref, to: to(cur.raiser), text: `Case ${ref}, Stage ${event.stage}: receipt was not acknowledged by ${when(d.due)}.` },
    ];
  }
  return [];
}

/** The same jobs at the same times (each key names its case, kind, stage and time). */
function samePlan(a: PlannedJob[], b: PlannedJob[]): boolean {
  return a.length === b.length && a.every((j, i) => j.key === b[i]!.key);
}
