/**
 * Working days and deadlines, in Europe/London.
 *
 * Semantics (the procedures' "N working days"):
 * - A working day is a Europe/London calendar day, Monday to Friday, that is not a bank holiday
 *   of the region. Bank holidays come from the bundled `date-holidays` data (type "public",
 *   which includes substitute days such as Monday 28 December 2026 for Boxing Day); observances
 *   such as Mother's Day do not count.
 * - N working days from instant t are due at the same London wall-clock time on the N-th working
 *   day after t's London calendar day. t's own day never counts, even when it is a working day,
 *   and a concern raised at the weekend starts counting on the next day.
 * - A timescale in hours is elapsed time, whatever the clocks do; one in calendar days keeps the
 *   London wall-clock time on the N-th calendar day, across a change of the clocks.
 * - Clocks change on Sundays, which are never working days, so a due wall-clock time always
 *   exists. For safety the conversion still has a rule: a time inside the spring-forward gap is
 *   moved forward by the gap, and an ambiguous autumn time takes its first (BST) occurrence.
 *
 * Pure: no clock and no I/O; the holiday sets are computed lazily and cached per region and year.
 */
import { createRequire } from 'node:module';
import type HolidaysType from 'date-holidays';
import type { Region, TimescaleInput } from './policy/schema.js';

/**
 * Whose working days: a region's bank holidays, and where a partnership lists them, its council's
 * own non-working days (YYYY-MM-DD, London days) on top.
 */
export type WorkingCalendar = Region | { region: Region; closedDays: readonly string[] };

/** A policy's calendar: its region, with its local holidays. */
export function calendarOf(p: { region: Region; localHolidays?: readonly { date: string }[] }): WorkingCalendar {
  return p.localHolidays?.length ? { region: p.region, closedDays: p.localHolidays.map((h) => h.date) } : p.region;
}

const ZONE = 'Europe/London';
/** The `date-holidays` country and state of each region. */
const HOLIDAYS_OF: Record<Region, [string, string?]> = {
  'england-and-wales': ['GB', 'ENG'],
  scotland: ['GB', 'SCT'],
  'northern-ireland': ['GB', 'NIR'],
  jersey: ['JE'],
  guernsey: ['GG'],
  'isle-of-man': ['IM'],
};

// date-holidays is loaded on the first working-day sum, not at start-up (about 0.25 s).
let holidaysLoaded: typeof HolidaysType | undefined;
const Holidays = (): typeof HolidaysType => (holidaysLoaded ??= createRequire(import.meta.url)('date-holidays') as typeof HolidaysType);

/** A calendar day, as days since 1970-01-01 (so day arithmetic is plain integers). */
type DayNumber = number;
const MS_PER_DAY = 86_400_000;

type LocalParts = { year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number };

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function londonParts(instant: Date): LocalParts {
  const p: Record<string, number> = {};
  for (const { type, value } of partsFormat.formatToParts(instant)) if (type !== 'literal') p[type] = Number(value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second!, ms: instant.getUTCMilliseconds() };
}

/** London's offset from UTC at an instant, in milliseconds (0 in winter, one hour in summer). */
function offsetAt(ms: number): number {
  const p = londonParts(new Date(ms));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.ms) - ms;
}

/** The instant at which London's clocks show the given wall-clock time. */
function fromLondon(p: LocalParts): Date {
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.ms);
  // Try both offsets that could apply around the time; the earlier match is the first occurrence.
  const candidates = [asUtc - offsetAt(asUtc - 3_600_000 * 3), asUtc - offsetAt(asUtc + 3_600_000 * 3)].sort((a, b) => a - b);
  for (const c of candidates) if (c + offsetAt(c) === asUtc) return new Date(c);
  // In the spring-forward gap: no instant shows this time; use the offset before the change,
  // which lands the same distance after the gap.
  return new Date(asUtc - offsetAt(asUtc - 3_600_000 * 3));
}

const dayOf = (p: { year: number; month: number; day: number }): DayNumber => Date.UTC(p.year, p.month - 1, p.day) / MS_PER_DAY;
const dateOfDay = (d: DayNumber) => {
  const t = new Date(d * MS_PER_DAY);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
};

const holidayCache = new Map<string, Set<DayNumber>>();
function bankHolidays(region: Region, year: number): Set<DayNumber> {
  const key = `${region}:${year}`;
  let set = holidayCache.get(key);
  if (!set) {
    const [country, state] = HOLIDAYS_OF[region];
    const Loaded = Holidays();
    const hd = state ? new Loaded(country, state) : new Loaded(country);
    set = new Set(
      hd
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => {
          const [y, m, d] = h.date.slice(0, 10).split('-').map(Number);
          return dayOf({ year: y!, month: m!, day: d! });
        }),
    );
    holidayCache.set(key, set);
  }
  return set;
}

