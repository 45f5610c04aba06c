// An analyst's process: opens the published file READ_ONLY in a loop while the pipeline publishes, and
// checks that every open sees a complete, consistent warehouse (each mart's row count equals the count
// meta.published_tables of the same file recorded). Also holds one connection open from the start.
// Prints one JSON line per publication first seen, and a summary when its stdin closes.
import { DuckDBInstance } from '@duckdb/node-api';

const path = process.argv[2];
let stopping = false;
process.stdin.on('data', () => {});
process.stdin.on('end', () => {
  stopping = true;
});

async function readWarehouse(connection) {
  const recorded = (await connection.runAndReadAll('SELECT table_name, row_count::VARCHAR AS row_count, run_id FROM meta.published_tables ORDER BY 1')).getRowObjectsJson();
  const problems = [];
  for (const { table_name, row_count } of recorded) {
    const actual = (await connection.runAndReadAll(`SELECT count(*)::VARCHAR AS n FROM ${table_name}`)).getRowObjectsJson()[0].n;
    if (actual !== row_count) problems.push(`${table_name}: ${actual} rows, recorded ${row_count}`);
  }
  const comment = (await connection.runAndReadAll(`SELECT comment FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY table_name LIMIT 1`)).getRowObjectsJson()[0]?.comment;
  if (!comment) problems.push('a mart without its COMMENT');
  if (recorded.length === 0) problems.push('meta.published_tables is empty');
  return { runId: recorded[0]?.run_id, counts: recorded.map((row) => `${row.table_name}=${row.row_count}`).join(','), problems };
}

const held = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
const heldConnection = await held.connect();
const first = await readWarehouse(heldConnection);
const seen = new Set();
let reads = 0;
const errors = [];
const inconsistencies = [];
const report = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
report({ ready: true, runId: first.runId });

while (!stopping) {
  try {
    const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    try {
      const result = await readWarehouse(connection);
      reads += 1;
      inconsistencies.push(...result.problems);
      if (!seen.has(result.runId + result.counts)) {
        seen.add(result.runId + result.counts);
        report({ seen: result.counts });
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } catch (error) {
    errors.push(String(error?.message ?? error));
  }
  await new Promise((resolve) => setImmediate(resolve));
}

const stillHeld = await readWarehouse(heldConnection);
report({
  done: true,
  reads,
  errors,
  inconsistencies,
  publicationsSeen: seen.size,
  heldConnectionStillReadsFirst: stillHeld.counts === first.counts && stillHeld.problems.length === 0,
});
heldConnection.closeSync();
held.closeSync();
