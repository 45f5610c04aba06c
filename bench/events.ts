/**
 * Bench: player events → engagement, on one machine.
 *   npm run bench -- events --events 1000000 [--format parquet|ndjson] [--memory-limit 6GB] [--threads 2]
 * Generates N events (about 20 per user + video: play, heartbeats, pauses and resumes, a forward skip,
 * a rewind, a replay after a closed browser, two or three videos per sessionId) with DuckDB into
 * files in a temporary folder, then times separately:
 *   ingest  `ingest-events` on those files (validation, de-duplication, lake Parquet, raw table)
 *   build   staging.player_events → intermediate.video_durations → marts.user_video_engagement (full)
 *           → marts.video_engagement_summary
 * and prints events/s, seconds, the process's peak RSS and DuckDB's own memory.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.ts';
import { ingestEvents } from '../extract/events/ingest-events.ts';
import { sqlString } from '../warehouse/duckdb.ts';
import { buildModels, discoverModels, selectModels } from '../warehouse/models.ts';
import { openSession } from '../warehouse/session.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    format: { type: 'string', default: 'parquet' },
    'memory-limit': { type: 'string', default: '6GB' },
    threads: { type: 'string', default: String(cpus().length) },
    'files': { type: 'string', default: '4' },
    keep: { type: 'boolean', default: false },
    'skip-ingest-timing': { type: 'boolean', default: false },
  },
});
const events = Number(values.events);
const format = values.format === 'ndjson' ? 'ndjson' : 'parquet';
const root = mkdtempSync(join(tmpdir(), 'reelhouse-bench-events-'));
const inputDir = join(root, 'input');
mkdirSync(inputDir);
const session = await openSession({ dataDir: join(root, 'data'), config: loadConfig(), asOf: '2025-06-30', command: 'bench' });
const { warehouse } = session;
await warehouse.run(`SET memory_limit = ${sqlString(values['memory-limit']!)}`);
await warehouse.run(`SET temp_directory = ${sqlString(join(root, 'spill'))}`);
await warehouse.run(`SET threads = ${Number(values.threads)}`);
await warehouse.run(`SET preserve_insertion_order = false`);

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;
async function duckdbMemory(): Promise<number> {
  return Number(await warehouse.scalar(`SELECT sum(memory_usage_bytes) FROM duckdb_memory()`));
}
async function timed<T>(label: string, count: number, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label.padEnd(10)} ${seconds.toFixed(2).padStart(8)} s  ${(count / seconds / 1e6).toFixed(2).padStart(6)} M events/s` +
      `  peak RSS ${gib(peakRss())}  DuckDB now ${gib(await duckdbMemory())}`,
  );
  return result;
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${gib(totalmem())} RAM, node ${process.version}; DuckDB threads ${values.threads}, memory_limit ${values['memory-limit']}`);
console.log(`events: ${events.toLocaleString('en')} as ${format} in ${values.files} file(s)`);

// ~20 events per (user, video); 4 videos per user; a user's videos 0-1 share one sessionId, 2-3 another.
const generator = `
  WITH pairs AS (
      SELECT range AS pair, range // 4 AS user_no, range % 4 AS video_slot, hash(range) AS h
      FROM range(CAST(ceil(${events} / 20.0) AS BIGINT))
  ),
  steps AS (
      SELECT p.*, k.range AS k FROM pairs AS p CROSS JOIN range(20) AS k
  ),
  shaped AS (
      SELECT
          'user_' || user_no AS user_id,
          'sess_' || user_no || '_' || (video_slot // 2) AS session_id,
          'video_' || ((user_no * 7 + video_slot * 131 + h % 3) % 5000) AS video_id,
          -- replay in a later session (browser closed) for a third of the pairs from step 10 on
          TIMESTAMP '2025-06-01 00:00:00' + to_seconds(CAST(user_no % 86400 AS BIGINT) * 30 + (video_slot % 2) * 400
              + k * 15 + CASE WHEN h % 3 = 0 AND k >= 10 THEN 7200 ELSE 0 END) AS event_at,
          CASE
              WHEN k = 0 OR (h % 3 = 0 AND k = 10) THEN 'play'
              WHEN k = 19 THEN 'video_ended'
              WHEN k IN (5, 14) THEN 'pause'
              WHEN k IN (6, 15) THEN 'resume'
              WHEN h % 5 = 1 AND k = 8 THEN 'seek'
              ELSE 'timeupdate'
          END AS event_name,
          -- a forward skip at step 8 for some pairs, a rewind at step 15 for others
          greatest(0, k * 15 + CASE WHEN h % 5 = 1 AND k >= 8 THEN 60 ELSE 0 END
                              - CASE WHEN h % 4 = 2 AND k >= 15 THEN 40 ELSE 0 END
                              - CASE WHEN h % 3 = 0 AND k >= 10 THEN 150 ELSE 0 END) AS current_time_s,
          300 + (h % 4) * 60 AS video_duration_s,
          pair, k
      FROM steps
  )
  SELECT strftime(event_at, '%Y-%m-%dT%H:%M:%SZ') AS "timestamp", user_id AS "userId", session_id AS "sessionId",
         video_id AS "videoId", event_name AS "eventName", current_time_s AS "currentTime", video_duration_s AS "videoDuration"
  FROM shaped
  WHERE pair * 20 + k < ${events}`;
const files = Number(values.files);
const started = performance.now();
for (let part = 0; part < files; part += 1) {
  const target = join(inputDir, `events_${part}.${format}`);
  const slice = `SELECT * FROM (${generator}) WHERE hash("userId") % ${files} = ${part}`;
  await warehouse.run(
    format === 'parquet'
      ? `COPY (${slice}) TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd)`
      : `COPY (${slice}) TO ${sqlString(target)} (FORMAT json)`,
  );
}
console.log(`generate   ${((performance.now() - started) / 1000).toFixed(2).padStart(8)} s  (not part of the figures)`);

const ingested = await timed('ingest', events, () => ingestEvents(warehouse, session.dir, session.runId, [inputDir], () => undefined));
console.log(`           read ${ingested.read} = accepted ${ingested.accepted} + quarantined ${ingested.quarantined} + duplicates ${ingested.duplicates}`);
const models = selectModels(discoverModels(), 'cms_videos player_events+');
const builds = await timed('build', events, () => buildModels(warehouse, models, session.runId));
for (const build of builds) console.log(`           ${build.model.padEnd(36)} ${String(build.rowCount).padStart(10)} rows ${build.seconds.toFixed(2).padStart(7)} s`);
const engagementSeconds = builds.filter((b) => /player_events|video_durations|engagement/.test(b.model)).reduce((s, b) => s + b.seconds, 0);
console.log(`engagement models only: ${engagementSeconds.toFixed(2)} s = ${(events / engagementSeconds / 1e6).toFixed(2)} M events/s`);
warehouse.close();
if (!values.keep) rmSync(root, { recursive: true, force: true });
else console.log(`kept ${root}`);
