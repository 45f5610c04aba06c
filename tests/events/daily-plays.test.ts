import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestEvents } from '../../extract/events/ingest-events.ts';
import { outlierOf } from '../../extract/events/daily-plays.ts';
import { writeSampleEvents, type SampleVideo } from '../../extract/events/sample-events.ts';
import { addCatalogDurations, buildEngagement, engagementRows, eventSession } from './harness.ts';

/**
 * The demo's events when Brightcove's daily numbers are given (extract/events/daily-plays.ts): built
 * under the engagement rules, each (video, day) credits exactly that day's seconds, but the busiest,
 * which credits half; five power users; a first-minute drop-off on long videos.
 */

const DATES = ['2025-06-02', '2025-06-03', '2025-06-04', '2025-06-05', '2025-06-06', '2025-06-07'];
// Durations: short, medium and long (≥ 1200 s); fractional like the CMS's milliseconds.
const DURATIONS = [95.5, 240, 610.25, 1250, 1800.75, 2400, 3600.5, 45, 900, 1500];

function videos(): SampleVideo[] {
  return DURATIONS.map((durationS, v) => ({
    videoId: `70${v}`,
    durationS,
    days: DATES.map((date, d) => {
      const views = 3 + ((v * 7 + d * 5) % 11);
      // between 0.3 and 1.2 of a full watch per view, in whole seconds
      const secondsViewed = Math.round(views * Math.floor(durationS) * (0.3 + ((v + d) % 10) / 11));
      return { date, views, secondsViewed };
    }),
  }));
}

describe('demo events from daily numbers', () => {
  it('credit each day its seconds, except half on the busiest day; five power users; long videos lose a third in the first minute', async () => {
    const session = await eventSession();
    const input = videos();
    const file = join(session.dir.root, 'daily.ndjson');
    const lines = await writeSampleEvents(file, input, { seed: 7 });
    await writeSampleEvents(join(session.dir.root, 'again.ndjson'), input, { seed: 7 });
    await addCatalogDurations(session, Object.fromEntries(input.map((v) => [v.videoId, v.durationS])));
    const counts = await ingestEvents(session.warehouse, session.dir, session.runId, [file], () => undefined);
    expect(counts.read).toBe(lines);
    expect(counts.quarantined).toBe(5);
    await buildEngagement(session);
    const rows = await engagementRows(session);

    const seconds = new Map<string, number>();
    for (const row of rows) {
      expect(row.first_event_at.slice(0, 10)).toBe(row.last_event_at.slice(0, 10));
      const key = `${row.video_id} ${row.first_event_at.slice(0, 10)}`;
      seconds.set(key, (seconds.get(key) ?? 0) + row.total_watch_time_s);
    }
    // video 700 on 2025-06-04 (day 2): views 3 + (0 + 10) % 11 = 13, the most possible, first in input order
    expect(outlierOf(input)).toEqual({ videoId: '700', date: '2025-06-04' });
    for (const video of input) {
      for (const day of video.days!) {
        const outlier = video.videoId === '700' && day.date === '2025-06-04';
        expect(seconds.get(`${video.videoId} ${day.date}`), `${video.videoId} ${day.date}`).toBeCloseTo(outlier ? Math.floor(day.secondsViewed * 0.5) : day.secondsViewed, 3);
      }
    }

    const highVideos = new Map<string, number>();
    for (const row of rows) if (row.engagement_tier === 'High') highVideos.set(row.user_id, (highVideos.get(row.user_id) ?? 0) + 1);
    expect([...highVideos].filter(([, n]) => n >= 5).sort()).toEqual(['user_0001', 'user_0002', 'user_0003', 'user_0004', 'user_0005'].map((u) => [u, 6]));

    const long = rows.filter((row) => row.video_duration_s! >= 1200 && row.completion_count === 0);
    const firstMinute = long.filter((row) => row.max_position_s < 60).length;
    expect(firstMinute / long.length).toBeGreaterThanOrEqual(0.25);
    expect(rows.some((row) => row.session_count > 1)).toBe(true);
    expect(rows.some((row) => row.forward_skips > 0) && rows.some((row) => row.backward_skips > 0)).toBe(true);
    expect(rows.some((row) => row.quality_flags.includes('unclosed_play'))).toBe(true);
    session.warehouse.close();
  });

  it('never plants the outlier on a provisional day (the reconciliation compares final days only)', () => {
    const day = (date: string, views: number, provisional?: boolean) => ({ date, views, secondsViewed: views * 60, ...(provisional === undefined ? {} : { provisional }) });
    const input: SampleVideo[] = [
      { videoId: 'a', durationS: 300, days: [day('2025-06-10', 9, false), day('2025-06-12', 30, true)] },
      { videoId: 'b', durationS: 300, days: [day('2025-06-11', 12), day('2025-06-13', 40, true)] },
    ];
    // the busiest days (40, 30 views) are provisional: the busiest final one is b on 06-11 (12 views; no flag = final)
    expect(outlierOf(input)).toEqual({ videoId: 'b', date: '2025-06-11' });
    // with b's day provisional too, a's 9 views on 06-10
    expect(outlierOf([input[0]!, { ...input[1]!, days: [day('2025-06-11', 12, true)] }])).toEqual({ videoId: 'a', date: '2025-06-10' });
  });
});
