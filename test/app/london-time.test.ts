/** Times shown to people: London wall-clock, the same as the platform's own formatting gives. */
import { describe, expect, it } from '@jest/globals';
import { londonTime } from '../../src/app/replies.js';

const intl = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

describe('londonTime', () => {
  it('reads every minute across both clock changes as London does, whatever the seconds', () => {
    // 2026's changes: 29 March 01:00 UTC (to BST), 25 October 01:00 UTC (back to GMT).
    for (const day of ['2026-03-28T20:00:00.000Z', '2026-10-24T20:00:00.000Z']) {
      const start = Date.parse(day);
      for (let m = 0; m < 12 * 60; m++) {
        const t = new Date(start + m * 60_000 + (m % 60) * 997);
        expect(londonTime(t.toISOString())).toBe(intl.format(t));
      }
    }
    expect(londonTime('2026-03-29T00:59:59.999Z')).toBe('Sun, 29 Mar 2026, 00:59');
    expect(londonTime('2026-03-29T01:00:00.000Z')).toBe('Sun, 29 Mar 2026, 02:00');
    expect(londonTime('2026-10-25T00:30:00.000Z')).toBe('Sun, 25 Oct 2026, 01:30');
    expect(londonTime('2026-10-25T01:30:00.000Z')).toBe('Sun, 25 Oct 2026, 01:30');
  });

  it('reads times given with an offset, and years far apart, the same way', () => {
    for (const iso of ['2026-11-23T10:05:00+05:30', '1969-12-31T23:59:30Z', '2099-06-30T23:07:00Z', '2026-11-30T23:59:59.999Z']) {
      expect(londonTime(iso)).toBe(intl.format(new Date(iso)));
    }
  });

  it('still refuses a time that is not one', () => {
    expect(() => londonTime('not a time')).toThrow(RangeError);
  });
});
