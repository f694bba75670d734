/**
 * Which scheduled jobs a case needs now, read from its state. The scheduler keeps exactly this
 * set: after every change it adds the jobs that are missing and cancels those no longer planned
 * (a stage that moved on, a due date that was extended). Each job's key names the case, the job,
 * the stage and the instant it is about, so a job is unique per case and stage, and one that
 * fires twice is recognised by the handler (the domain records a lapse once).
 */
import { addWorkingDays, atLondonTime, calendarOf, formatIsoLondon, isWorkingDay, subtractWorkingDays, type WorkingCalendar } from '../domain/calendar.js';
import type { CaseState } from '../domain/escalation/state.js';
import { awaitingResponse, isResolvedOutcome } from '../domain/escalation/queries.js';

export const JOB_NAMES = ['stage-reminder', 'response-deadline', 'acknowledgement-deadline', 'actions-review', 'debrief-prompt', 'board-digest'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** `ref` is null only for the Board's daily digest, which is about every case. */
export type PlannedJob = { key: string; name: JobName; runAt: string; data: { ref: string | null; stage: number | null; due: string | null } };

export type JobSettings = {
  /** Reminders at these fractions of the time allowed (0.5 = half-way). */
  reminderFractions: number[];
  /** And this many working days before the deadline (0 for none). */
  reminderWorkingDaysBefore: number;
  /** Reminders are sent on working days between these London hours (from inclusive, to exclusive). */
  officeHours: { from: number; to: number };
  /** The London time of day for date-only prompts (review dates, debriefs). */
  promptHour: number;
  /** Working days after closure to suggest a debrief. */
  debriefAfterWorkingDays: number;
  /** The London hour of the Board managers' daily digest, on working days. */
  digestHour: number;
};

export const DEFAULT_JOB_SETTINGS: JobSettings = {
  reminderFractions: [0.5],
  reminderWorkingDaysBefore: 1,
  officeHours: { from: 8, to: 18 },
  promptHour: 9,
  debriefAfterWorkingDays: 2,
  digestHour: 8,
};

function isOfficeHours(t: Date, region: WorkingCalendar, settings: JobSettings): boolean {
  const hour = Number(formatIsoLondon(t).slice(11, 13));
  return isWorkingDay(t, region) && hour >= settings.officeHours.from && hour < settings.officeHours.to;
}

export function planJobs(state: CaseState, settings: JobSettings = DEFAULT_JOB_SETTINGS): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  const ref = state.ref;
  const add = (name: JobName, runAt: Date, stage: number | null, due: string | null) =>
    jobs.push({ key: `${ref}|${name}|${stage ?? '-'}|${runAt.toISOString()}`, name, runAt: runAt.toISOString(), data: { ref, stage, due } });
  const region = calendarOf(state.policy);
  const cur = state.current;

  if (state.phase === 'stage-open' && cur) {
    if (cur.responseDue && awaitingResponse(cur) && cur.lapsed.response !== cur.responseDue) {
      const start = new Date(cur.openedAt).getTime();
      const due = new Date(cur.responseDue);
      const reminders = new Set<number>();
      for (const f of settings.reminderFractions) reminders.add(Math.round(start + f * (due.getTime() - start)));
      if (settings.reminderWorkingDaysBefore > 0) reminders.add(subtractWorkingDays(due, settings.reminderWorkingDaysBefore, region).getTime());
      // A reminder is only worth sending strictly between the opening and the deadline, and only
      // when people are at work: one that would land at night or on a holiday is not sent.
      for (const t of [...reminders].sort((a, b) => a - b)) {
        if (t > start && t < due.getTime() && isOfficeHours(new Date(t), region, settings)) add('stage-reminder', new Date(t), cur.number, cur.responseDue);
      }
      add('response-deadline', due, cur.number, cur.responseDue);
    }
    if (cur.acknowledgementDue && !cur.acknowledged && cur.lapsed.acknowledgement !== cur.acknowledgementDue) {
      add('acknowledgement-deadline', new Date(cur.acknowledgementDue), cur.number, cur.acknowledgementDue);
    }
  }
  if (state.phase === 'resolved' && state.agreed?.reviewDate && !state.actionsReviewed) {
    add('actions-review', atLondonTime(state.agreed.reviewDate, settings.promptHour), cur?.number ?? null, state.agreed.reviewDate);
  }
  if (state.phase === 'closed' && isResolvedOutcome(state.outcome) && state.closedAt && state.debriefs === 0 && settings.debriefAfterWorkingDays > 0) {
    add('debrief-prompt', addWorkingDays(new Date(state.closedAt), settings.debriefAfterWorkingDays, region), null, null);
  }
  return jobs;
}

/**
 * The next Board digest after `after`: the digest hour of the next working day (today's, if it
 * is still to come). Each digest schedules the next, so bank holidays are skipped by the calendar.
 */
export function planDigest(after: Date, region: WorkingCalendar, settings: JobSettings = DEFAULT_JOB_SETTINGS): PlannedJob {
  let day = formatIsoLondon(after).slice(0, 10);
  let runAt = atLondonTime(day, settings.digestHour);
  while (runAt <= after || !isWorkingDay(runAt, region)) {
    day = formatIsoLondon(new Date(runAt.getTime() + 24 * 3600_000)).slice(0, 10);
    runAt = atLondonTime(day, settings.digestHour);
  }
  return { key: `board|board-digest|-|${runAt.toISOString()}`, name: 'board-digest', runAt: runAt.toISOString(), data: { ref: null, stage: null, due: day } };
}
