import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReelhouseConfig } from '../config/load-config.ts';
import type { Warehouse } from './duckdb.ts';

export const SCHEMA_DIR = join(import.meta.dirname, '..', 'sql', 'schema');

/** Creates the schemas and the raw and meta tables (every file in sql/schema, in name order). Idempotent. */
export async function applySchema(warehouse: Warehouse): Promise<void> {
  for (const file of readdirSync(SCHEMA_DIR).filter((name) => name.endsWith('.sql')).sort()) {
    await warehouse.run(readFileSync(join(SCHEMA_DIR, file), 'utf8'));
  }
}

/**
 * The values models read through meta.setting(key). Everything a model decides by date is relative to
 * as_of_date, never to the wall clock, so a build is reproducible.
 */
export function runSettings(config: ReelhouseConfig, asOfDate: string): Record<string, string> {
  return {
    as_of_date: asOfDate,
    cache_window_days: String(config.reporting.cache_window_days),
    reporting_years: config.reporting.years.join(','),
    daily_views_days: String(config.harper.daily_views_days),
    trailing_refetch_days: String(config.extract.trailing_refetch_days),
    session_timeout_s: String(config.events.session_timeout_s),
    max_playback_speed: String(config.events.max_playback_speed),
    position_tolerance_s: String(config.events.position_tolerance_s),
    completion_threshold: String(config.events.completion_threshold),
    events_per_build_slice: String(config.events.events_per_build_slice),
    reconciliation_tolerance: String(config.checks.reconciliation_tolerance),
    freshness_max_age_days: String(config.checks.freshness_max_age_days),
  };
}

/** Writes meta.settings and meta.accounts from the configuration, replacing what was there. */
export async function writeRunSettings(warehouse: Warehouse, config: ReelhouseConfig, asOfDate: string): Promise<void> {
  await warehouse.transaction(async () => {
    await warehouse.run('DELETE FROM meta.settings');
    for (const [key, value] of Object.entries(runSettings(config, asOfDate))) {
      await warehouse.run('INSERT INTO meta.settings VALUES ($1, $2)', [key, value]);
    }
    await warehouse.run('DELETE FROM meta.accounts');
    for (const account of config.accounts) {
      await warehouse.run('INSERT INTO meta.accounts VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        account.account_id,
        account.slug,
        account.name,
        account.business_unit,
        account.distribution_folder,
        account.category,
        account.workflows.includes('harper'),
        account.workflows.includes('reporting'),
      ]);
    }
  });
}
