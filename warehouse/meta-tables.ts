/**
 * Row types of the meta.* tables (sql/schema/00_meta.sql) as our Kysely dialect returns them:
 * BIGINT as string, DATE and TIMESTAMP as strings, DOUBLE as number.
 */
export interface MetaDatabase {
  'meta.runs': {
    run_id: string;
    command: string;
    as_of_date: string;
    started_at: string;
    finished_at: string | null;
    status: 'running' | 'succeeded' | 'failed';
    error: string | null;
  };
  'meta.settings': { key: string; value: string };
  'meta.accounts': {
    account_id: string;
    slug: string;
    name: string;
    business_unit: string;
    distribution_folder: string;
    category: string;
    in_harper: boolean;
    in_reporting: boolean;
  };
  'meta.landed_files': {
    file_path: string;
    source: string;
    account_id: string | null;
    run_id: string;
    request_url: string | null;
    window_from: string | null;
    window_to: string | null;
    row_count: number | string;
    bytes: number | string;
    landed_at: string;
  };
  'meta.extract_state': {
    source: string;
    account_id: string;
    state_key: string;
    state_value: string;
    updated_at: string;
  };
  'meta.api_requests': { run_id: string; endpoint: string; outcome: string; requests: number | string };
  'meta.model_builds': {
    run_id: string;
    model: string;
    sql_hash: string;
    row_count: number | string;
    seconds: number;
    built_at: string;
    as_of_date: string | null;
  };
  'meta.check_results': {
    run_id: string;
    check_name: string;
    failing_rows: number | string;
    sample_json: string | null;
    checked_at: string;
    /** error (a failure stops the publish) or warning (reported only); NULL on rows of older versions: error. */
    severity: 'error' | 'warning' | null;
  };
  'meta.deliveries': {
    run_id: string;
    account_id: string;
    source_file: string;
    target_path: string;
    bytes: number | string;
    sha256: string;
    delivered_at: string;
  };
}
