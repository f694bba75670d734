/**
 * Prometheus metrics for GET /metrics, on the app's own registry (not prom-client's global one):
 * turn latency by channel and step, the job queue (read at scrape time), prompts that could not be
 * delivered, the store's append latency, and Node's process metrics. Labels take only values from
 * fixed lists (anything else is "other"), so no input can grow the number of series.
 *
 * The registry is per process, as Prometheus scrapes processes: apps started in one process (tests)
 * share it, and the job gauges read the queue of the app started last.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueStatus } from '../app/job-queue.js';
import { STEP_VERBS } from '../app/steps/index.js';

export const CHANNELS = ['teams', 'slack'] as const;
export type TurnChannel = (typeof CHANNELS)[number];

/** Commands people type (Teams message, Slack DM); the first word, or the two words of "my cases". */
const TYPED = ['help', 'hello', 'hi', 'escalate', 'my cases', 'status', 'tried', 'resolve', 'reply', 'withdraw'];
const STEPS = new Set<string>([
  ...STEP_VERBS,
  ...['intake.start', 'intake.answer', 'intake.back', 'intake.cancel', 'intake.submit', 'intake.step', 'intake.shortcut', 'card.refresh'],
  ...['/escalate', '/resolve-cases', '/resolve-status', 'message'],
  ...TYPED,
]);

export const registry = new Registry();
registry.setDefaultLabels({ app: 'resolve' });
collectDefaultMetrics({ register: registry });

const turnSeconds = new Histogram({
  name: 'resolve_turn_duration_seconds',
  help: 'Time to handle one Teams or Slack request, by channel and step (the verb or typed command; "other" when not recognised).',
  labelNames: ['channel', 'step'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10],
  registers: [registry],
});

const appendSeconds = new Histogram({
  name: 'resolve_store_append_duration_seconds',
  help: 'Time to append events to the store, by outcome (recorded, duplicate, conflict or error).',
  labelNames: ['outcome'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
  registers: [registry],
});

const undeliverable = new Counter({
  name: 'resolve_prompts_undeliverable_total',
  help: 'Prompts (asks, reminders, notices) that could not be delivered to anyone in Teams or Slack.',
  registers: [registry],
});

let jobStatus: (() => Promise<QueueStatus>) | null = null;
const jobGauge = (name: string, help: string, pick: (s: QueueStatus) => number) =>
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      // A queue that cannot be read shows no value rather than a made-up zero.
      const s = jobStatus ? await jobStatus().catch(() => null) : null;
      if (s) this.set(pick(s));
      else this.reset();
    },
  });
jobGauge('resolve_jobs_pending', 'Scheduled jobs not yet run (reminders, deadlines, digests).', (s) => s.pending);
jobGauge('resolve_jobs_overdue', 'Jobs whose time has passed and that wait for a scheduler to run them.', (s) => s.overdue);
jobGauge('resolve_jobs_failed', 'Jobs whose last run failed.', (s) => s.failed);

/** The queue whose status the job gauges show; returns a function that stops showing it. */
export function watchJobs(status: () => Promise<QueueStatus>): () => void {
  jobStatus = status;
  return () => {
    if (jobStatus === status) jobStatus = null;
  };
}

export function stepLabel(step: string | null): string {
  return step !== null && STEPS.has(step) ? step : 'other';
}

/** The step of a typed message: its command word, never its text. */
export function typedStep(text: string): string {
  const words = text.trim().toLowerCase().split(/\s+/);
  const step = words[0] === 'my' && words[1] === 'cases' ? 'my cases' : (words[0] ?? '');
  return TYPED.includes(step) ? step : 'other';
}

export function observeTurn(channel: TurnChannel, step: string | null, seconds: number): void {
  turnSeconds.observe({ channel, step: stepLabel(step) }, seconds);
}

export function observeAppend(outcome: 'recorded' | 'duplicate' | 'conflict' | 'error', seconds: number): void {
  appendSeconds.observe({ outcome }, seconds);
}

/** Called when a prompt reached nobody (no Teams or Slack conversation for anyone it was for). */
export function recordUndeliverablePrompt(): void {
  undeliverable.inc();
}
