import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReelhouseConfig } from '../../config/load-config.ts';
import { openSession, type PipelineSession } from '../../warehouse/session.ts';
import { loadTestConfig } from '../support/test-config.ts';

/** Small, self-made model trees and data dirs: the delivery tests never depend on the real models. */

export const REPO = join(import.meta.dirname, '..', '..');
export const AS_OF = '2025-06-30';

export function temporaryFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `reelhouse-${prefix}-`));
}

/** Writes files (path → text) under a fresh folder, or under `root` when given. */
export function writeTree(files: Record<string, string>, root = temporaryFolder('tree')): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

export function shippedConfig(): Readonly<ReelhouseConfig> {
  return loadTestConfig();
}

export function openTestSession(dataDir: string, config: Readonly<ReelhouseConfig> = shippedConfig(), command = 'test'): Promise<PipelineSession> {
  return openSession({ dataDir, config, asOf: AS_OF, command });
}

/** Every row of every staging/intermediate/marts table plus meta.model_builds, as one comparable value. */
export async function snapshotWorkingTables(session: PipelineSession): Promise<Record<string, unknown[]>> {
  const tables = await session.warehouse.rows<{ name: string }>(
    `SELECT schema_name || '.' || table_name AS name FROM duckdb_tables()
     WHERE database_name = current_database() AND schema_name IN ('staging', 'intermediate', 'marts') ORDER BY 1`,
  );
  const snapshot: Record<string, unknown[]> = {};
  for (const { name } of [...tables, { name: 'meta.model_builds' }]) {
    snapshot[name] = await session.warehouse.rows(`SELECT * FROM ${name} ORDER BY ALL`);
  }
  snapshot['columns'] = await session.warehouse.rows(
    `SELECT schema_name, table_name, column_name, data_type, comment FROM duckdb_columns()
     WHERE database_name = current_database() ORDER BY ALL`,
  );
  return snapshot;
}
