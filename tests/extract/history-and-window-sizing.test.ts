import { describe, expect, it } from 'vitest';
import { countAtOrBefore, reportWindows } from '../../extract/brightcove/analytics.ts';
import { generateDataset } from '../../simulator/dataset.ts';
import { analyticsHistoryStart, analyticsRange, fixedWindows, sizeWindows } from '../../extract/brightcove/date-windows.ts';
import { ANALYTICS_REPORTS, ANALYTICS_ROW_CAP, ANALYTICS_WINDOW_ROW_BUDGET, DOCUMENTED_DATA_FROM, type AnalyticsSource } from '../../extract/brightcove/api-constants.ts';
import { loadTestConfig } from '../support/test-config.ts';

/**
 * The all-time history start and the sizing of analytics windows by expected rows (docs/decisions.md,
 * "Analytics history and windows"). Rule values come from the test config; expected values are worked
 * out by hand.
 */

const configured = loadTestConfig().extract.history_start_date; // 2023-01-01 in the fixture

describe('analytics history start (all time)', () => {
  it('starts at the earliest video creation day when that is before the configured date', () => {
    expect(analyticsHistoryStart({ configured, earliestCreated: '2019-03-04', dataFrom: '2011-01-01' })).toBe('2019-03-04');
  });

  it('keeps the configured date when it is earlier than every video: a configured date only moves the start earlier', () => {
    expect(analyticsHistoryStart({ configured, earliestCreated: '2024-05-01', dataFrom: '2011-01-01' })).toBe(configured);
    // The boundary: created exactly on the configured day, one day before, one day after.
    expect(analyticsHistoryStart({ configured, earliestCreated: '2023-01-01', dataFrom: '2011-01-01' })).toBe('2023-01-01');
    expect(analyticsHistoryStart({ configured, earliestCreated: '2022-12-31', dataFrom: '2011-01-01' })).toBe('2022-12-31');
    expect(analyticsHistoryStart({ configured, earliestCreated: '2023-01-02', dataFrom: '2011-01-01' })).toBe('2023-01-01');
  });

  it('never starts before the day the API holds data from for the report', () => {
    // browser_type data starts 2016-08-30: a video of 2014 does not move the browser report earlier.
    expect(analyticsHistoryStart({ configured, earliestCreated: '2014-06-01', dataFrom: DOCUMENTED_DATA_FROM.analytics_video_browser_daily })).toBe('2016-08-30');
    expect(analyticsHistoryStart({ configured, earliestCreated: '2016-08-29', dataFrom: '2016-08-30' })).toBe('2016-08-30');
    expect(analyticsHistoryStart({ configured, earliestCreated: '2016-08-31', dataFrom: '2016-08-30' })).toBe('2016-08-31');
    // Nor does a configured date earlier than the API's data.
    expect(analyticsHistoryStart({ configured: '2010-01-01', earliestCreated: undefined, dataFrom: '2011-01-01' })).toBe('2011-01-01');
    expect(DOCUMENTED_DATA_FROM.analytics_video_daily).toBe('2011-01-01');
  });

  it('uses the configured date when no catalog is landed', () => {
    expect(analyticsHistoryStart({ configured, earliestCreated: undefined, dataFrom: '2011-01-01' })).toBe(configured);
  });

  it('splits the history into the settled range and the trailing window', () => {
    const trailingDays = loadTestConfig().extract.trailing_refetch_days; // 7
    // as-of 2025-06-30: trailing 06-24..06-30 (7 days), settled up to 06-23.
    expect(analyticsRange('2019-03-04', '2025-06-30', trailingDays)).toEqual({
      settled: { from: '2019-03-04', to: '2025-06-23' },
      trailing: { from: '2025-06-24', to: '2025-06-30' },
    });
    // A history that starts inside the trailing window has no settled range.
    expect(analyticsRange('2025-06-24', '2025-06-30', trailingDays)).toEqual({ settled: undefined, trailing: { from: '2025-06-24', to: '2025-06-30' } });
    expect(analyticsRange('2025-06-23', '2025-06-30', trailingDays).settled).toEqual({ from: '2025-06-23', to: '2025-06-23' });
    expect(analyticsRange('2025-07-01', '2025-06-30', trailingDays)).toEqual({ settled: undefined, trailing: undefined });
  });
});

