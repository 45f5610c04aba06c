import { existsSync, statSync } from 'node:fs';
import { dirname, resolve, join, isAbsolute } from 'node:path';

/** Where everything of one warehouse lives; every path the pipeline writes is derived here. */
export interface DataDir {
  readonly root: string;
  readonly lake: string;
  readonly rawLake: (source: string) => string;
  readonly workingDb: string;
  readonly publishedDb: string;
  readonly exports: string;
  readonly quarantine: string;
  readonly lockFile: string;
  readonly distributionRoot: (configured: string) => string;
}

export function dataDir(root = 'data'): DataDir {
  const base = resolve(root);
  return Object.freeze({
    root: base,
    lake: join(base, 'lake'),
    rawLake: (source: string) => join(base, 'lake', 'raw', source),
    workingDb: join(base, 'work.duckdb'),
    publishedDb: join(base, 'reelhouse.duckdb'),
    exports: join(base, 'exports'),
    quarantine: join(base, 'quarantine'),
    lockFile: join(base, '.reelhouse.lock'),
    distributionRoot: (configured: string) => (isAbsolute(configured) ? configured : join(base, configured)),
  });
}

/**
 * Refuses a data dir that is a file, or lies below one, before anything is created in it (mkdir
 * would fail with a bare EEXIST or ENOTDIR). A folder that does not exist yet is fine: it is created.
 */
export function assertDataDirUsable(root: string): void {
  let path = resolve(root);
  while (!existsSync(path) && dirname(path) !== path) path = dirname(path);
  if (statSync(path).isDirectory()) return;
  const where = path === resolve(root) ? `${root} is a file` : `${path}, on the way to ${root}, is a file`;
  throw new Error(
    `--data-dir ${root}: ${where}, not a folder. Give a folder for the lake, the DuckDB files and the exports ` +
      '(it is created if missing), for example --data-dir ./data',
  );
}
