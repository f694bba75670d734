/**
 * The inputs of the later steps' cards and modals, read into what their commands need. Teams
 * sends them in the Action.Execute data and Slack in the modal's state (`inputsOf`), both as
 * `{ [id]: string }` with the same ids, so one reading serves both doors. Each answers the value
 * or a sentence for the person; nothing here decides whether the step is allowed (that is `decide`).
 */
import { atLondonTime } from '../domain/calendar.js';
import type { AgencyRef, AgreedAction } from '../domain/escalation/events.js';

export type Read<T> = { ok: true; value: T } | { ok: false; message: string };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(:\d{2})?$/;

/**
 * A due instant from a date and an optional London time (Input.Date / Input.Time, Slack's
 * datepicker / timepicker): 17:00 when no time is given, as the other due dates typed as a date.
 */
export function dueInstantOf(date: string | undefined, time?: string): Read<string> {
  if (!date || !ISO_DATE.test(date)) return { ok: false, message: 'Choose the date the response is now due.' };
  if (!time) return { ok: true, value: atLondonTime(date, 17).toISOString() };
  const m = TIME.exec(time);
  if (!m) return { ok: false, message: 'The time must be hours and minutes, like 14:30.' };
  return { ok: true, value: atLondonTime(date, Number(m[1]), Number(m[2])).toISOString() };
}

/**
 * The panel's agencies from the chosen ids (a Teams multi-select sends "a,b,c"; Slack's
 * multi-select arrives joined the same way), each one an agency of the directory.
 */
export function panelAgenciesOf(chosen: string | undefined, agencies: readonly AgencyRef[]): Read<AgencyRef[]> {
  const ids = [...new Set((chosen ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
  const byId = new Map(agencies.map((a) => [a.id, a]));
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length) return { ok: false, message: 'Choose the panel’s agencies from the list.' };
  return { ok: true, value: ids.map((id) => byId.get(id)!) };
}

/** The agreed actions typed in rows `action<n>`, `owner<n>`, `due<n>` (rows left blank are skipped). */
export function actionsOf(inputs: Record<string, string | undefined>, rows = 3): AgreedAction[] {
  const at = (k: string) => (inputs[k] ?? '').trim();
  return Array.from({ length: rows }, (_, i) => i + 1)
    .filter((n) => at(`action${n}`) || at(`owner${n}`) || at(`due${n}`))
    .map((n) => ({ description: at(`action${n}`), owner: at(`owner${n}`), due: at(`due${n}`) }));
}

/** Each agreed action's answer (`done<n>`: "done" or "not-done"), in order; every one must be answered. */
export function doneFlagsOf(inputs: Record<string, string | undefined>, count: number): Read<boolean[]> {
  const answers = Array.from({ length: count }, (_, i) => inputs[`done${i + 1}`]);
  const missing = answers.findIndex((a) => a !== 'done' && a !== 'not-done');
  if (missing >= 0) return { ok: false, message: `Say whether agreed action ${missing + 1} was done.` };
  return { ok: true, value: answers.map((a) => a === 'done') };
}
