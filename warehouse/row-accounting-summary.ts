import type { Warehouse } from './duckdb.ts';

/**
 * The line `pipeline run` prints after the build: where the landed Brightcove rows went
 * (staging.brightcove_row_accounting), and the reasons of any row staging could not use, so a rejected
 * row is seen in the run's output and not only in a table.
 */
export async function logRowAccounting(warehouse: Warehouse, log: (line: string) => void): Promise<void> {
  const exists = await warehouse.scalar<string>(
    `SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'staging' AND table_name IN ('brightcove_row_accounting', 'brightcove_rejected_rows')`,
  );
  if (exists !== '2') return;
  const [totals] = await warehouse.rows<Record<'raw' | 'staged' | 'rejected' | 'superseded' | 'duplicates' | 'unaccounted', string>>(
    `SELECT sum(raw_rows)::VARCHAR AS raw, sum(staged_rows)::VARCHAR AS staged, sum(rejected_rows)::VARCHAR AS rejected,
            sum(superseded_rows)::VARCHAR AS superseded, sum(duplicate_rows)::VARCHAR AS duplicates, sum(unaccounted_rows)::VARCHAR AS unaccounted
     FROM staging.brightcove_row_accounting`,
  );
  if (!totals || totals.raw === null) return;
  log(
    `  Brightcove rows: ${totals.raw} landed = ${totals.staged} staged + ${totals.rejected} rejected + ${totals.superseded} superseded + ` +
      `${totals.duplicates} duplicates${totals.unaccounted === '0' ? '' : ` (${totals.unaccounted} UNACCOUNTED)`}`,
  );
  const reasons = await warehouse.rows<{ source: string; reason: string; rows: string }>(
    `SELECT source, reason, count(*)::VARCHAR AS rows FROM staging.brightcove_rejected_rows GROUP BY ALL ORDER BY source, reason`,
  );
  for (const row of reasons) log(`    rejected ${row.source}: ${row.reason}: ${row.rows} (staging.brightcove_rejected_rows)`);
  const unreadableExists = await warehouse.scalar<string>(
    `SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'staging' AND table_name = 'brightcove_unreadable_values'`,
  );
  if (unreadableExists !== '1') return;
  const unreadable = await warehouse.rows<{ source: string; reason: string; rows: string }>(
    `SELECT source, reason, count(*)::VARCHAR AS rows FROM staging.brightcove_unreadable_values GROUP BY ALL ORDER BY source, reason`,
  );
  for (const row of unreadable) {
    log(`    staged with NULL for an unreadable value, ${row.source}: ${row.reason}: ${row.rows} (staging.brightcove_unreadable_values)`);
  }
}
