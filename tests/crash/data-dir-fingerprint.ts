import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { grainColumns } from '../../warehouse/model-grain.ts';
import { discoverModels } from '../../warehouse/models.ts';
import { openWarehouse, sqlIdent, sqlString, type Warehouse } from '../../warehouse/duckdb.ts';
import { readSnapshot } from '../extract/helpers.ts';

/**
 * What a finished `pipeline run` left in a data dir, reduced to what must not depend on how many times
 * it was killed on the way: the bytes of every export and delivered file, every published mart's rows
 * in a total order, and the raw data de-duplicated by its keys. Also the invariants one data dir must
 * hold on its own (`problems`): no duplicate keys in raw, staging or the marts; the lake and
 * meta.landed_files list the same files with the same rows; no run left 'running' in meta.runs; no
 * temporary, scratch, WAL or lock file.
 *
 * Absolute paths of the data dir (player-event source files) are replaced by `<data-dir>`, and the
 * provenance columns of the marts (fetched_at, landed_file, request_url, run_id, load_id) are left out,
 * so two data dirs compare by content.
 */

export interface Fingerprint {
  /** exports/… and distribution/… path → sha256 */
  readonly files: Map<string, string>;
  /** marts.table → "<rows> rows <sha256 of the rows in ORDER BY ALL>" (published reelhouse.duckdb) */
  readonly marts: Map<string, string>;
  /** source|key → value, raw data de-duplicated by key */
  readonly raw: Map<string, string>;
  readonly problems: string[];
}

const COMPARED_FOLDERS = ['exports', 'distribution'];

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function walk(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).map((entry) => entry.split(sep).join('/'));
}

/** Files and folders a finished run must not leave behind: temporaries, scratch or WAL files, the lock. */
export function strayFiles(root: string): string[] {
  return walk(root).filter((path) => {
    const name = basename(path);
    if (name.endsWith('.tmp') || name.includes('.tmp.')) return true;
    if (name.endsWith('.wal')) return true;
    if (name === '.reelhouse.lock') return true;
    if (name.endsWith('.duckdb') && path !== 'work.duckdb' && path !== 'reelhouse.duckdb') return true;
    // The event ingest stages under hidden folders of the lake.
    return path.startsWith('lake/') && name.startsWith('.');
  });
}

function normalise(text: string, roots: readonly string[]): string {
  let result = text;
  for (const root of roots) result = result.replaceAll(root, '<data-dir>');
  return result;
}

async function rowsDigest(warehouse: Warehouse, sql: string, roots: readonly string[]): Promise<string> {
  const rows = await warehouse.rows(sql);
  return `${rows.length} rows ${sha256(normalise(rows.map((row) => JSON.stringify(row)).join('\n'), roots))}`;
}

/**
 * Columns that say when and from where a row was fetched (the wall clock, the run, the simulator's
 * port): an uninterrupted run at another minute differs there too, so they are left out of the comparison.
 */
const PROVENANCE_COLUMNS = new Set(['fetched_at', 'landed_file', 'request_url', 'run_id', 'load_id']);

async function withoutProvenance(warehouse: Warehouse, table: string): Promise<string> {
  const columns = (await warehouse.rows<{ column_name: string }>(`DESCRIBE ${table}`)).map((row) => row.column_name);
  const kept = columns.filter((column) => !PROVENANCE_COLUMNS.has(column));
  return `SELECT ${kept.map(sqlIdent).join(', ')} FROM ${table} ORDER BY ALL`;
}

async function duplicateKeyCount(warehouse: Warehouse, table: string, keys: readonly string[]): Promise<number> {
  const columns = keys.map(sqlIdent).join(', ');
  return Number(
    await warehouse.scalar(`SELECT count(*) FROM (SELECT ${columns} FROM ${table} GROUP BY ALL HAVING count(*) > 1) AS repeated`),
  );
}

async function grainDuplicates(warehouse: Warehouse, layer: string, problems: string[]): Promise<void> {
  const tables = new Set(
    (await warehouse.rows<{ name: string }>(
      `SELECT schema_name || '.' || table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1`,
      [layer],
    )).map((row) => row.name),
  );
  // A model file added after the run started has no table yet: the run did not know it.
  for (const model of discoverModels().filter((candidate) => candidate.layer === layer && tables.has(candidate.name))) {
    const columns = (await warehouse.rows<{ column_name: string }>(`DESCRIBE ${model.name}`)).map((row) => row.column_name);
    const grain = grainColumns(model.sql, columns);
    const repeated = await duplicateKeyCount(warehouse, model.name, grain);
    if (repeated > 0) problems.push(`${model.name}: ${repeated} key(s) of (${grain.join(', ')}) appear more than once`);
  }
}

