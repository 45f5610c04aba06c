/**
 * Bench: player events → engagement, on one machine.
 *   npm run bench -- events --events 1000000 [--format parquet|ndjson] [--memory-limit 6GB] [--threads 2]
 *     [--files 4] [--keep] [--skip-build] [--reuse <folder kept by --keep>] [--profile] [--events-per-slice N]
 * Generates N events (about 20 per user + video: play, heartbeats, pauses and resumes, a forward skip,
 * a rewind, a replay after a closed browser, two or three videos per sessionId) with DuckDB into
 * files in a temporary folder, then times separately:
 *   ingest  `ingest-events` on those files (validation, de-duplication, lake Parquet, raw table)
 *   build   staging.player_events → intermediate.video_durations → marts.user_video_engagement (full)
 *           → marts.video_engagement_summary
 * and prints events/s, seconds, the process's peak RSS, DuckDB's own memory and whether it spilled.
 * Large sizes in two runs: `--keep --skip-build` (generate + ingest), then `--reuse <folder>` (build only,
 * on the events kept). `--profile` then times the engagement rules' statement by operator (it runs the
 * rules a second time, outside the figures).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.ts';
import { numberUnnumberedEvents } from '../extract/events/event-numbers.ts';
import { ingestEvents } from '../extract/events/ingest-events.ts';
import { sqlString } from '../warehouse/duckdb.ts';
import { buildModels, discoverModels, selectModels, type Model } from '../warehouse/models.ts';
import { openSession } from '../warehouse/session.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    format: { type: 'string', default: 'parquet' },
    'memory-limit': { type: 'string', default: '6GB' },
    threads: { type: 'string', default: String(cpus().length) },
    'files': { type: 'string', default: '4' },
    keep: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    reuse: { type: 'string' },
    direct: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'events-per-slice': { type: 'string' },
  },
});
const format = values.format === 'ndjson' ? 'ndjson' : 'parquet';
const reusing = values.reuse !== undefined;
if (reusing && !existsSync(join(values.reuse!, 'data', 'work.duckdb'))) throw new Error(`--reuse ${values.reuse}: no data/work.duckdb there (keep one with --keep)`);
const root = reusing ? values.reuse! : mkdtempSync(join(tmpdir(), 'reelhouse-bench-events-'));
const inputDir = join(root, 'input');
mkdirSync(inputDir, { recursive: true });
const loaded = loadConfig();
const config = values['events-per-slice'] === undefined
  ? loaded
  : { ...loaded, events: { ...loaded.events, events_per_build_slice: Number(values['events-per-slice']) } };
const session = await openSession({ dataDir: join(root, 'data'), config, asOf: '2025-06-30', command: 'bench' });
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
/**
 * Wall time and the process's CPU time (DuckDB's threads included): on a machine shared with other
 * work the wall time stretches, the CPU time much less, so both are printed.
 */
async function timed<T>(label: string, count: number, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await fn();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(
    `${label.padEnd(10)} ${seconds.toFixed(2).padStart(8)} s  ${(count / seconds / 1e6).toFixed(2).padStart(6)} M events/s` +
      `  CPU ${cpuSeconds.toFixed(2)} s (${(count / cpuSeconds / 1e6).toFixed(2)} M events per CPU-second)` +
      `  peak RSS ${gib(peakRss())}  DuckDB now ${gib(await duckdbMemory())}  spilled so far (peak) ${gib(spillPeakBytes)}`,
  );
  return result;
}

const spillDir = join(root, 'spill');
/** The largest size the spill folder reached, sampled while a step runs (DuckDB deletes its files after). */
let spillPeakBytes = 0;
function folderBytes(folder: string): number {
  if (!existsSync(folder)) return 0;
  return readdirSync(folder).reduce((total, name) => {
    try {
      return total + statSync(join(folder, name)).size;
    } catch {
      return total; // deleted between the listing and the stat
    }
  }, 0);
}
const spillSampler = setInterval(() => {
  spillPeakBytes = Math.max(spillPeakBytes, folderBytes(spillDir));
}, 250);
spillSampler.unref();