const closedCache = new WeakMap<readonly string[], Set<DayNumber>>();
function closedDays(dates: readonly string[]): Set<DayNumber> {
  let set = closedCache.get(dates);
  if (!set) {
    set = new Set(dates.map((iso) => {
      const [y, m, d] = iso.split('-').map(Number);
      return dayOf({ year: y!, month: m!, day: d! });
    }));
    closedCache.set(dates, set);
  }
  return set;
}

function isWorkingDayNumber(d: DayNumber, calendar: WorkingCalendar): boolean {
  const weekday = new Date(d * MS_PER_DAY).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  const region = typeof calendar === 'string' ? calendar : calendar.region;
  if (bankHolidays(region, dateOfDay(d).year).has(d)) return false;
  return typeof calendar === 'string' || !closedDays(calendar.closedDays).has(d);
}

function checkDays(days: number) {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`a number of working days must be a whole number of at least 1, not ${days}`);
}

/** Whether the London calendar day of `instant` is a working day of the region. */
export function isWorkingDay(instant: Date, region: WorkingCalendar): boolean {
  return isWorkingDayNumber(dayOf(londonParts(instant)), region);
}

function shiftWorkingDays(instant: Date, days: number, region: WorkingCalendar, direction: 1 | -1): Date {
  checkDays(days);
  const p = londonParts(instant);
  let d = dayOf(p);
  for (let left = days; left > 0; ) {
    d += direction;
    if (isWorkingDayNumber(d, region)) left--;
  }
  return fromLondon({ ...p, ...dateOfDay(d) });
}

/** Same London wall-clock time on the N-th working day after the instant's London day. */
export function addWorkingDays(from: Date, days: number, region: WorkingCalendar): Date {
  return shiftWorkingDays(from, days, region, 1);
}

/** Same London wall-clock time on the N-th working day before (for "one working day before"). */
export function subtractWorkingDays(instant: Date, days: number, region: WorkingCalendar): Date {
  return shiftWorkingDays(instant, days, region, -1);
}

/** The instant London's clocks show `hour:minute` on a calendar date (YYYY-MM-DD). */
export function atLondonTime(isoDate: string, hour: number, minute = 0): Date {
  const [year, month, day] = isoDate.split('-').map(Number);
  return fromLondon({ year: year!, month: month!, day: day!, hour, minute, second: 0, ms: 0 });
}

/** Same London wall-clock time N calendar days later (so 10:00 stays 10:00 across a clock change). */
export function addCalendarDays(from: Date, days: number): Date {
  const p = londonParts(from);
  return fromLondon({ ...p, ...dateOfDay(dayOf(p) + days) });
}

export function addHours(from: Date, hours: number): Date {
  return new Date(from.getTime() + hours * 3_600_000);
}

/** When a timescale that starts at `from` is due; null where the procedure sets no fixed time. */
/** (What the timescale counts from is the caller's business: see ./deadlines.) */
export function dueInstant(from: Date, timescale: TimescaleInput, region: WorkingCalendar): Date | null {
  switch (timescale.kind) {
    case 'working-days':
      return addWorkingDays(from, timescale.days, region);
    case 'calendar-days':
      return addCalendarDays(from, timescale.days);
    case 'hours':
      return addHours(from, timescale.hours);
    case 'none':
      return null;
  }
}

/** Working days after `from`'s London day up to and including `to`'s (0 when `to` is not later). */
export function workingDaysBetween(from: Date, to: Date, region: WorkingCalendar): number {
  const start = dayOf(londonParts(from));
  const end = dayOf(londonParts(to));
  let n = 0;
  for (let d = start + 1; d <= end; d++) if (isWorkingDayNumber(d, region)) n++;
  return n;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ISO 8601 in London time with its offset, to the second: 2026-12-29T15:00:00+00:00. */
export function formatIsoLondon(instant: Date): string {
  const p = londonParts(instant);
  const offsetMin = Math.round(offsetAt(instant.getTime()) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const humanFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** For people: "Tue 29 Dec 2026, 15:00" in London time. */
export function formatHuman(instant: Date): string {
  const p: Record<string, string> = {};
  for (const { type, value } of humanFormat.formatToParts(instant)) p[type] = value;
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}`;
}