async function lakeProblems(warehouse: Warehouse, root: string): Promise<string[]> {
  const problems: string[] = [];
  const listed = await warehouse.rows<{ file_path: string; row_count: string }>('SELECT file_path, row_count::VARCHAR AS row_count FROM meta.landed_files');
  const listedPaths = new Set(listed.map((row) => row.file_path));
  const onDisk = walk(join(root, 'lake')).filter((path) => path.endsWith('.parquet')).map((path) => `lake/${path}`);
  for (const path of onDisk) if (!listedPaths.has(path)) problems.push(`lake file without a meta.landed_files row (never committed): ${path}`);
  for (const row of listed) {
    const absolute = join(root, ...row.file_path.split('/'));
    if (!existsSync(absolute)) {
      problems.push(`meta.landed_files lists a missing file: ${row.file_path}`);
      continue;
    }
    const rows = Number(await warehouse.scalar(`SELECT count(*) FROM read_parquet(${sqlString(absolute)})`));
    if (rows !== Number(row.row_count)) problems.push(`${row.file_path}: ${rows} rows, meta.landed_files says ${row.row_count}`);
  }
  return problems;
}

/** Reads a data dir after a finished run. `otherRoots`: data dirs it was copied from (their paths may appear in it). */
export async function fingerprint(root: string, otherRoots: readonly string[] = []): Promise<Fingerprint> {
  const roots = [root, ...otherRoots];
  const problems: string[] = strayFiles(root).map((path) => `stray file left behind: ${path}`);

  const files = new Map<string, string>();
  for (const folder of COMPARED_FOLDERS) {
    for (const path of walk(join(root, folder))) {
      const absolute = join(root, folder, path);
      if (statSync(absolute).isFile()) files.set(`${folder}/${path}`, sha256(readFileSync(absolute)));
    }
  }

  const marts = new Map<string, string>();
  const publishedPath = join(root, 'reelhouse.duckdb');
  if (!existsSync(publishedPath)) problems.push('reelhouse.duckdb was never published');
  else {
    const published = await openWarehouse(publishedPath, { readOnly: true });
    try {
      const tables = await published.rows<{ table_name: string }>(
        `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'marts' ORDER BY table_name`,
      );
      for (const { table_name } of tables) {
        marts.set(`marts.${table_name}`, await rowsDigest(published, await withoutProvenance(published, `marts.${sqlIdent(table_name)}`), roots));
      }
      await grainDuplicates(published, 'marts', problems);
    } finally {
      published.close();
    }
  }

  const raw = new Map<string, string>();
  const working = await openWarehouse(join(root, 'work.duckdb'), { readOnly: true });
  try {
    const snapshot = await readSnapshot(working);
    if (snapshot.duplicateKeys > 0) problems.push(`raw analytics: ${snapshot.duplicateKeys} duplicate key(s) among the latest completed fetches`);
    for (const [name, map] of [['cms_videos', snapshot.cms], ['analytics_video_daily', snapshot.daily], ['analytics_video_device_daily', snapshot.devices]] as const) {
      for (const [key, value] of map) raw.set(`${name}|${key}`, value);
    }
    const eventDuplicates = await duplicateKeyCount(working, 'raw.player_events', ['event_key']);
    if (eventDuplicates > 0) problems.push(`raw.player_events: ${eventDuplicates} event_key(s) loaded more than once`);
    raw.set(
      'player_events',
      await rowsDigest(working, 'SELECT * EXCLUDE (load_id) FROM raw.player_events ORDER BY event_key, source_row', roots),
    );
    raw.set(
      'player_events_quarantine',
      await rowsDigest(working, 'SELECT * EXCLUDE (load_id) FROM raw.player_events_quarantine ORDER BY ALL', roots),
    );
    const unfinished = await working.rows<{ run_id: string; command: string }>(`SELECT run_id, command FROM meta.runs WHERE status = 'running' ORDER BY run_id`);
    for (const run of unfinished) problems.push(`meta.runs still says run ${run.run_id} (${run.command}) is running`);
    await grainDuplicates(working, 'staging', problems);
    problems.push(...(await lakeProblems(working, root)));
  } finally {
    working.close();
  }
  return { files, marts, raw, problems };
}

/** What differs between the reference and another data dir, in words (at most `limit` lines per kind). */
export function compareFingerprints(expected: Fingerprint, actual: Fingerprint, limit = 5): string[] {
  const lines: string[] = [];
  const compare = (what: string, a: Map<string, string>, b: Map<string, string>) => {
    const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
    const differing = keys.filter((key) => a.get(key) !== b.get(key));
    for (const key of differing.slice(0, limit)) {
      const detail = !b.has(key) ? 'missing' : !a.has(key) ? 'unexpected' : `${(b.get(key) ?? '').slice(0, 80)} (expected ${(a.get(key) ?? '').slice(0, 80)})`;
      lines.push(`${what} ${key}: ${detail}`);
    }
    if (differing.length > limit) lines.push(`${what}: ${differing.length - limit} more difference(s)`);
  };
  compare('export/delivered file', expected.files, actual.files);
  compare('published', expected.marts, actual.marts);
  compare('raw', expected.raw, actual.raw);
  return lines;
}