describe('analytics window sizing by expected rows', () => {
  it('keeps a window while its expected rows fit the budget, exactly at it and one row past it', () => {
    const range = { from: '2025-01-01', to: '2025-01-10' };
    // 100 rows a day, budget 300: three days fill it exactly (300), the fourth would make 400.
    expect(sizeWindows(range, () => 100, 300)).toEqual([
      { from: '2025-01-01', to: '2025-01-03' },
      { from: '2025-01-04', to: '2025-01-06' },
      { from: '2025-01-07', to: '2025-01-09' },
      { from: '2025-01-10', to: '2025-01-10' },
    ]);
    // Budget 299: only two days fit (200); 300 would be one row over.
    expect(sizeWindows(range, () => 100, 299).map((w) => w.to)).toEqual(['2025-01-02', '2025-01-04', '2025-01-06', '2025-01-08', '2025-01-10']);
    // Budget 301: still three days (300), the fourth would make 400.
    expect(sizeWindows(range, () => 100, 301)[0]).toEqual({ from: '2025-01-01', to: '2025-01-03' });
  });

  it('grows windows where few videos existed yet and gives a day over the budget a window of its own', () => {
    const byDay: Record<string, number> = { '2025-01-01': 10, '2025-01-02': 10, '2025-01-03': 500, '2025-01-04': 20, '2025-01-05': 20 };
    expect(sizeWindows({ from: '2025-01-01', to: '2025-01-05' }, (day) => byDay[day]!, 100)).toEqual([
      { from: '2025-01-01', to: '2025-01-02' }, // 20
      { from: '2025-01-03', to: '2025-01-03' }, // 500 alone: the row cap splits it or names it
      { from: '2025-01-04', to: '2025-01-05' }, // 40
    ]);
    expect(sizeWindows({ from: '2025-01-01', to: '2025-12-31' }, () => 0, 100)).toEqual([{ from: '2025-01-01', to: '2025-12-31' }]);
    // the first day over the budget: a window of its own, never an empty one before it
    expect(sizeWindows({ from: '2025-01-01', to: '2025-01-02' }, (day) => (day === '2025-01-01' ? 101 : 1), 100)).toEqual([
      { from: '2025-01-01', to: '2025-01-01' },
      { from: '2025-01-02', to: '2025-01-02' },
    ]);
  });

  it('falls back to the configured window length when no row count can be expected', () => {
    const windowDays = loadTestConfig().extract.analytics_window_days; // 31
    const windows = fixedWindows({ from: '2025-01-01', to: '2025-03-05' }, windowDays);
    // 31 + 31 + 2 days: Jan 1-31, Feb 1 - Mar 3, Mar 4-5.
    expect(windows).toEqual([
      { from: '2025-01-01', to: '2025-01-31' },
      { from: '2025-02-01', to: '2025-03-03' },
      { from: '2025-03-04', to: '2025-03-05' },
    ]);
    // A last window that starts on the range's last day is one day long, not dropped: 31 + 1 days.
    expect(fixedWindows({ from: '2025-01-01', to: '2025-02-01' }, windowDays)).toEqual([
      { from: '2025-01-01', to: '2025-01-31' },
      { from: '2025-02-01', to: '2025-02-01' },
    ]);
    expect(fixedWindows({ from: '2025-02-01', to: '2025-02-01' }, windowDays)).toEqual([{ from: '2025-02-01', to: '2025-02-01' }]);
  });

  it('counts the videos created on or before a day', () => {
    const created = ['2019-01-01', '2019-01-01', '2020-06-15', '2024-12-31'];
    expect(countAtOrBefore(created, '2018-12-31')).toBe(0);
    expect(countAtOrBefore(created, '2019-01-01')).toBe(2);
    expect(countAtOrBefore(created, '2020-06-14')).toBe(2);
    expect(countAtOrBefore(created, '2020-06-15')).toBe(3);
    expect(countAtOrBefore(created, '2030-01-01')).toBe(4);
  });

  it('budgets 10 % under the API row cap and counts each report value of a video-day as a row', () => {
    expect(ANALYTICS_ROW_CAP).toBe(1_000_000);
    expect(ANALYTICS_WINDOW_ROW_BUDGET).toBe(900_000); // 1,000,000 less 10 %
    expect(ANALYTICS_REPORTS.analytics_video_daily.valuesPerVideoDay).toBe(1);
    expect(ANALYTICS_REPORTS.analytics_video_device_daily.valuesPerVideoDay).toBe(5); // desktop mobile tablet tv other
    expect(ANALYTICS_REPORTS.analytics_video_browser_daily.valuesPerVideoDay).toBe(7); // chrome edge firefox ie opera safari other
    expect(ANALYTICS_REPORTS.analytics_video_browser_daily.dimensions).toBe('video,date,browser_type');
  });
});

describe("the demo's first run", () => {
  it('plans at most 300 analytics requests for the three reports of 11 accounts of 250 videos (31-day windows needed 1,034 for two)', () => {
    // The demo's simulator (seed 42, 250 videos per account, created since 2019) as of 2026-11-30,
    // the catalog as the CMS lists it (no DELETED videos), nothing covered yet.
    const { dataset } = generateDataset({ seed: 42, today: '2026-11-30', historyStart: configured, videosPerAccount: 250 });
    let requests = 0;
    for (const account of dataset.accounts) {
      const createdDays = dataset.videos[account.id]!.filter((video) => video.state !== 'DELETED').map((video) => video.created_at.slice(0, 10)).sort();
      for (const source of Object.keys(ANALYTICS_REPORTS) as AnalyticsSource[]) {
        requests += reportWindows({
          source,
          extractConfig: loadTestConfig().extract,
          asOf: '2026-11-30',
          createdDays,
          dataFrom: DOCUMENTED_DATA_FROM[source],
          covered: new Set(),
          seenRowsPerDay: undefined,
        }).length;
      }
    }
    // At least one settled window and the trailing one per account and report: 11 × 3 × 2 = 66.
    expect(requests).toBeGreaterThanOrEqual(66);
    expect(requests).toBeLessThanOrEqual(300);
  });
});
