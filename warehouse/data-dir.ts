import { resolve, join, isAbsolute } from 'node:path';

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
