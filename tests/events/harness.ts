import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestEvents, type IngestSummary } from '../../extract/events/ingest-events.ts';
import { sqlString } from '../../warehouse/duckdb.ts';
import type { IncrementalOutcome } from '../../warehouse/incremental-build.ts';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';
import { openSession, type PipelineSession } from '../../warehouse/session.ts';
import { loadTestConfig } from '../support/test-config.ts';

/** A fresh data dir with the schema and settings, as the pipeline opens it. */
export async function eventSession(): Promise<PipelineSession> {
  const dataDir = mkdtempSync(join(tmpdir(), 'reelhouse-events-'));
  return openSession({ dataDir, config: loadTestConfig(), asOf: '2025-06-30', command: 'test' });
}

export type EventInput = Record<string, unknown>;

export function toNdjson(events: readonly (EventInput | string)[]): string {
  return events.map((event) => (typeof event === 'string' ? event : JSON.stringify(event))).join('\n') + '\n';
}

let fileCounter = 0;
export async function ingestLines(session: PipelineSession, events: readonly (EventInput | string)[], name?: string): Promise<IngestSummary> {
  fileCounter += 1;
  const file = join(session.dir.root, name ?? `events_${fileCounter}.ndjson`);
  writeFileSync(file, toNdjson(events));
  return ingestEvents(session.warehouse, session.dir, session.runId, [file], () => undefined);
}

/** Catalog durations as the CMS would send them (raw.cms_videos → staging.cms_videos). */
export async function addCatalogDurations(session: PipelineSession, durations: Record<string, number>): Promise<void> {
  const entries = Object.entries(durations);
  if (entries.length === 0) return;
  const values = entries.map(([videoId, seconds]) => {
    const item = JSON.stringify({ id: videoId, name: videoId, state: 'ACTIVE', duration: Math.round(seconds * 1000) });
    return `('1197194721001', ${sqlString(videoId)}, ${sqlString(item)}, 'http://127.0.0.1/test', now()::TIMESTAMP, 'test', 'test.parquet')`;
  });
  await session.warehouse.run(`INSERT INTO raw.cms_videos VALUES ${values.join(', ')}`);
}

/**
 * Builds the staging CMS model and the engagement models (what `pipeline build` runs for them); not the
 * marts that compare the events with Brightcove's data (they read the Brightcove marts too).
 */
export async function buildEngagement(session: PipelineSession): Promise<IncrementalOutcome> {
  const models = discoverModels();
  const builds = await buildModels(session.warehouse, selectModels(models, '+cms_videos +video_engagement_summary'), session.runId);
  const engagement = builds.find((build) => build.model === 'marts.user_video_engagement')?.incremental;
  if (engagement === undefined) throw new Error('The engagement mart was not built as an incremental model');
  return engagement;
}

export interface EngagementRow {
  user_id: string;
  video_id: string;
  total_watch_time_s: number;
  unique_seconds_watched: number;
  rewatch_seconds: number;
  watch_percentage: number | null;
  unique_watch_percentage: number | null;
  max_position_s: number;
  completion_percentage: number | null;
  session_count: number;
  completion_count: number;
  pause_count: number;
  forward_skips: number;
  backward_skips: number;
  avg_pauses_per_session: number;
  engagement_score: number | null;
  engagement_tier: string | null;
  video_duration_s: number | null;
  duration_source: string;
  first_event_at: string;
  last_event_at: string;
  event_count: number;
  quality_flags: string[];
}

export async function engagementRows(session: PipelineSession): Promise<EngagementRow[]> {
  const rows = await session.warehouse.rows<Record<string, unknown>>(
    `SELECT * FROM marts.user_video_engagement ORDER BY user_id, video_id`,
  );
  return rows.map((row) => ({
    ...row,
    session_count: Number(row.session_count),
    completion_count: Number(row.completion_count),
    pause_count: Number(row.pause_count),
    forward_skips: Number(row.forward_skips),
    backward_skips: Number(row.backward_skips),
    event_count: Number(row.event_count),
  })) as unknown as EngagementRow[];
}

/** Events of one stream at given offsets (seconds) from a start time. */
export function stream(
  base: { userId: string; sessionId: string; videoId: string; start?: string },
  steps: Array<[offsetS: number, eventName: string, currentTime: number, videoId?: string]>,
): EventInput[] {
  const start = Date.parse(base.start ?? '2024-01-01T10:00:00Z');
  return steps.map(([offset, eventName, currentTime, videoId]) => ({
    timestamp: new Date(start + offset * 1000).toISOString(),
    userId: base.userId,
    sessionId: base.sessionId,
    videoId: videoId ?? base.videoId,
    eventName,
    currentTime,
  }));
}
