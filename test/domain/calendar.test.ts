import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  addHours,
  addWorkingDays,
  dueInstant,
  formatHuman,
  formatIsoLondon,
  isWorkingDay,
  subtractWorkingDays,
  workingDaysBetween,
} from '../../src/domain/calendar.js';
import type { Region } from '../../src/domain/policy/schema.js';

const EW: Region = 'england-and-wales';
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('working days', () => {
  it('skips Christmas Day, the weekend and the Boxing Day substitute (the CLI example)', () => {
    const due = addWorkingDays(at('2026-12-24T15:00:00Z'), 1, EW);
    expect(iso(due)).toBe('2026-12-29T15:00:00.000Z');
    expect(formatIsoLondon(due)).toBe('2026-12-29T15:00:00+00:00');
    expect(formatHuman(due)).toBe('Tue 29 Dec 2026, 15:00');
  });

  it('never counts the start day, and starts a weekend concern on Monday', () => {
    expect(iso(addWorkingDays(at('2026-11-23T10:00:00Z'), 1, EW))).toBe('2026-11-24T10:00:00.000Z');
    expect(iso(addWorkingDays(at('2026-11-21T10:00:00Z'), 1, EW))).toBe('2026-11-23T10:00:00.000Z'); // Saturday
    expect(iso(addWorkingDays(at('2026-11-23T10:00:00Z'), 5, EW))).toBe('2026-11-30T10:00:00.000Z');
  });

  it('keeps the London wall-clock time across the clock changes', () => {
    // Friday 27 March 2026 09:00 GMT; clocks go forward on Sunday 29th; Monday 09:00 BST is 08:00Z.
    expect(iso(addWorkingDays(at('2026-03-27T09:00:00Z'), 1, EW))).toBe('2026-03-30T08:00:00.000Z');
    expect(formatIsoLondon(at('2026-03-30T08:00:00Z'))).toBe('2026-03-30T09:00:00+01:00');
    // Friday 23 October 2026 09:00 BST (08:00Z); clocks go back on Sunday 25th; Monday 09:00 GMT.
    expect(iso(addWorkingDays(at('2026-10-23T08:00:00Z'), 1, EW))).toBe('2026-10-26T09:00:00.000Z');
    // Late evening: 23:30 BST on Friday is 22:30Z; the London day is Friday, not Saturday.
    expect(iso(addWorkingDays(at('2026-10-23T22:30:00Z'), 1, EW))).toBe('2026-10-26T23:30:00.000Z');
  });

  it('counts hours as elapsed time across a clock change', () => {
    expect(iso(addHours(at('2026-03-28T12:00:00Z'), 24))).toBe('2026-03-29T12:00:00.000Z');
    expect(formatIsoLondon(addHours(at('2026-03-28T12:00:00Z'), 24))).toBe('2026-03-29T13:00:00+01:00');
  });

  it('crosses the year end with each region’s holidays', () => {
    // Thursday 31 Dec 2026: 1 Jan (Fri) is a holiday everywhere; 2 Jan is Saturday anyway.
    expect(iso(addWorkingDays(at('2026-12-31T12:00:00Z'), 1, EW))).toBe('2027-01-04T12:00:00.000Z');
    // In 2025/26 Scotland: Wednesday 31 Dec 2025 + 1 skips 1 and 2 January (Thu, Fri).
    expect(iso(addWorkingDays(at('2025-12-31T12:00:00Z'), 1, 'scotland'))).toBe('2026-01-05T12:00:00.000Z');
    expect(iso(addWorkingDays(at('2025-12-31T12:00:00Z'), 1, EW))).toBe('2026-01-02T12:00:00.000Z');
  });

  it('knows the regional bank holidays', () => {
    expect(isWorkingDay(at('2026-11-30T12:00:00Z'), 'scotland')).toBe(false); // St Andrew's Day (Monday)
    expect(isWorkingDay(at('2026-11-30T12:00:00Z'), EW)).toBe(true);
    expect(isWorkingDay(at('2026-03-17T12:00:00Z'), 'northern-ireland')).toBe(false); // St Patrick's Day
    expect(isWorkingDay(at('2026-03-17T12:00:00Z'), EW)).toBe(true);
    expect(isWorkingDay(at('2026-07-13T12:00:00Z'), 'northern-ireland')).toBe(false); // Boyne substitute
    expect(isWorkingDay(at('2026-08-03T12:00:00Z'), 'scotland')).toBe(false); // summer holiday, first Monday
    expect(isWorkingDay(at('2026-08-03T12:00:00Z'), EW)).toBe(true);
    expect(isWorkingDay(at('2026-08-31T12:00:00Z'), EW)).toBe(false); // summer holiday, last Monday
    expect(isWorkingDay(at('2026-08-31T12:00:00Z'), 'scotland')).toBe(true);
    expect(isWorkingDay(at('2026-04-06T12:00:00Z'), 'scotland')).toBe(true); // no Easter Monday in Scotland
    expect(isWorkingDay(at('2027-12-27T12:00:00Z'), EW)).toBe(false); // Christmas substitute 2027
    expect(isWorkingDay(at('2027-12-28T12:00:00Z'), EW)).toBe(false); // Boxing Day substitute 2027
    expect(isWorkingDay(at('2026-03-15T12:00:00Z'), EW)).toBe(false); // a Sunday (Mother's Day is no holiday rule)
  });

  it('gives no due instant where the procedure sets no fixed time', () => {
    expect(dueInstant(at('2026-11-23T10:00:00Z'), { kind: 'none', note: 'without delay', source: 'x' }, EW)).toBeNull();
    expect(iso(dueInstant(at('2026-11-23T10:00:00Z'), { kind: 'hours', hours: 24, source: 'x' }, EW)!)).toBe('2026-11-24T10:00:00.000Z');
  });

  it('refuses a number of days that is not a whole number of at least 1', () => {
    expect(() => addWorkingDays(at('2026-11-23T10:00:00Z'), 0, EW)).toThrow(RangeError);
    expect(() => addWorkingDays(at('2026-11-23T10:00:00Z'), 1.5, EW)).toThrow(RangeError);
  });
});

describe('working-day properties', () => {
  const instant = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true });
  const region = fc.constantFrom<Region>('england-and-wales', 'scotland', 'northern-ireland');
  const days = fc.integer({ min: 1, max: 30 });
  const london = (d: Date) => formatIsoLondon(d).slice(11, 19);

  it('is due on a working day, later than the start, at the same London time, and counts back to N', () => {
    fc.assert(
      fc.property(instant, region, days, (from, r, n) => {
        const due = addWorkingDays(from, n, r);
        expect(isWorkingDay(due, r)).toBe(true);
        expect(due.getTime()).toBeGreaterThan(from.getTime());
        expect(london(due)).toBe(london(from));
        expect(workingDaysBetween(from, due, r)).toBe(n);
      }),
      { numRuns: 300 },
    );
  });

  it('is strictly increasing in N', () => {
    fc.assert(
      fc.property(instant, region, days, (from, r, n) => {
        expect(addWorkingDays(from, n + 1, r).getTime()).toBeGreaterThan(addWorkingDays(from, n, r).getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('is undone by subtractWorkingDays when the start is a working day', () => {
    fc.assert(
      fc.property(instant, region, days, (from, r, n) => {
        fc.pre(isWorkingDay(from, r));
        expect(subtractWorkingDays(addWorkingDays(from, n, r), n, r).getTime()).toBe(from.getTime());
      }),
      { numRuns: 300 },
    );
  });
});
