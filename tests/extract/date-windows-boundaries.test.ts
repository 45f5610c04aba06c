import { describe, expect, it } from 'vitest';
import {
  addDays,
  datesOf,
  daysIn,
  formatWindow,
  halves,
  isSettledForReconciled,
  analyticsWindows,
  lastFinalDay,
  uncoveredParts,
} from '../../extract/brightcove/date-windows.ts';
import { loadTestConfig } from '../support/test-config.ts';

/**
 * Unit-level edges of the Analytics date windows (the cases extract/brightcove/date-windows.ts must get
 * right at each comparison); expected windows worked out by hand on the calendar.
 */

describe('date arithmetic', () => {
  it('adds days across month, leap-day and year ends, both ways', () => {
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29'); // 2024 is a leap year
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28'); // 2025 is not
    expect(addDays('2025-06-30', 0)).toBe('2025-06-30');
  });

  it('counts the days of a window inclusive at both ends and lists them in order', () => {
    expect(daysIn({ from: '2025-03-01', to: '2025-03-01' })).toBe(1);
    // 28, 29 February and 1 March 2024
    expect(daysIn({ from: '2024-02-28', to: '2024-03-01' })).toBe(3);
    expect(datesOf({ from: '2024-02-28', to: '2024-03-01' })).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    // 2025-01-01 .. 2025-12-31 is 365 days
    expect(daysIn({ from: '2025-01-01', to: '2025-12-31' })).toBe(365);
  });

  it('shows a window as from..to', () => {
    expect(formatWindow({ from: '2025-01-01', to: '2025-01-31' })).toBe('2025-01-01..2025-01-31');
  });
});

describe('analyticsWindows at its edges', () => {
  it('plans nothing when as-of is before the history start', () => {
    expect(analyticsWindows('2025-01-01', '2024-12-31', 31, 7)).toStrictEqual({ settled: [], trailing: undefined });
  });

  it('plans just the trailing day when as-of is the history start', () => {
    // trailing from max(2025-01-01, 2025-01-01 + 1 - 7) = 2025-01-01; nothing settled before it
    expect(analyticsWindows('2025-01-01', '2025-01-01', 31, 7)).toStrictEqual({
      settled: [],
      trailing: { from: '2025-01-01', to: '2025-01-01' },
    });
  });

  it('clips the trailing window at the history start', () => {
    // 2025-01-03 + 1 - 7 = 2024-12-28, before the start: the trailing window is 01-01..01-03
    expect(analyticsWindows('2025-01-01', '2025-01-03', 31, 7)).toStrictEqual({
      settled: [],
      trailing: { from: '2025-01-01', to: '2025-01-03' },
    });
  });

  it('with no trailing days, settles every day up to as-of', () => {
    // windows of 7 from 01-01: 01-01..01-07, then 01-08..01-10 (cut at as-of)
    expect(analyticsWindows('2025-01-01', '2025-01-10', 7, 0)).toStrictEqual({
      settled: [
        { from: '2025-01-01', to: '2025-01-07' },
        { from: '2025-01-08', to: '2025-01-10' },
      ],
      trailing: undefined,
    });
  });

  it('keeps a last settled window of a single day', () => {
    // as-of 02-08 with 7 trailing days: trailing 02-02..02-08, last settled day 02-01 = a window start
    expect(analyticsWindows('2025-01-01', '2025-02-08', 31, 7)).toStrictEqual({
      settled: [
        { from: '2025-01-01', to: '2025-01-31' },
        { from: '2025-02-01', to: '2025-02-01' },
      ],
      trailing: { from: '2025-02-02', to: '2025-02-08' },
    });
  });

  it('settles one more day when the trailing window is one day shorter', () => {
    // 6 trailing days: 02-03..02-08; settled 01-01..01-31 and 02-01..02-02
    expect(analyticsWindows('2025-01-01', '2025-02-08', 31, 6).settled.at(-1)).toEqual({ from: '2025-02-01', to: '2025-02-02' });
  });
});

describe('uncovered parts and halves', () => {
  const week = { from: '2025-01-01', to: '2025-01-07' };

  it('returns the whole window when nothing is covered and nothing when all is', () => {
    expect(uncoveredParts(week, new Set())).toEqual([week]);
    expect(uncoveredParts(week, new Set(datesOf(week)))).toEqual([]);
  });

  it('handles covered days at either end', () => {
    expect(uncoveredParts(week, new Set(['2025-01-01', '2025-01-07']))).toEqual([{ from: '2025-01-02', to: '2025-01-06' }]);
    expect(uncoveredParts(week, new Set(['2025-01-06', '2025-01-07']))).toEqual([{ from: '2025-01-01', to: '2025-01-05' }]);
  });

  it('halves an odd window with the extra day on the left', () => {
    // 3 days: ceil(3 / 2) = 2 on the left
    expect(halves({ from: '2025-01-01', to: '2025-01-03' })).toEqual([
      { from: '2025-01-01', to: '2025-01-02' },
      { from: '2025-01-03', to: '2025-01-03' },
    ]);
  });
});

describe('isSettledForReconciled', () => {
  it('with 0 days, a window is settled once its last day has ended', () => {
    // to 06-29 ends at 06-30 00:00 <= as-of 06-30: settled; to 06-30 ends at 07-01: not yet
    expect(isSettledForReconciled({ from: '2025-06-01', to: '2025-06-29' }, '2025-06-30', 0)).toBe(true);
    expect(isSettledForReconciled({ from: '2025-06-01', to: '2025-06-30' }, '2025-06-30', 0)).toBe(false);
  });

  it('moves with the number of days, one day per day', () => {
    // 4 days before 06-30 = 06-26 00:00: the last day may be 06-25
    expect(isSettledForReconciled({ from: '2025-06-01', to: '2025-06-25' }, '2025-06-30', 4)).toBe(true);
    expect(isSettledForReconciled({ from: '2025-06-01', to: '2025-06-26' }, '2025-06-30', 4)).toBe(false);
    // 2 days: 06-27 is settled, 06-28 is not
    expect(isSettledForReconciled({ from: '2025-06-27', to: '2025-06-27' }, '2025-06-30', 2)).toBe(true);
    expect(isSettledForReconciled({ from: '2025-06-28', to: '2025-06-28' }, '2025-06-30', 2)).toBe(false);
  });
});

describe('lastFinalDay', () => {
  it('is the day before the trailing window, or the last settled day when that comes first', () => {
    const { trailing_refetch_days, reconciled_after_days } = loadTestConfig().extract;
    expect([trailing_refetch_days, reconciled_after_days]).toEqual([7, 3]);
    // trailing window 06-24..06-30 (7 days), settled up to 06-26 (3 days after 06-27 00:00): 06-23
    expect(lastFinalDay('2025-06-30', { trailing_refetch_days, reconciled_after_days })).toBe('2025-06-23');
    // a 2-day trailing window (06-29..06-30) leaves 06-27 and 06-28 to the reconciled rule: 06-26
    expect(lastFinalDay('2025-06-30', { trailing_refetch_days: 2, reconciled_after_days: 3 })).toBe('2025-06-26');
    // 4 days either way: trailing 06-27..06-30, settled up to 06-25
    expect(lastFinalDay('2025-06-30', { trailing_refetch_days: 4, reconciled_after_days: 4 })).toBe('2025-06-25');
    // no trailing window, no wait: every day before the as-of date
    expect(lastFinalDay('2025-06-30', { trailing_refetch_days: 0, reconciled_after_days: 0 })).toBe('2025-06-29');
  });
});
