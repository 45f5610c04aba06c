/**
 * Bench: player events → engagement, on one machine.
 *   npm run bench -- events --events 1000000 [--format parquet|ndjson] [--memory-limit 6GB] [--threads 2]
 *     [--files 4] [--keep] [--skip-build] [--reuse <folder kept by --keep>] [--profile] [--events-per-slice N]
 *     [--no-floor] [--end-to-end] [--incremental N [--on-loaded-day]]
 * Generates N input rows (about 20 per user + video: play, heartbeats, pauses and resumes, a forward skip,
 * a rewind, a replay after a closed browser, two or three videos per sessionId; about 30 % of the pairs
 * send an eventId, 3 % of the rows are re-sent copies, 0.5 % bad rows) with DuckDB into files cut by
 * time in a temporary folder, then times separately:
 *   ingest  `ingest-events` on those files (validation, de-duplication, lake Parquet, raw table)
 *   floor   the same files read, typed and written once as date-partitioned Parquet; prints ingest / floor
 *   build   staging.player_events → intermediate.video_durations → marts.user_video_engagement (full)
 *           → marts.video_engagement_summary
 *   export  (--end-to-end) the engagement exports, then the sum files → ingest → build → export
 *   increment (--incremental N) N new events on the day after the last one, ingested into the data dir
 *           as it is (with --reuse: into a kept folder, e.g. one that holds 100 M events); with
 *           --on-loaded-day on the busiest of the last seven days loaded, so the de-duplication reads its lake files
 * and prints events/s, seconds, CPU seconds, the process's peak RSS, DuckDB's own memory and whether it spilled.
 * Large sizes in two runs: `--keep --skip-build` (generate + ingest), then `--reuse <folder>` (build only,
 * on the events kept). `--profile` then times the engagement rules' statement by operator (it runs the
 * rules a second time, outside the figures).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.ts';
import { numberUnnumberedEvents } from '../warehouse/event-numbers.ts';
import { ingestEvents } from '../extract/events/ingest-events.ts';
import { sqlString } from '../warehouse/duckdb.ts';
import { exportEngagement } from '../warehouse/export/engagement.ts';
import { rulesOverSlice, type SliceRange } from '../warehouse/incremental-build.ts';
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
    'no-floor': { type: 'boolean', default: false },
    'end-to-end': { type: 'boolean', default: false },
    incremental: { type: 'string' },
    'on-loaded-day': { type: 'boolean', default: false },
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
const session = await openSession({ dataDir: join(root, 'data'), config, asOf: '2025-12-31', command: 'bench' });
const { warehouse } = session;
await warehouse.run(`SET memory_limit = ${sqlString(values['memory-limit']!)}`);
await warehouse.run(`SET temp_directory = ${sqlString(join(root, 'spill'))}`);
await warehouse.run(`SET threads = ${Number(values.threads)}`);
// Ingest, build and export run with DuckDB's default insertion order, as the pipeline runs them: ingest
// stages NDJSON lines in file order (a line's number is its rowid) and relaxes the order itself after
// staging. Until 2026-12-01 this was set false for the whole bench, so NDJSON staging ran unordered here
// (faster, and with wrong line numbers). Only the bench's own writes, untimed or the floor, go unordered.
async function unordered<T>(work: () => Promise<T>): Promise<T> {
  await warehouse.run(`SET preserve_insertion_order = false`);
  try {
    return await work();
  } finally {
    await warehouse.run(`RESET preserve_insertion_order`);
  }
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;
async function duckdbMemory(): Promise<number> {
  return Number(await warehouse.scalar(`SELECT sum(memory_usage_bytes) FROM duckdb_memory()`));
}
/**
 * Wall time and the process's CPU time (DuckDB's threads included): on a machine shared with other
 * work the wall time stretches, the CPU time much less, so both are printed.
 */
