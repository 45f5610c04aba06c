import type { Warehouse } from './duckdb.ts';

/**
 * The as-of date belongs to the build. Every model build records the as-of date it was built with
 * (meta.model_builds.as_of_date, from meta.settings at that moment; older rows: their run's date), and
 * the commands that deliver the marts (export, distribute, publish) deliver them for that date: their
 * windows, file names, distribution month and published as_of_date are the build's, never the day the
 * delivering command happens to run. An explicit --as-of that differs is refused, not silently applied
 * to marts built for another day.
 */

export class AsOfMismatchError extends Error {
  override name = 'AsOfMismatchError';
}

/** The as-of dates of the latest build of each mart present in the working file, with the marts built for each. */
export async function martBuildAsOfDates(warehouse: Warehouse): Promise<Array<{ as_of_date: string; models: string }>> {
  return warehouse.rows<{ as_of_date: string; models: string }>(
    `WITH latest AS (
       SELECT builds.model, coalesce(builds.as_of_date, runs.as_of_date) AS as_of_date
       FROM meta.model_builds AS builds LEFT JOIN meta.runs AS runs USING (run_id)
       WHERE builds.model LIKE 'marts.%'
       QUALIFY row_number() OVER (PARTITION BY builds.model ORDER BY builds.built_at DESC, builds.run_id DESC) = 1
     )
     SELECT CAST(latest.as_of_date AS VARCHAR) AS as_of_date, string_agg(latest.model, ', ' ORDER BY latest.model) AS models
     FROM latest
     JOIN duckdb_tables() AS tables
       ON tables.database_name = current_database() AND tables.schema_name || '.' || tables.table_name = latest.model
     WHERE latest.as_of_date IS NOT NULL
     GROUP BY ALL
     ORDER BY 1`,
  );
}

/**
 * The as-of date a delivering command works with: the build's. `requested` is the --as-of the user gave
 * (undefined when left out). Without any recorded build there is nothing to deliver for a date, and the
 * requested date (or today) stands; the stage itself then says what is missing.
 */
export async function asOfOfDeliveredBuild(warehouse: Warehouse, requested: string | undefined, command: string, fallback: string): Promise<string> {
  const built = await martBuildAsOfDates(warehouse);
  if (built.length === 0) return fallback;
  if (built.length > 1) {
    throw new AsOfMismatchError(
      `${command} refused: the marts were built for different as-of dates (${built.map((row) => `${row.as_of_date}: ${row.models}`).join('; ')}), ` +
        `and ${command} delivers one build. Rebuild them all for one date first: pipeline build --as-of YYYY-MM-DD.`,
    );
  }
  const asOf = built[0]!.as_of_date;
  if (requested !== undefined && requested !== asOf) {
    throw new AsOfMismatchError(
      `${command} --as-of ${requested} refused: the marts were built for as-of ${asOf}, and ${command} delivers that build ` +
        `(its windows, file names, distribution month and published as-of date). Nothing was delivered. Leave out --as-of to ` +
        `deliver ${asOf}, or first build for ${requested}: pipeline build --as-of ${requested} (or pipeline run --as-of ${requested}).`,
    );
  }
  return asOf;
}
