/**
 * The JobQueue port on Agenda v6, stored beside the cases (PostgreSQL, PGlite or MongoDB).
 *
 * Each planned job becomes one Agenda job whose data carries our key. Agenda locks a job before
 * running it, so with several instances on one database each due job runs on one of them; a job
 * that still runs twice (a lock that outlived a crashed instance) is harmless, because handlers
 * are idempotent. Jobs already run are kept (Agenda's default), so a case's plan is not re-queued
 * once done. Shutdown drains: Agenda stops taking jobs and waits for those running.
 */
import { Agenda, type AgendaBackend, type Job, type JobWithState } from 'agenda';
import type { JobCounts } from './agenda-backend.js';
import { JOB_NAMES, type JobName, type PlannedJob } from '../app/job-plan.js';
import { JOB_TRIES, retryDelay, type JobHandler, type JobQueue, type JobState, type QueuedJob, type QueueStatus } from '../app/job-queue.js';

export type AgendaQueueOptions = {
  backend: AgendaBackend;
  /** Makes the job key unique in the backend's table, after Agenda has created it. */
  ensureUniqueKeys: () => Promise<void>;
  /** Pending and failed jobs, counted in the database (see JobBackend). */
  countJobs: () => Promise<JobCounts>;
  /** How often to look for jobs coming due (ms); each is then run on a timer at its time. */
  processEvery?: number;
  /** Names this instance in the job table's lockedBy/lastModifiedBy. */
  name?: string;
  /** How long a running job stays locked to this instance (ms); see JOBS_LOCK_MS. */
  lockLifetime?: number;
  /** How long shutdown waits for running jobs (ms). */
  drainTimeout?: number;
};

type Data = PlannedJob['data'] & { key: string; runAt: string };

const STATES: Record<JobWithState['state'], JobState> = {
  scheduled: 'scheduled',
  queued: 'scheduled',
  repeating: 'scheduled',
  paused: 'scheduled',
  running: 'running',
  completed: 'done',
  failed: 'failed',
};

export async function agendaJobQueue(options: AgendaQueueOptions): Promise<JobQueue> {
  const agenda = new Agenda({
    backend: options.backend,
    processEvery: options.processEvery ?? 1000,
    ...(options.name ? { name: options.name } : {}),
    // A handler that takes longer than this is presumed dead and its job given to another instance.
    defaultLockLifetime: options.lockLifetime ?? 60_000,
  });
  await agenda.ready;
  await options.ensureUniqueKeys();
  let started = false;

  const toQueued = (j: JobWithState): QueuedJob => {
    const { key, runAt, ...data } = j.data as Data;
    return { key, name: j.name as JobName, runAt, data, state: STATES[j.state] };
  };

  return {
    async jobsOf(ref) {
      const { jobs } = await agenda.queryJobs({ data: { ref } });
      return jobs.map(toQueued);
    },

    async schedule(jobs) {
      for (const j of jobs) {
        // runAt is kept in the data: once a one-off job starts, Agenda clears its nextRunAt.
        const job = agenda.create<Data>(j.name, { key: j.key, runAt: j.runAt, ...j.data });
        job.unique({ 'data.key': j.key }, { insertOnly: true });
        job.schedule(new Date(j.runAt));
        try {
          await job.save();
        } catch (e) {
          // Another instance queued the same key at the same moment: the unique index kept one.
          if (!isDuplicateKey(e)) throw e;
        }
      }
    },

    async cancel(keys) {
      // Only jobs not yet run: those already run are the case's history.
      for (const key of keys) {
        const { jobs } = await agenda.queryJobs({ data: { key } });
        const ids = jobs.filter((j) => j.state === 'scheduled' || j.state === 'queued').map((j) => String(j._id));
        if (ids.length) await agenda.cancel({ ids });
      }
    },

    async start(handler: JobHandler) {
      for (const name of JOB_NAMES) {
        agenda.define<Data>(
          name,
          async (job: Job<Data>) => {
            const { key, runAt, ...data } = job.attrs.data;
            // failCount counts the failures before this run (Agenda resets it after a success).
            const number = (job.attrs.failCount ?? 0) + 1;
            await handler({ key, name, runAt, data }, { number, last: number >= JOB_TRIES });
          },
          // A job that throws is tried again after a growing wait, as many times as JOB_TRIES allows.
          { backoff: ({ attempt }) => retryDelay(attempt) },
        );
      }
      await agenda.start();
      started = true;
    },

    async stop() {
      if (started) await agenda.drain({ timeout: options.drainTimeout ?? 8000, closeConnection: false });
      else await agenda.stop(false);
      started = false;
    },

    async status(): Promise<QueueStatus> {
      const { pending, failed } = await options.countJobs();
      if (!started) return { running: false, pending, overdue: 0, inProgress: 0, failed };
      const s = await agenda.getRunningStats();
      return { running: true, pending, overdue: s.totalQueueSizeDB, inProgress: typeof s.runningJobs === 'number' ? s.runningJobs : s.runningJobs.length, failed };
    },
  };
}

/** PostgreSQL's unique violation or MongoDB's duplicate key. */
function isDuplicateKey(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return code === '23505' || code === 11000;
}
