import { sqlIdent, sqlString } from '../duckdb.ts';

/**
 * How CMS video fields become CSV cells, shared by the Harper and Reporting exports: timestamps as
 * ISO-8601 UTC with milliseconds (as the CMS sends them), nested objects and arrays as JSON text (never
 * a language's repr), tags comma-joined, everything else as the JSON scalar's text.
 */

/** The 34 standard columns of the original `<slug>_cms_metadata.csv`, in its order. */
export const CMS_STANDARD_COLUMNS = [
  'account_id', 'id', 'name', 'original_filename', 'description', 'updated_at', 'created_at', 'published_at',
  'created_by', 'ad_keys', 'clip_source_video_id', 'complete', 'cue_points', 'delivery_type', 'digital_master_id',
  'duration', 'economics', 'folder_id', 'geo', 'has_digital_master', 'images', 'link', 'long_description',
  'projection', 'reference_id', 'schedule', 'sharing', 'state', 'tags', 'text_tracks', 'transcripts', 'updated_by',
  'playback_rights_id', 'ingestion_profile_id',
] as const;

/** The custom fields the business reads (docs/outputs.md#business-custom-fields), in the original's order. */
export const NAMED_CUSTOM_FIELDS = [
  'video_content_type', 'relatedlinkname', 'relatedlink', 'country', 'language', 'business_unit', 'video_category',
  'video_length', 'video_owner_email', '1a_comms_sign_off', '1b_comms_sign_off_approver',
  '2a_data_classification_disclaimer', '3a_records_management_disclaimer', '4a_archiving_disclaimer_comms_branding',
  '4b_unique_sharepoint_id',
] as const;

const TIMESTAMP_COLUMNS = new Set(['created_at', 'updated_at', 'published_at']);

/** ISO-8601 UTC text of a TIMESTAMP (UTC) expression, e.g. 2024-10-15T10:00:00.000Z. */
export function isoTimestampSql(expression: string): string {
  return `strftime(${expression}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
}

/**
 * `$."key"` for any key: DuckDB reads \\ and \" inside the quotes but not JSON's \n or \uXXXX, so control
 * characters stay as they are (JSON.stringify would turn a key with a newline into a path that finds nothing).
 */
function jsonPath(key: string): string {
  return sqlString(`$."${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`);
}

/** A JSON value as a cell: objects and arrays as JSON text, scalars as their text, null as empty. */
export function jsonCellSql(jsonExpression: string, key: string): string {
  const path = jsonPath(key);
  return `CASE WHEN json_type(${jsonExpression}, ${path}) IN ('OBJECT', 'ARRAY') THEN CAST(json_extract(${jsonExpression}, ${path}) AS VARCHAR) ELSE ${jsonExpression} ->> ${path} END`;
}

/**
 * One standard CMS column of a marts.video_catalog row aliased `alias`: ids and timestamps from the typed
 * columns, tags comma-joined, the rest from the object the CMS sent.
 */
export function cmsColumnSql(column: string, alias: string): string {
  let expression: string;
  if (column === 'account_id') expression = `${alias}.account_id`;
  else if (column === 'id') expression = `${alias}.video_id`;
  else if (TIMESTAMP_COLUMNS.has(column)) expression = isoTimestampSql(`${alias}.${column}`);
  else if (column === 'tags') expression = `nullif(array_to_string(${alias}.tags, ','), '')`;
  else expression = jsonCellSql(`${alias}.item_json`, column);
  return `CAST(${expression} AS VARCHAR) AS ${sqlIdent(column)}`;
}

/** A custom field of `alias`.custom_fields as a text column named `header`. */
export function customFieldSql(key: string, header: string, alias: string): string {
  return `CAST(${alias}.custom_fields ->> ${jsonPath(key)} AS VARCHAR) AS ${sqlIdent(header)}`;
}

/** Throws a clear error when the marts an export reads have not been built yet. */
export async function requireMarts(
  warehouse: { scalar<T>(sql: string, params?: readonly (string | number)[]): Promise<T | undefined> },
  tables: readonly string[],
): Promise<void> {
  for (const table of tables) {
    const [schema, name] = table.split('.');
    const found = await warehouse.scalar<string>(
      `SELECT count(*) FROM duckdb_tables() WHERE schema_name = $1 AND table_name = $2`,
      [schema!, name!],
    );
    if (found === '0') throw new Error(`${table} does not exist yet: run \`pipeline build\` before exporting.`);
  }
}
