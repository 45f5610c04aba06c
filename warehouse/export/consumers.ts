import { accountsFor, type ReelhouseConfig } from '../../config/load-config.ts';
import type { Warehouse } from '../duckdb.ts';
import { USER_VIDEO_PARQUET_QUERY, SUMMARY_QUERY } from './engagement.ts';
import { harperCmsCsvQuery, harperDailyViewsCsvQuery, harperFieldKeys, harperMetadataCsvQuery } from './harper.ts';
import {
  cacheQuery,
  dailyAnalyticsOfAllYears,
  dailyAnalyticsOfYear,
  dailyAnalyticsQuery,
  reportingCatalogCsvQuery,
} from './reporting.ts';

/**
 * The export files as declared consumers of the models (dbt's exposures): every file the exporters
 * write, with the models it reads, the columns that name one of its rows, and the query that gives its
 * rows and values (the exporter's own query, so the two cannot drift). The exports only format: every
 * rule that decides a row or a value lives in a model, so `pipeline plan` sees it and can say what a
 * model change does to each file.
 *
 * A JSON file carries the rows and values of its CSV twin (the CMS objects as the API returned them,
 * plus the same computed columns), so it is compared through the twin's query. The Parquet file of the
 * engagement mart holds the mart's rows unformatted.
 */

export interface ExportFile {
  /** Path under exports/, e.g. harper/internet_cms.csv. */
  readonly path: string;
  /** The declaration it comes from, with placeholders: harper/<slug>_cms.{csv,json}. */
  readonly consumer: string;
  /** Models read, schema.table. */
  readonly reads: readonly string[];
  /** The columns of `query` that name one row of the file. */
  readonly key: readonly string[];
  /** The file's rows and values; field keys and the like are read from the catalog in use. */
  readonly query: (warehouse: Warehouse) => Promise<string>;
}

const fixed = (sql: string) => async () => sql;

/** Every export file of a run with `config`, as of `asOfDate`, in the order the exporters write them. */
export function exportFiles(config: Readonly<ReelhouseConfig>, asOfDate: string): ExportFile[] {
  const files: ExportFile[] = [];
  for (const account of accountsFor(config, 'harper')) {
    const metadata = fixed(harperMetadataCsvQuery(account.account_id));
    const cms = async (warehouse: Warehouse) => harperCmsCsvQuery(account.account_id, await harperFieldKeys(warehouse, account.account_id));
    for (const extension of ['csv', 'json']) {
      files.push({
        path: `harper/${account.slug}_cms_metadata.${extension}`,
        consumer: 'harper/<slug>_cms_metadata.{csv,json}',
        reads: ['marts.video_catalog'],
        key: ['id'],
        query: metadata,
      });
    }
    for (const extension of ['csv', 'json']) {
      files.push({
        path: `harper/${account.slug}_cms.${extension}`,
        consumer: 'harper/<slug>_cms.{csv,json}',
        reads: ['marts.video_catalog', 'marts.video_last_viewed', 'intermediate.cms_custom_field_keys'],
        key: ['id'],
        query: cms,
      });
    }
    files.push({
      path: `harper/${account.slug}_daily_views.csv`,
      consumer: 'harper/<slug>_daily_views.csv',
      reads: ['marts.harper_daily_views'],
      key: ['date', 'video_id'],
      query: fixed(harperDailyViewsCsvQuery(account.account_id)),
    });
  }

  const years = [...new Set(config.reporting.years)];
  const yearsSuffix = years.join('_');
  for (const account of accountsFor(config, 'reporting')) {
    for (const extension of ['csv', 'json']) {
      files.push({
        path: `reporting/${account.slug}_cms_${yearsSuffix}.${extension}`,
        consumer: 'reporting/<slug>_cms_<years>.{csv,json}',
        reads: extension === 'csv' ? ['marts.video_catalog_by_year'] : ['marts.video_catalog_by_year', 'marts.video_catalog'],
        key: ['id'],
        query: fixed(reportingCatalogCsvQuery(account.account_id)),
      });
    }
    for (const extension of ['csv', 'json']) {
      files.push({
        path: `reporting/${account.slug}_cms_cache_${yearsSuffix}.${extension}`,
        consumer: 'reporting/<slug>_cms_cache_<years>.{csv,json}',
        reads: ['marts.video_cache', 'marts.video_catalog'],
        key: ['id'],
        query: fixed(cacheQuery(account.account_id)),
      });
    }
  }
  const dailyKey = ['account_id', 'video_id', 'date'];
  for (const category of config.reporting.consolidation_categories) {
    for (const year of years) {
      files.push({
        path: `reporting/daily_analytics_${year}_${category}.csv`,
        consumer: 'reporting/daily_analytics_<year>_<category>.csv',
        reads: ['marts.daily_analytics_multi_year'],
        key: dailyKey,
        query: fixed(dailyAnalyticsQuery(asOfDate, dailyAnalyticsOfYear(category, year))),
      });
    }
    files.push({
      path: `reporting/daily_analytics_${yearsSuffix}_${category}.csv`,
      consumer: 'reporting/daily_analytics_<years>_<category>.csv',
      reads: ['marts.daily_analytics_multi_year'],
      key: dailyKey,
      query: fixed(dailyAnalyticsQuery(asOfDate, dailyAnalyticsOfAllYears(category))),
    });
  }

  for (const extension of ['csv', 'parquet']) {
    files.push({
      path: `engagement/user_video_engagement.${extension}`,
      consumer: 'engagement/user_video_engagement.{csv,parquet}',
      reads: ['marts.user_video_engagement'],
      key: ['user_id', 'video_id'],
      query: fixed(USER_VIDEO_PARQUET_QUERY),
    });
  }
  files.push({
    path: 'engagement/video_engagement_summary.csv',
    consumer: 'engagement/video_engagement_summary.csv',
    reads: ['marts.video_engagement_summary'],
    key: ['video_id'],
    query: fixed(SUMMARY_QUERY),
  });
  return files;
}