const events = reusing ? Number(await warehouse.scalar(`SELECT count(*) FROM raw.player_events`)) : Number(values.events);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${gib(totalmem())} RAM, node ${process.version}; DuckDB threads ${values.threads}, memory_limit ${values['memory-limit']}`);
console.log(`events: ${events.toLocaleString('en')}${reusing ? ` already ingested in ${root}` : ` as ${format} in ${values.files} file(s)`}`);
if (!reusing && values.direct) await generateIntoRawTable();
else if (!reusing) await generateAndIngest();

function eventGenerator(withEventNumber = false): string {
  // ~20 events per (user, video); 4 videos per user; a user's videos 0-1 share one sessionId, 2-3 another.
  return `
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
           ${withEventNumber ? ', pair * 20 + k AS event_no' : ''}
    FROM shaped
    WHERE pair * 20 + k < ${events}`;
}

/** The generator's events as ingest would type them, one load per `--files` slice (not timed). */
async function generateIntoRawTable(): Promise<void> {
  const files = Number(values.files);
  const started = performance.now();
  await warehouse.run(`
    INSERT INTO raw.player_events
    SELECT
        CAST(event_no AS UHUGEINT)                                                  AS event_key,
        NULL                                                                        AS event_id,
        "userId", "sessionId", "videoId", "eventName",
        CASE "eventName" WHEN 'timeupdate' THEN 'heartbeat' WHEN 'video_ended' THEN 'end' ELSE "eventName" END AS event_type,
        CAST("timestamp" AS TIMESTAMP)                                              AS event_at,
        CAST("currentTime" AS DOUBLE), CAST("videoDuration" AS DOUBLE),
        CAST(CAST("timestamp" AS TIMESTAMP) AS DATE)                               AS event_date,
        CAST(hash("userId") % ${files} + 1 AS BIGINT)                              AS load_id,
        event_no                                                                    AS source_row,
        'bench-direct'                                                              AS source_file
    FROM (${eventGenerator(true)})`);
  await numberUnnumberedEvents(warehouse); // as ingest would, in its load's transaction
  console.log(`generate   ${((performance.now() - started) / 1000).toFixed(2).padStart(8)} s  straight into raw.player_events (no ingest; not part of the figures)`);
}

async function generateAndIngest(): Promise<void> {
  const generator = eventGenerator();

  const files = Number(values.files);
  const started = performance.now();
  if (format === 'parquet') {
    // One pass over the generator, one folder per file (part=N/…): the ingest walks folders.
    await warehouse.run(
      `COPY (SELECT *, hash("userId") % ${files} AS part FROM (${generator})) TO ${sqlString(inputDir)}
       (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (part), OVERWRITE_OR_IGNORE true)`,
    );
  } else {
    for (let part = 0; part < files; part += 1) {
      const target = join(inputDir, `events_${part}.ndjson`);
      await warehouse.run(`COPY (SELECT * FROM (${generator}) WHERE hash("userId") % ${files} = ${part}) TO ${sqlString(target)} (FORMAT json)`);
    }
  }
  console.log(`generate   ${((performance.now() - started) / 1000).toFixed(2).padStart(8)} s  (not part of the figures)`);

  const ingested = await timed('ingest', events, () => ingestEvents(warehouse, session.dir, session.runId, [inputDir], () => undefined));
  console.log(`           read ${ingested.read} = accepted ${ingested.accepted} + quarantined ${ingested.quarantined} + duplicates ${ingested.duplicates}`);
}

if (!values['skip-build']) {
  // a reused folder was built before: forget that build so this one is a full rebuild
  await warehouse.run(`DELETE FROM meta.engagement_build_state`);
  const models = withUpstream(discoverModels(), selectModels(discoverModels(), 'player_events+'));
  const builds = await timed('build', events, () => buildModels(warehouse, models, session.runId));
  for (const build of builds) console.log(`           ${build.model.padEnd(36)} ${String(build.rowCount).padStart(10)} rows ${build.seconds.toFixed(2).padStart(7)} s`);
  const engagementSeconds = builds.filter((b) => /player_events|video_durations|engagement/.test(b.model)).reduce((s, b) => s + b.seconds, 0);
  console.log(`engagement models only: ${engagementSeconds.toFixed(2)} s = ${(events / engagementSeconds / 1e6).toFixed(2)} M events/s`);
  console.log(`slices of users: ${String(await warehouse.scalar(`SELECT getvariable('engagement_slice_count')`))} (events_per_build_slice ${config.events.events_per_build_slice})`);
  console.log(`spilled: ${spillPeakBytes > 0 ? `yes, up to ${gib(spillPeakBytes)} in ${spillDir}` : 'no'}`);
  if (values.profile) await profileEngagementRules();
}

/** The chosen models and every model they read (staging.cms_videos and whatever it reads), in build order. */
function withUpstream(all: readonly Model[], chosen: readonly Model[]): Model[] {
  const names = new Set(chosen.map((model) => model.name));
  for (let grew = true; grew; ) {
    grew = false;
    for (const model of all) {
      if (names.has(model.name)) continue;
      if (all.some((other) => names.has(other.name) && other.dependsOn.includes(model.name))) {
        names.add(model.name);
        grew = true;
      }
    }
  }
  return selectModels(all).filter((model) => names.has(model.name));
}

/**
 * The engagement rules' statement (the temporary view the mart defines) once more, with DuckDB's JSON
 * profile: time per operator (summed over threads), heaviest first, so the figures say what bounds it.
 */
async function profileEngagementRules(): Promise<void> {
  const profileFile = join(root, 'engagement-profile.json');
  // a full rebuild's first slice of users (all events when they fit one slice)
  await warehouse.run(`UPDATE engagement_build_mode SET is_full_rebuild = true`);
  await warehouse.run(`SET VARIABLE engagement_full_rebuild = true; SET VARIABLE engagement_slice = 0`);
  const slices = Number(await warehouse.scalar(`SELECT getvariable('engagement_slice_count')`));
  await warehouse.run(`PRAGMA enable_profiling = 'json'; PRAGMA profiling_output = ${sqlString(profileFile)}`);
  await warehouse.run(`CREATE OR REPLACE TEMP TABLE engagement_profiled AS SELECT * FROM engagement_rows`);
  await warehouse.run(`PRAGMA disable_profiling; DROP TABLE engagement_profiled`);
  interface ProfileNode { operator_type?: string; operator_timing?: number; operator_cardinality?: number; extra_info?: Record<string, unknown>; children?: ProfileNode[] }
  const operators: Array<{ name: string; seconds: number; rows: number }> = [];
  const walk = (node: ProfileNode) => {
    if (node.operator_type) {
      const detail = JSON.stringify(node.extra_info?.['Projections'] ?? node.extra_info?.['Groups'] ?? node.extra_info?.['Conditions'] ?? '').slice(0, 90);
      operators.push({ name: `${node.operator_type} ${detail}`, seconds: node.operator_timing ?? 0, rows: node.operator_cardinality ?? 0 });
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(JSON.parse(readFileSync(profileFile, 'utf8')) as ProfileNode);
  const total = operators.reduce((sum, op) => sum + op.seconds, 0);
  console.log(`profile of the engagement rules, slice 1 of ${slices} (operator time summed over threads: ${total.toFixed(2)} s):`);
  for (const op of operators.sort((a, b) => b.seconds - a.seconds).slice(0, Number(process.env.PROFILE_TOP ?? 12))) {
    console.log(`  ${op.seconds.toFixed(2).padStart(7)} s ${((100 * op.seconds) / total).toFixed(0).padStart(3)} %  ${String(op.rows).padStart(11)} rows  ${op.name}`);
  }
}
warehouse.close();
if (!values.keep && !reusing) rmSync(root, { recursive: true, force: true });
else console.log(`kept ${root}`);