let lastSeconds = 0;
let lastCpuSeconds = 0;
async function timed<T>(label: string, count: number, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await fn();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  lastSeconds = seconds;
  lastCpuSeconds = cpuSeconds;
  console.log(
    `${label.padEnd(10)} ${seconds.toFixed(2).padStart(8)} s  ${(count / seconds / 1e6).toFixed(2).padStart(6)} M events/s` +
      `  CPU ${cpuSeconds.toFixed(2)} s (${(count / cpuSeconds / 1e6).toFixed(2)} M events per CPU-second)` +
      `  peak RSS ${gib(peakRss())}  DuckDB now ${gib(await duckdbMemory())}  spilled so far (peak) ${gib(spillPeakBytes)}`,
  );
  return result;
}
/** timed(), returning the wall seconds (lastCpuSeconds then holds the CPU seconds). */
async function timedSeconds(label: string, count: number, fn: () => Promise<unknown>): Promise<number> {
  await timed(label, count, fn);
  return lastSeconds;
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

let ingestCounts = '';
/** files → ingest → build → export, the floor and the generation left out. */
const endToEnd = { seconds: 0, cpuSeconds: 0 };
const events = reusing ? Number(await warehouse.scalar(`SELECT count(*) FROM raw.player_events`)) : Number(values.events);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${gib(totalmem())} RAM, node ${process.version}; DuckDB threads ${values.threads}, memory_limit ${values['memory-limit']}`);
console.log(`events: ${events.toLocaleString('en')}${reusing ? ` already ingested in ${root}` : ` as ${format} in ${values.files} file(s)`}`);
if (!reusing && values.direct) await unordered(generateIntoRawTable);
else if (!reusing) await generateAndIngest();

/**
 * The generator's rows: `count` rows from event number `first` on (one row per number), `dayOffset` days
 * after 2025-06-01. Realistic for the de-duplication: about 30 % of the (user, video) pairs send an
 * eventId with every event, about 3 % of the rows are re-sent copies of the pair's previous event (the
 * same eventId and content: a duplicate), about 0.5 % are bad rows (an unknown event name or a
 * timestamp that is no time: quarantined). `part` is the file a row goes to: the rows in time order,
 * cut into `files` equal spans of time, as an export by time would be (a re-sent copy goes with its
 * original's time).
 */
function eventGenerator(
  count: number,
  options: { first?: number; dayOffset?: number; days?: number; files?: number; withEventNumber?: boolean } = {},
): string {
  const first = options.first ?? 0;
  const start = `TIMESTAMP '2025-06-01 00:00:00' + INTERVAL ${options.dayOffset ?? 0} DAY`;
  // the users start over `days` days, evenly (at most 86,400 start times); a pair's events span a few hours
  const days = options.days ?? 30;
  const startTimes = Math.max(1, Math.min(86_400, Math.ceil(count / 80)));
  const secondsApart = Math.floor((86_400 * days) / startTimes);
  const spanSeconds = startTimes * secondsApart + 3 * 3600;
  // ~20 events per (user, video); 4 videos per user; a user's videos 0-1 share one sessionId, 2-3 another.
  return `
    WITH rows AS (
        SELECT range AS event_no, range // 20 AS pair, range % 20 AS step,
               hash(range, 'resent') % 100 < 3 AND range % 20 > 0 AS is_resent,
               hash(range, 'bad') % 200 AS bad
        FROM range(${first}, ${first + count})
    ),
    steps AS (
        SELECT event_no, pair, pair // 4 AS user_no, pair % 4 AS video_slot, hash(pair) AS h, is_resent, bad,
               -- a re-sent row is a copy of the pair's previous event
               CASE WHEN is_resent THEN step - 1 ELSE step END AS k
        FROM rows
    ),
    shaped AS (
        SELECT
            'user_' || user_no AS user_id,
            'sess_' || user_no || '_' || (video_slot // 2) AS session_id,
            'video_' || ((user_no * 7 + video_slot * 131 + h % 3) % 5000) AS video_id,
            -- replay in a later session (browser closed) for a third of the pairs from step 10 on
            ${start} + to_seconds(CAST(user_no % ${startTimes} AS BIGINT) * ${secondsApart} + (video_slot % 2) * 400
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
            CASE WHEN h % 10 < 3 THEN 'ev_' || (pair * 20 + k) END AS event_id,
            event_no, bad, is_resent
        FROM steps
    )
    SELECT CASE WHEN bad = 1 THEN 'not a time' ELSE strftime(event_at, '%Y-%m-%dT%H:%M:%SZ') END AS "timestamp",
           user_id AS "userId", session_id AS "sessionId", video_id AS "videoId",
           CASE WHEN bad = 0 THEN 'bogus_event' ELSE event_name END AS "eventName",
           current_time_s AS "currentTime", video_duration_s AS "videoDuration", event_id AS "eventId",
           least(${(options.files ?? 1) - 1}, CAST(floor(epoch(event_at - (${start})) * ${options.files ?? 1} / ${spanSeconds}) AS BIGINT)) AS part
           ${options.withEventNumber ? ', event_no, is_resent' : ''}
    FROM shaped`;
}

/** The generator's events as ingest would type them, one load per `--files` span (not timed; no lake files). */
async function generateIntoRawTable(): Promise<void> {
  const started = performance.now();
  await warehouse.run(`
    INSERT INTO raw.player_events
    SELECT
        CAST(event_no AS UHUGEINT)                                                  AS event_key,
        "eventId"                                                                   AS event_id,
        "userId", "sessionId", "videoId", "eventName",
        CASE "eventName" WHEN 'timeupdate' THEN 'heartbeat' WHEN 'video_ended' THEN 'end' ELSE "eventName" END AS event_type,
        CAST("timestamp" AS TIMESTAMP)                                              AS event_at,
        CAST("currentTime" AS DOUBLE), CAST("videoDuration" AS DOUBLE),
        CAST(CAST("timestamp" AS TIMESTAMP) AS DATE)                               AS event_date,
        part + 1                                                                    AS load_id,
        event_no                                                                    AS source_row,
        'bench-direct'                                                              AS source_file,
        -- the id numbers: given below, as ingest gives them in its load's transaction
        NULL AS user_no, NULL AS stream_no, NULL AS video_no
    FROM (${eventGenerator(events, { files: Number(values.files), withEventNumber: true })})
    -- what ingest would accept: no bad row, no re-sent copy
    WHERE "eventName" <> 'bogus_event' AND "timestamp" <> 'not a time' AND NOT is_resent`);
  await numberUnnumberedEvents(warehouse); // as ingest would, in its load's transaction
  console.log(`generate   ${((performance.now() - started) / 1000).toFixed(2).padStart(8)} s  straight into raw.player_events (no ingest; not part of the figures)`);
}

/** Writes the generator's rows into `folder` as `files` files (Parquet: part=N/data_0.parquet; NDJSON: events_N.ndjson). */
async function writeInputFiles(generator: string, folder: string, files: number): Promise<void> {
  const started = performance.now();
  if (format === 'parquet') {
    // One pass over the generator, one folder per file (part=N/…): the ingest walks folders.
    await warehouse.run(
      `COPY (${generator}) TO ${sqlString(folder)}
       (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (part), OVERWRITE_OR_IGNORE true)`,
    );
  } else {
    for (let part = 0; part < files; part += 1) {
      const target = join(folder, `events_${part}.ndjson`);
      await warehouse.run(`COPY (SELECT * EXCLUDE (part) FROM (${generator}) WHERE part = ${part}) TO ${sqlString(target)} (FORMAT json)`);
    }
  }
  console.log(`generate   ${((performance.now() - started) / 1000).toFixed(2).padStart(8)} s  (not part of the figures)`);
}

/**
 * The floor: the same input files read, typed and written once as date-partitioned Parquet (no
 * validation, no de-duplication, no raw table), in this process, so the ingest can be compared with it.
 */
async function timeFloor(folder: string, count: number): Promise<number> {
  const target = join(root, 'floor');
  rmSync(target, { recursive: true, force: true });
  const source = format === 'parquet'
    ? `read_parquet(${sqlString(join(folder, '**', '*.parquet'))}, hive_partitioning = false)`
    : `read_json(${sqlString(join(folder, '*.ndjson'))}, format = 'newline_delimited', columns = {
         "timestamp": 'VARCHAR', "userId": 'VARCHAR', "sessionId": 'VARCHAR', "videoId": 'VARCHAR', "eventName": 'VARCHAR',
         "currentTime": 'VARCHAR', "videoDuration": 'VARCHAR', "eventId": 'VARCHAR'})`;
  return timedSeconds('floor', count, () => warehouse.run(`
    COPY (
        SELECT "eventId" AS event_id, "userId" AS user_id, "sessionId" AS session_id, "videoId" AS video_id,
               "eventName" AS event_name, TRY_CAST("timestamp" AS TIMESTAMP) AS event_at,
               TRY_CAST("currentTime" AS DOUBLE) AS position_s, TRY_CAST("videoDuration" AS DOUBLE) AS video_duration_s,
               CAST(TRY_CAST("timestamp" AS TIMESTAMP) AS DATE) AS event_date
        FROM ${source})
    TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (event_date), WRITE_PARTITION_COLUMNS true)`));
}

async function generateAndIngest(): Promise<void> {
  const files = Number(values.files);
  await unordered(() => writeInputFiles(eventGenerator(events, { files }), inputDir, files));
  const ingestSeconds = await timedSeconds('ingest', events, async () => {
    const ingested = await ingestEvents(warehouse, session.dir, session.runId, [inputDir], () => undefined);
    ingestCounts = `read ${ingested.read} = accepted ${ingested.accepted} + quarantined ${ingested.quarantined} + duplicates ${ingested.duplicates}`;
  });
  const ingestCpuSeconds = lastCpuSeconds;
  endToEnd.seconds += ingestSeconds;
  endToEnd.cpuSeconds += ingestCpuSeconds;
  console.log(`           ${ingestCounts}`);
  if (!values['no-floor']) {
    const floorSeconds = await unordered(() => timeFloor(inputDir, events));
    rmSync(join(root, 'floor'), { recursive: true, force: true });
    console.log(`ingest / floor: ${(ingestSeconds / floorSeconds).toFixed(2)}× the wall time, ${(ingestCpuSeconds / lastCpuSeconds).toFixed(2)}× the CPU` +
      ` (floor: the same files read, typed and written once as date-partitioned Parquet)`);
  }
}

/**
 * `--incremental N`: N new events, on the day after the last event already there (plus re-sent copies
 * and bad rows in the same shares), ingested into the data dir as it is: the dedupe reads only the
 * lake partitions of the dates the new events touch. `--on-loaded-day`: on the busiest of the last
 * seven days already there (late events of a day already loaded, as a daily feed sends them), so the
 * dedupe reads that day's lake files; the events are still new (new users): accepted, not duplicates.
 */
async function ingestIncrement(count: number): Promise<void> {
  const onLoadedDay = values['on-loaded-day'];
  const lastDate = String(await warehouse.scalar(onLoadedDay
    ? `SELECT CAST(arg_max(event_date, events) AS VARCHAR) FROM (
         SELECT event_date, count(*) AS events FROM raw.player_events
         WHERE event_date > (SELECT max(event_date) - 7 FROM raw.player_events) GROUP BY event_date)`
    : `SELECT CAST(max(event_date) AS VARCHAR) FROM raw.player_events`));
  const dayOffset = Math.round((Date.parse(`${lastDate}T00:00:00Z`) - Date.parse('2025-06-01T00:00:00Z')) / 86_400_000) + (onLoadedDay ? 0 : 1);
  const folder = join(root, `increment-${dayOffset}`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  // new users (numbers after every generated one), so the events are new, not re-sent
  const first = 20 * (1_000_000_000 + Number(await warehouse.scalar(`SELECT count(*) FROM raw.player_events`)));
  await unordered(() => writeInputFiles(eventGenerator(count, { first, dayOffset, days: 1, files: 1 }), folder, 1));
  const before = Number(await warehouse.scalar(`SELECT count(*) FROM raw.player_events`));
  const onThatDay = onLoadedDay
    ? Number(await warehouse.scalar(`SELECT count(*) FROM raw.player_events WHERE event_date = CAST($1 AS DATE)`, [lastDate]))
    : 0;
  await timedSeconds('increment', count, async () => {
    const ingested = await ingestEvents(warehouse, session.dir, session.runId, [folder], () => undefined);
    ingestCounts = `read ${ingested.read} = accepted ${ingested.accepted} + quarantined ${ingested.quarantined} + duplicates ${ingested.duplicates}`;
  });
  console.log(
    `           ${ingestCounts}, into a data dir of ${before.toLocaleString('en')} events ` +
      (onLoadedDay
        ? `(new events on ${lastDate}, a day already loaded, which held ${onThatDay.toLocaleString('en')} events)`
        : `(new events from ${lastDate} + 1 day)`),
  );
}

if (!values['skip-build']) {
  // a reused folder was built before: forget that build so this one is a full rebuild
  await warehouse.run(`DELETE FROM meta.engagement_build_state`);
  const models = withUpstream(discoverModels(), selectModels(discoverModels(), 'player_events+'));
  const builds = await timed('build', events, () => buildModels(warehouse, models, session.runId));
  endToEnd.seconds += lastSeconds;
  endToEnd.cpuSeconds += lastCpuSeconds;
  for (const build of builds) console.log(`           ${build.model.padEnd(36)} ${String(build.rowCount).padStart(10)} rows ${build.seconds.toFixed(2).padStart(7)} s`);
  const engagementSeconds = builds.filter((b) => /player_events|video_durations|engagement/.test(b.model)).reduce((s, b) => s + b.seconds, 0);
  console.log(`engagement models only: ${engagementSeconds.toFixed(2)} s = ${(events / engagementSeconds / 1e6).toFixed(2)} M events/s`);
  const engagementBuild = builds.find((build) => build.model === 'marts.user_video_engagement')?.incremental;
  console.log(`slices of users: ${String(engagementBuild?.sliceCount)} (events_per_build_slice ${config.events.events_per_build_slice})`);
  console.log(`spilled: ${spillPeakBytes > 0 ? `yes, up to ${gib(spillPeakBytes)} in ${spillDir}` : 'no'}`);
  if (values['end-to-end']) {
    const written = await timed('export', events, () => exportEngagement(session));
    endToEnd.seconds += lastSeconds;
    endToEnd.cpuSeconds += lastCpuSeconds;
    console.log(`           ${written.map((file) => `${file.path.split('/').pop()} ${file.rows} rows`).join(', ')}`);
    console.log(
      `end to end (files → ingest → build → export): ${endToEnd.seconds.toFixed(2)} s = ${(events / endToEnd.seconds / 1e6).toFixed(2)} M events/s,` +
        ` CPU ${endToEnd.cpuSeconds.toFixed(2)} s, peak RSS of the process ${gib(peakRss())}`,
    );
  }
  if (values.profile) await profileEngagementRules(engagementBuild?.slices[0] ?? null, engagementBuild?.sliceCount ?? 1);
}
if (values.incremental !== undefined) await ingestIncrement(Number(values.incremental));

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
 * The engagement rules (the chain of steps the mart's file holds) once more, with DuckDB's JSON
 * profile: time per operator (summed over threads), heaviest first, so the figures say what bounds it.
 */
async function profileEngagementRules(firstSlice: SliceRange | null, slices: number): Promise<void> {
  const profileFile = join(root, 'engagement-profile.json');
  // a full rebuild's first slice of users (all events when they fit one slice)
  const mart = discoverModels().find((model) => model.name === 'marts.user_video_engagement')!;
  const rules = rulesOverSlice(mart.name, mart.sql, mart.header.incremental!, firstSlice);
  await warehouse.run(`PRAGMA enable_profiling = 'json'; PRAGMA profiling_output = ${sqlString(profileFile)}`);
  await warehouse.run(`CREATE OR REPLACE TEMP TABLE engagement_profiled AS ${rules}`);
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
