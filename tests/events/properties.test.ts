import { describe, expect, it } from 'vitest';
import { addCatalogDurations, buildEngagement, engagementRows, eventSession, ingestLines, type EngagementRow } from './harness.ts';
import { randomStreams, seededRandom, shuffled } from './random-events.ts';

/**
 * Properties on 400 random streams (seeded): the bounds every row must respect, and that the order
 * of the input lines and duplicated lines change nothing.
 */

const STREAMS = 400;

async function engagementOf(lines: Array<Record<string, unknown>>, catalog: Record<string, number>) {
  const session = await eventSession();
  await addCatalogDurations(session, catalog);
  const counts = await ingestLines(session, lines);
  await buildEngagement(session);
  const rows = await engagementRows(session);
  session.warehouse.close();
  return { rows, counts };
}

describe('random event streams', () => {
  const { events, catalog } = randomStreams(20261122, STREAMS);

  it('respect the bounds, and neither line order nor duplicated lines change any row', async () => {
    const original = await engagementOf(events, catalog);
    expect(original.counts.read).toBe(events.length);
    expect(original.counts.accepted + original.counts.duplicates).toBe(events.length);
    expect(original.rows.length).toBeGreaterThan(STREAMS);

    const tolerance = 1e-9;
    for (const row of original.rows as EngagementRow[]) {
      const where = `${row.user_id} ${row.video_id}`;
      expect(row.total_watch_time_s, where).toBeGreaterThanOrEqual(0);
      expect(row.unique_seconds_watched, where).toBeLessThanOrEqual(row.total_watch_time_s + tolerance);
      expect(row.unique_seconds_watched, where).toBeLessThanOrEqual((row.video_duration_s ?? 0) + tolerance);
      expect(row.unique_seconds_watched, where).toBeLessThanOrEqual(row.max_position_s + tolerance);
      expect(row.max_position_s, where).toBeLessThanOrEqual((row.video_duration_s ?? 0) + tolerance);
      expect(row.rewatch_seconds, where).toBeGreaterThanOrEqual(0);
      if (row.unique_watch_percentage !== null) expect(row.unique_watch_percentage, where).toBeLessThanOrEqual(100);
      if (row.completion_percentage !== null) expect(row.completion_percentage, where).toBeLessThanOrEqual(100);
      if (row.engagement_score !== null) {
        expect(row.engagement_score, where).toBeGreaterThanOrEqual(0);
        expect(row.engagement_score, where).toBeLessThanOrEqual(100);
      }
      expect(row.completion_count, where).toBeLessThanOrEqual(row.session_count);
      expect(row.session_count, where).toBeGreaterThanOrEqual(1);
    }

    const random = seededRandom(7);
    const reordered = await engagementOf(shuffled(events, random), catalog);
    expect(reordered.rows).toEqual(original.rows);

    const copies = events.filter(() => random() < 0.25);
    const duplicated = await engagementOf(shuffled([...events, ...copies], random), catalog);
    expect(duplicated.counts.duplicates).toBe(copies.length);
    expect(duplicated.rows).toEqual(original.rows);
  });
});
