import { describe, expect, it } from 'vitest';
import { daysIn, halves, isSettledForReconciled, analyticsWindows, uncoveredParts } from '../../extract/brightcove/date-windows.ts';

describe('analytics date windows', () => {
  it('aligns windows on the history start and ends them where the trailing window begins', () => {
    const plan = analyticsWindows('2025-01-01', '2025-06-30', 31, 7);
    expect(plan.trailing).toEqual({ from: '2025-06-24', to: '2025-06-30' });
    expect(plan.settled[0]).toEqual({ from: '2025-01-01', to: '2025-01-31' });
    expect(plan.settled.at(-1)).toEqual({ from: '2025-06-05', to: '2025-06-23' });
    const days = plan.settled.reduce((sum, window) => sum + daysIn(window), 0) + daysIn(plan.trailing!);
    expect(days).toBe(181); // every day from 2025-01-01 to 2025-06-30 exactly once
    // The next day the settled windows keep their boundaries.
    const next = analyticsWindows('2025-01-01', '2025-07-01', 31, 7);
    expect(next.settled.slice(0, -1)).toEqual(plan.settled.slice(0, -1));
  });

  it('finds the uncovered runs of a window and halves a window down to days', () => {
    const covered = new Set(['2025-01-02', '2025-01-03', '2025-01-06']);
    expect(uncoveredParts({ from: '2025-01-01', to: '2025-01-07' }, covered)).toEqual([
      { from: '2025-01-01', to: '2025-01-01' },
      { from: '2025-01-04', to: '2025-01-05' },
      { from: '2025-01-07', to: '2025-01-07' },
    ]);
    expect(halves({ from: '2025-01-01', to: '2025-01-31' })).toEqual([
      { from: '2025-01-01', to: '2025-01-16' },
      { from: '2025-01-17', to: '2025-01-31' },
    ]);
    expect(halves({ from: '2025-01-01', to: '2025-01-02' })).toEqual([
      { from: '2025-01-01', to: '2025-01-01' },
      { from: '2025-01-02', to: '2025-01-02' },
    ]);
  });

  it('asks for reconciled data only once a window ended enough days before as-of', () => {
    // 2025-06-26 ended at 06-27 00:00, three days before as-of; 06-27 is still provisional.
    expect(isSettledForReconciled({ from: '2025-06-01', to: '2025-06-26' }, '2025-06-30', 3)).toBe(true);
    expect(isSettledForReconciled({ from: '2025-06-01', to: '2025-06-27' }, '2025-06-30', 3)).toBe(false);
  });
});
