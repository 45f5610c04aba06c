import { join } from 'node:path';
import type { Exporter } from './export-command.ts';
import { writeCsv, writeParquet, type WrittenFile } from './csv.ts';

/**
 * The player-engagement exports (docs/outputs.md#player-engagement-files): marts.user_video_engagement as CSV
 * and Parquet, marts.video_engagement_summary as CSV, in exports/engagement/. Every query has a total
 * ORDER BY on the table's grain so a re-run writes byte-identical files. In the CSV, timestamps are
 * ISO-8601 UTC and quality_flags is JSON text (a list); the Parquet keeps the native types.
 */

export const USER_VIDEO_CSV_QUERY = `
  SELECT * REPLACE (
    strftime(first_event_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS first_event_at,
    strftime(last_event_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS last_event_at,
    CAST(to_json(quality_flags) AS VARCHAR) AS quality_flags
  )
  FROM marts.user_video_engagement
  ORDER BY user_id, video_id`;

export const USER_VIDEO_PARQUET_QUERY = `SELECT * FROM marts.user_video_engagement ORDER BY user_id, video_id`;

export const SUMMARY_QUERY = `SELECT * FROM marts.video_engagement_summary ORDER BY video_id`;

export const exportEngagement: Exporter = async (session) => {
  const { warehouse } = session;
  const folder = join(session.dir.exports, 'engagement');
  const present = await warehouse.rows<{ table_name: string }>(
    `SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'
       AND table_name IN ('user_video_engagement', 'video_engagement_summary')`,
  );
  const has = (table: string) => present.some((row) => row.table_name === table);
  const written: WrittenFile[] = [];
  if (has('user_video_engagement')) {
    written.push(await writeCsv(warehouse, USER_VIDEO_CSV_QUERY, join(folder, 'user_video_engagement.csv')));
    written.push(await writeParquet(warehouse, USER_VIDEO_PARQUET_QUERY, join(folder, 'user_video_engagement.parquet')));
  }
  if (has('video_engagement_summary')) {
    written.push(await writeCsv(warehouse, SUMMARY_QUERY, join(folder, 'video_engagement_summary.csv')));
  }
  return written;
};
