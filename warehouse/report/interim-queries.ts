import type { Warehouse } from '../duckdb.ts';
import type { Row } from './charts.ts';

/**
 * TEMPORARY (until sql/analyses/ and warehouse/analyses.ts are merged): minimal SQL per analysis of
 * the report's registry, on the working marts, with the analyses' names and first columns. After the
 * merge the report's RowSource becomes `runAnalysis(name, publishedPath)` and this file is deleted.
 */

const QUERIES: Readonly<Record<string, string>> = {
  engagement_by_content_type: `
    SELECT coalesce(c.cf_video_content_type, '(not set)') AS video_content_type,
           CAST(sum(d.video_view) AS BIGINT) AS video_views,
           round(sum(d.video_percent_viewed) / nullif(sum(d.video_view), 0), 1) AS engagement_score
    FROM marts.daily_video_analytics AS d
    JOIN marts.video_catalog AS c USING (account_id, video_id)
    GROUP BY ALL ORDER BY engagement_score DESC, video_content_type`,
  mobile_share_by_month: `
    SELECT strftime(view_date, '%Y-%m') AS month,
           CAST(sum(video_view) AS BIGINT) AS video_views,
           CAST(sum(views_mobile) AS BIGINT) AS mobile_views,
           round(sum(views_mobile) / nullif(sum(video_view), 0), 3) AS mobile_share
    FROM marts.daily_video_analytics
    WHERE views_mobile IS NOT NULL
      AND view_date >= date_trunc('month', $as_of) - INTERVAL 12 MONTH AND view_date <= $as_of
    GROUP BY ALL ORDER BY month`,
  regional_demand: `
    SELECT c.cf_country AS country,
           coalesce(c.cf_video_content_type, '(not set)') AS video_content_type,
           CAST(sum(d.video_view) AS BIGINT) AS video_views
    FROM marts.daily_video_analytics AS d
    JOIN marts.video_catalog AS c USING (account_id, video_id)
    WHERE c.cf_country IS NOT NULL
    GROUP BY ALL ORDER BY country, video_content_type`,
  top_videos_by_unique_viewers: `
    SELECT c.account_id, s.video_id, c.name AS video_name, s.unique_viewers, s.avg_watch_percentage AS avg_watch_pct
    FROM marts.video_engagement_summary AS s
    LEFT JOIN marts.video_catalog AS c USING (video_id)
    ORDER BY s.unique_viewers DESC, s.video_id LIMIT 10`,
  power_users: `
    SELECT user_id, CAST(count(*) AS BIGINT) AS high_tier_videos
    FROM marts.user_video_engagement WHERE engagement_tier = 'High'
    GROUP BY user_id ORDER BY high_tier_videos DESC, user_id LIMIT 12`,
  drop_off_by_position: `
    SELECT CAST(floor(max_position_s / 30) * 30 AS BIGINT) AS position_bucket_start_s, CAST(count(*) AS BIGINT) AS viewers
    FROM marts.user_video_engagement
    WHERE completion_count = 0 AND video_duration_s >= 1200 AND max_position_s < 900
    GROUP BY ALL ORDER BY position_bucket_start_s`,
  browser_share_by_month: `
    SELECT strftime(view_date, '%Y-%m') AS month, browser_type,
           CAST(sum(video_view) AS BIGINT) AS video_views,
           round(sum(video_view) / sum(sum(video_view)) OVER (PARTITION BY strftime(view_date, '%Y-%m')), 3) AS share
    FROM marts.daily_browser_views
    WHERE view_date >= date_trunc('month', $as_of) - INTERVAL 12 MONTH AND view_date <= $as_of
    GROUP BY ALL ORDER BY month, browser_type`,
  watch_time_reconciliation: `
    WITH event_seconds AS (
        SELECT video_id, CAST(first_event_at AS DATE) AS view_date, sum(total_watch_time_s) AS event_watch_seconds
        FROM marts.user_video_engagement GROUP BY ALL
    )
    SELECT d.account_id, e.video_id, CAST(e.view_date AS VARCHAR) AS view_date,
           round(e.event_watch_seconds, 1) AS event_watch_seconds,
           d.video_seconds_viewed,
           round(e.event_watch_seconds / nullif(d.video_seconds_viewed, 0), 3) AS ratio,
           coalesce(abs(e.event_watch_seconds / nullif(d.video_seconds_viewed, 0) - 1) > 0.10, TRUE) AS flagged
    FROM event_seconds AS e
    JOIN marts.daily_video_analytics AS d USING (video_id, view_date)
    ORDER BY flagged DESC, d.account_id, e.video_id, e.view_date`,
  data_quality_summary: `
    SELECT * FROM (
        SELECT 'quarantined player events' AS metric, reason AS detail, CAST(count(*) AS BIGINT) AS value
        FROM raw.player_events_quarantine GROUP BY ALL
        UNION ALL
        SELECT 'engagement rows with a quality flag', flag, CAST(count(*) AS BIGINT)
        FROM (SELECT unnest(quality_flags) AS flag FROM marts.user_video_engagement) GROUP BY ALL
        UNION ALL
        SELECT 'failing check rows (latest checked run)', check_name, CAST(failing_rows AS BIGINT)
        FROM meta.check_results
        WHERE run_id = (SELECT run_id FROM meta.check_results ORDER BY checked_at DESC LIMIT 1)
    ) ORDER BY metric, detail`,
  freshness: `
    SELECT source, CAST(latest_date AS VARCHAR) AS latest_date, CAST($as_of AS VARCHAR) AS as_of_date,
           CAST(date_diff('day', latest_date, $as_of) AS BIGINT) AS days_behind
    FROM (
        SELECT 'Brightcove daily analytics' AS source, max(view_date) AS latest_date FROM marts.daily_video_analytics
        UNION ALL
        SELECT 'player events', CAST(max(last_event_at) AS DATE) FROM marts.user_video_engagement
    ) ORDER BY source`,
};

/** The rows of one analysis; none when a table it reads does not exist on this branch. */
export async function interimAnalysisRows(warehouse: Warehouse, analysis: string, asOfDate: string): Promise<Row[]> {
  const sql = QUERIES[analysis];
  if (sql === undefined) throw new Error(`no query for the analysis ${analysis}`);
  const tables = new Set(
    (await warehouse.rows<{ name: string }>(`SELECT schema_name || '.' || table_name AS name FROM duckdb_tables()`)).map((row) => row.name),
  );
  const read = [...sql.matchAll(/\b(marts|raw|meta)\.([a-z_]+)/g)].map((match) => `${match[1]}.${match[2]}`);
  if (read.some((table) => !tables.has(table))) return [];
  return warehouse.rows<Row>(sql.replaceAll('$as_of', `DATE '${asOfDate}'`));
}
