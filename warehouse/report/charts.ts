/**
 * The report's registry: one entry per analysis of sql/analyses/ (keyed by its file name), saying how
 * its rows are drawn. A chart only where a picture beats a table; the rest are shown as tables. The
 * rows come from a RowSource, so the page never decides a number itself: it shows the analysis' rows.
 */

export type ChartKind = 'bar' | 'horizontal-bar' | 'line' | 'stacked-bar' | 'scatter' | 'table';

export type Row = Record<string, unknown>;

/** The rows of one analysis, as `pipeline analyze` returns them. */
export type RowSource = (analysis: string) => Promise<Row[]>;

export interface ReportChart {
  /** The analysis (sql/analyses/<analysis>.sql). */
  readonly analysis: string;
  readonly title: string;
  /** One sentence: what to look at. */
  readonly caption: string;
  readonly kind: ChartKind;
  /** Category (or, for a scatter, horizontal value) column. */
  readonly x?: string;
  /** Value column. */
  readonly y?: string;
  /** Column whose values become the series (stacked bars; pivots the table too). */
  readonly series?: string;
  /** The value column holds a share (0-1): axis labels in percent. */
  readonly share?: boolean;
  /** A boolean column marking points to show in the alarm colour (scatter). */
  readonly highlight?: string;
}

export const REPORT_CHARTS: readonly ReportChart[] = [
  {
    analysis: 'engagement_by_content_type',
    title: 'Engagement by content type',
    caption: 'Average share of each video watched (Σ percent viewed / Σ views), by the video_content_type custom field.',
    kind: 'bar',
    x: 'video_content_type',
    y: 'engagement_score',
  },
  {
    analysis: 'mobile_share_by_month',
    title: 'Mobile share of views by month',
    caption: 'Views on mobile devices / all views with a device split, for the 12 months before the as-of month and that month.',
    kind: 'line',
    x: 'month',
    y: 'mobile_share',
    share: true,
  },
  {
    analysis: 'regional_demand',
    title: 'Views by country and content type',
    caption: 'Views of videos tagged with a country (custom field country), stacked by content type.',
    kind: 'stacked-bar',
    x: 'country',
    y: 'video_views',
    series: 'video_content_type',
  },
  {
    analysis: 'top_videos_by_unique_viewers',
    title: 'Top videos by unique viewers (player events)',
    caption: 'Videos with the most distinct viewers in the player events, with their average watch percentage.',
    kind: 'horizontal-bar',
    x: 'video_id',
    y: 'unique_viewers',
  },
  {
    analysis: 'power_users',
    title: 'Power users',
    caption: 'Viewers by the number of videos they watched in the High engagement tier (score ≥ 75).',
    kind: 'horizontal-bar',
    x: 'user_id',
    y: 'high_tier_videos',
  },
  {
    analysis: 'drop_off_by_position',
    title: 'Where viewers stop',
    caption: 'Viewers who never completed a video, by the furthest position they reached (30-second buckets).',
    kind: 'bar',
    x: 'position_bucket_start_s',
    y: 'viewers',
  },
  {
    analysis: 'browser_share_by_month',
    title: 'Browser share by month',
    caption: 'Share of each month’s views by browser.',
    kind: 'stacked-bar',
    x: 'month',
    y: 'share',
    series: 'browser_type',
    share: true,
  },
  {
    analysis: 'watch_time_reconciliation',
    title: 'Player events against Brightcove',
    caption: 'Per day: watch seconds credited by the player events / Brightcove’s video_seconds_viewed, over the videos with both (1 = agreement); the table counts the videos outside the configured tolerance.',
    kind: 'bar',
    x: 'view_date',
    y: 'watch_time_ratio',
  },
  {
    analysis: 'data_quality_summary',
    title: 'Data quality',
    caption: 'Quarantined rows, quality flags and check results.',
    kind: 'table',
  },
  {
    analysis: 'freshness',
    title: 'Freshness',
    caption: 'The latest day of each source against the as-of date.',
    kind: 'table',
  },
];
