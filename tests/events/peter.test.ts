import { describe, expect, it } from 'vitest';
import { addCatalogDurations, buildEngagement, engagementRows, eventSession, ingestLines, stream } from './harness.ts';

// The worked example of docs/engagement-rules.md#worked-example.
const peter = stream({ userId: 'peter', sessionId: 'session_001', videoId: 'video_001' }, [
  [0, 'video_play', 0],
  [30, 'video_pause', 30],
  [35, 'video_resume', 30],
  [125, 'video_pause', 120],
  [130, 'video_resume', 110],
  [140, 'video_pause', 120],
]);

describe('the worked example (Peter)', () => {
  it('gives exactly the numbers of the worked example, with the duration from the CMS catalog', async () => {
    const session = await eventSession();
    await addCatalogDurations(session, { video_001: 300 });
    const counts = await ingestLines(session, peter);
    expect(counts).toMatchObject({ read: 6, accepted: 6, quarantined: 0, duplicates: 0 });
    await buildEngagement(session);
    const rows = await engagementRows(session);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({
      user_id: 'peter',
      video_id: 'video_001',
      total_watch_time_s: 130,
      unique_seconds_watched: 120,
      rewatch_seconds: 10,
      watch_percentage: 43.3,
      unique_watch_percentage: 40,
      max_position_s: 120,
      completion_percentage: 40,
      session_count: 1,
      completion_count: 0,
      pause_count: 3,
      forward_skips: 0,
      backward_skips: 1,
      avg_pauses_per_session: 3,
      engagement_score: 40,
      engagement_tier: 'Low',
      video_duration_s: 300,
      duration_source: 'cms',
      first_event_at: '2024-01-01 10:00:00',
      last_event_at: '2024-01-01 10:02:20',
      event_count: 6,
      quality_flags: [],
    });
    // The column order of docs/engagement-rules.md#row-columns.
    const columns = await session.warehouse.rows<{ column_name: string }>(`DESCRIBE marts.user_video_engagement`);
    expect(columns.map((c) => c.column_name)).toEqual(Object.keys(rows[0]!));
    session.warehouse.close();
  });
});
