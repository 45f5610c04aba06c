import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineSession } from '../../warehouse/session.ts';
import { ingestEvents, type IngestSummary } from './ingest-events.ts';
import { writeSampleEvents, type SampleVideo } from './sample-events.ts';

/**
 * The demo's player events: written from the simulator's catalog (so durations come from the CMS,
 * as they would in production) into <data-dir>/demo-input/, then ingested like any other file.
 * The file is written once per data dir (dated from the first demo run's as-of), so a second demo run
 * ingests nothing new, whatever its as-of.
 */
export async function ingestDemoEvents(
  session: PipelineSession,
  videos: readonly SampleVideo[],
  log: (line: string) => void = console.log,
): Promise<IngestSummary> {
  const file = join(session.dir.root, 'demo-input', 'player_events.ndjson');
  // Once per data dir: a later demo run with another --as-of would otherwise add a second set of events
  // dated from its own as-of (a different file, so not a duplicate), doubling the demo's viewers.
  if (existsSync(file)) {
    log(`Demo: sample player events already written for this data dir → ${file}`);
  } else {
    const startDate = new Date(Date.parse(`${session.asOfDate}T00:00:00Z`) - 21 * 86_400_000).toISOString().slice(0, 10);
    const lines = await writeSampleEvents(file, [...videos], { users: 400, seed: 2024, startDate });
    log(`Demo: ${lines} sample player events for ${videos.length} videos → ${file}`);
  }
  return ingestEvents(session.warehouse, session.dir, session.runId, [file], log);
}

/** One simulator daily row, as far as the demo's events need it. */
export interface DemoDailyRow {
  readonly video: string | null;
  readonly date: string;
  readonly video_view: number;
  readonly video_seconds_viewed: number;
}

const DAY_MS = 86_400_000;
const isoDaysBefore = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);

/**
 * Picks a spread of ACTIVE videos with a duration from a CMS-shaped catalog, in a stable order. With
 * the simulator's daily rows and the as-of date, only videos viewed in the events' window (the 21 days
 * before the as-of date, up to the day before it, as a live event feed would be) are picked, each with
 * its daily views and seconds, so the events reproduce Brightcove's final numbers
 * (extract/events/daily-plays.ts). The days after `lastFinalDay` (extract/brightcove/date-windows.ts:
 * the run holds only provisional numbers for them) are marked provisional: the reconciliation leaves
 * them out, so the planted outlier is never one of them.
 */
export function demoEventVideos(
  catalog: ReadonlyArray<{ id: string; state?: string; duration?: number | null }>,
  howMany = 60,
  brightcove?: { readonly daily: Iterable<DemoDailyRow>; readonly asOf: string; readonly lastFinalDay: string },
): SampleVideo[] {
  const days = new Map<string, Array<{ date: string; views: number; secondsViewed: number; provisional: boolean }>>();
  if (brightcove) {
    const from = isoDaysBefore(brightcove.asOf, 21);
    const to = isoDaysBefore(brightcove.asOf, 1);
    for (const row of brightcove.daily) {
      if (row.video === null || row.date < from || row.date > to || row.video_view <= 0) continue;
      const list = days.get(row.video) ?? [];
      list.push({ date: row.date, views: row.video_view, secondsViewed: row.video_seconds_viewed, provisional: row.date > brightcove.lastFinalDay });
      days.set(row.video, list);
    }
  }
  const playable = catalog
    .filter((video) => video.state === 'ACTIVE' && typeof video.duration === 'number' && video.duration > 0)
    .filter((video) => !brightcove || days.has(video.id))
    .sort((a, b) => a.id.localeCompare(b.id));
  const step = Math.max(1, Math.floor(playable.length / howMany));
  return playable
    .filter((_, index) => index % step === 0)
    .slice(0, howMany)
    .map((video) => ({
      videoId: video.id,
      durationS: (video.duration as number) / 1000,
      ...(brightcove ? { days: days.get(video.id) ?? [] } : {}),
    }));
}
