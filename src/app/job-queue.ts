/**
 * The JobQueue port: where planned jobs wait for their time. Production uses Agenda on the same
 * database as the store (src/jobs/agenda-queue.ts); `FakeClockJobQueue` moves a test's fake clock
 * from job to job, so a case can cross weekends and bank holidays in milliseconds.
 */
import type { FakeClock } from './clock.js';
import type { PlannedJob } from './job-plan.js';

export type JobState = 'scheduled' | 'running' | 'done' | 'failed';

export type QueuedJob = PlannedJob & { state: JobState };

/** `pending`: not run yet (overdue ones included); `overdue`: past their time, waiting to run; `failed`: last run failed. */
export type QueueStatus = { running: boolean; pending: number; overdue: number; inProgress: number; failed: number };

/** Which try this is: a job whose handler throws is tried again later, up to `JOB_TRIES` times. */
export type Attempt = { number: number; last: boolean };

export type JobHandler = (job: PlannedJob, attempt: Attempt) => Promise<void>;

/**
 * A job that fails (a prompt that did not get through, a store that did not answer) is tried
 * again after 1, 5 and 25 minutes, then 2 hours: five tries in about two and a half hours. On
 * the last try the handler is told so, and declares what could not be done rather than failing.
 */
export const JOB_TRIES = 5;
const FIRST_RETRY_MS = 60_000;
const RETRY_FACTOR = 5;

/** How long to wait after the nth failure (1-based) before trying again; null after the last try. */
export function retryDelay(failures: number): number | null {
  return failures >= JOB_TRIES ? null : FIRST_RETRY_MS * RETRY_FACTOR ** (failures - 1);
}

export interface JobQueue {
  /** Every job of a case still stored, including those already run (kept as history). */
  jobsOf(ref: string | null): Promise<QueuedJob[]>;
  /** Adds jobs; a job whose key is already queued is left as it is. */
  schedule(jobs: PlannedJob[]): Promise<void>;
  /** Removes jobs that have not run yet. */
  cancel(keys: string[]): Promise<void>;
  start(handler: JobHandler): Promise<void>;
  /** Stops taking jobs and waits for those running to finish. */
  stop(): Promise<void>;
  status(): Promise<QueueStatus>;
}

export class FakeClockJobQueue implements JobQueue {
  private readonly jobs = new Map<string, QueuedJob>();
  /** Failures so far, by job key (as Agenda keeps failCount). */
  private readonly failures = new Map<string, number>();
  private handler: JobHandler | null = null;

  constructor(private readonly clock: FakeClock) {}

  async jobsOf(ref: string | null) {
    return [...this.jobs.values()].filter((j) => j.data.ref === ref);
  }
  async schedule(jobs: PlannedJob[]) {
    for (const j of jobs) if (!this.jobs.has(j.key)) this.jobs.set(j.key, { ...j, state: 'scheduled' });
  }
  async cancel(keys: string[]) {
    for (const k of keys) if (this.jobs.get(k)?.state === 'scheduled') this.jobs.delete(k);
  }
  async start(handler: JobHandler) {
    this.handler = handler;
  }
  async stop() {
    this.handler = null;
  }
  async status(): Promise<QueueStatus> {
    const failed = [...this.jobs.values()].filter((j) => j.state === 'failed').length;
    return { running: this.handler !== null, pending: this.pending().length, overdue: this.due().length, inProgress: 0, failed };
  }
  pending(): QueuedJob[] {
    return [...this.jobs.values()].filter((j) => j.state === 'scheduled').sort(byRunAt);
  }

  /**
   * Moves the clock to each job's time in turn and runs it, up to `iso` (where the clock is left),
   * including jobs the handlers add on the way and retries of jobs that failed (as Agenda does,
   * after `retryDelay`). A job that fails its last try fails the call. Returns the jobs run, in order.
   */
  async advanceTo(iso: string): Promise<QueuedJob[]> {
    if (!this.handler) throw new Error('the job queue has not been started');
    const until = new Date(iso).getTime();
    if (until < this.clock.now().getTime()) throw new Error(`the clock cannot go back to ${iso}`);
    const ran: QueuedJob[] = [];
    for (let next = this.pending()[0]; next && new Date(next.runAt).getTime() <= until; next = this.pending()[0]) {
      if (new Date(next.runAt) > this.clock.now()) this.clock.set(next.runAt);
      next.state = 'running';
      const failed = this.failures.get(next.key) ?? 0;
      try {
        await this.handler(next, { number: failed + 1, last: failed + 1 >= JOB_TRIES });
        next.state = 'done';
      } catch (e) {
        this.failures.set(next.key, failed + 1);
        const wait = retryDelay(failed + 1);
        if (wait === null) {
          next.state = 'failed';
          throw e;
        }
        ran.push({ ...next });
        next.state = 'scheduled';
        next.runAt = new Date(this.clock.now().getTime() + wait).toISOString();
        continue;
      }
      ran.push(next);
    }
    this.clock.set(iso);
    return ran;
  }

  private due(): QueuedJob[] {
    const now = this.clock.now().getTime();
    return this.pending().filter((j) => new Date(j.runAt).getTime() <= now);
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byRunAt = (a: PlannedJob, b: PlannedJob) => compare(new Date(a.runAt).toISOString(), new Date(b.runAt).toISOString()) || compare(a.key, b.key);
