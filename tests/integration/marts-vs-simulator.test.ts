import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type PlantedVideos, type RunningSimulator } from '../../simulator/server.ts';
import {
  addDays,
  dailyViewsRows,
  dayKey,
  expectationsFor,
  exportFingerprints,
  multiYearRows,
  videoKey,
  type Expectations,
} from './simulator-expectations.ts';
import { integrationConfig, readExportCsv, runPipeline, type MartRow, type PipelineRun } from './simulator-pipeline.ts';

/**
 * The Brightcove marts and exports end to end against the simulator's ground truth: a small dataset
 * (14 videos per account, 2024-04-01 … 2025-03-30), three `pipeline run`s into one data dir:
 *   run 1  --as-of 2025-03-31, the simulator's today (its last 3 days provisional);
 *   run 2  the simulator's clock moved 5 days (provisional days final, 5 new days), --as-of 2025-04-05;
 *   run 3  the same as run 2;
 *   run 4  the same as-of in a fresh data dir (everything fetched at once).
 * Expectations come from sim.dataset and the configuration only (simulator-expectations.ts).
 */

const SEED = 31;
const TODAY = '2025-03-31';
const HISTORY_START = '2024-04-01';
const LATER = addDays(TODAY, 5);
const config = integrationConfig(HISTORY_START);
const INTERNET = config.accounts.find((account) => account.slug === 'internet')!;

let sim: RunningSimulator;
let runs: PipelineRun[];
let expected: Expectations[];
let planted: Record<string, PlantedVideos>;

beforeAll(async () => {
  sim = await startSimulator({ seed: SEED, today: TODAY, historyStart: HISTORY_START, videosPerAccount: 14, faults: { cmsLimits: null } });
  planted = structuredClone(sim.dataset.planted);
  const root = mkdtempSync(join(tmpdir(), 'reelhouse-integration-'));
  const dataDir = join(root, 'data');
  const first = await runPipeline(sim, dataDir, config, TODAY, join(root, 'exports-run-1'));
  // Computed before setToday, which replaces the simulator's rows.
  const firstExpected = expectationsFor(sim.dataset, config, TODAY);
  sim.setToday(LATER);
  const second = await runPipeline(sim, dataDir, config, LATER, join(root, 'exports-run-2'));
  const secondExpected = expectationsFor(sim.dataset, config, LATER);
  const third = await runPipeline(sim, dataDir, config, LATER, join(root, 'exports-run-3'));
  // The same as-of from an empty data dir: all history fetched at once instead of incrementally.
  const fresh = await runPipeline(sim, join(root, 'fresh-data'), config, LATER, join(root, 'exports-fresh'));
  runs = [first, second, third, fresh];
  expected = [firstExpected, secondExpected];
});
afterAll(() => sim?.stop());

/** `key → value` lines, sorted, so a mismatch shows as a readable diff. */
const lines = (entries: Iterable<[string, unknown]>) => [...entries].map(([key, value]) => `${key} → ${JSON.stringify(value)}`).sort();
const martKey = (row: MartRow) => videoKey(String(row['account_id']), String(row['video_id']));
const close = (actual: unknown, wanted: number | null) =>
  wanted === null ? actual === null : typeof actual === 'number' && Math.abs(actual - wanted) <= 1e-9 * Math.max(1, Math.abs(wanted));
const csvNumber = (cell: string | undefined) => (cell === undefined || cell === '' ? null : Number(cell));

describe.each([
  { run: 0, label: 'run 1 (as-of = the simulator today)' },
  { run: 1, label: 'run 2 (clock and as-of moved 5 days)' },
])('$label', ({ run }) => {
  it('video_catalog lists every video the CMS lists (every state but DELETED), with its state', () => {
    const wanted = [...expected[run]!.catalog].map(([key, video]) => [key, video.state] as [string, unknown]);
    expect(lines(runs[run]!.marts.catalog.map((row) => [martKey(row), row['state']]))).toEqual(lines(wanted));
  });

  it('video_last_viewed: the last (and first) day with video_view > 0 up to the as-of date, days and views', () => {
    const actual = runs[run]!.marts.lastViewed.map((row) => [
      martKey(row),
      [row['last_viewed_date'], row['first_viewed_date'], row['viewed_days'], row['total_video_views']],
    ] as [string, unknown]);
    const wanted = [...expected[run]!.lastViewed].map(([key, v]) => [key, [v.last, v.first, v.days, v.total]] as [string, unknown]);
    expect(lines(actual)).toEqual(lines(wanted));
  });

  it('video_cache: ACTIVE videos with views in [as_of - 90, as_of], with the last such day and the window views', () => {
    const { asOf } = expected[run]!;
    const actual = runs[run]!.marts.cache.map((row) => [
      martKey(row),
      [row['last_viewed_date'], row['window_video_views'], row['window_start_date'], row['window_end_date']],
    ] as [string, unknown]);
    const wanted = [...expected[run]!.cache].map(([key, entry]) => [key, [entry.lastViewed, entry.windowViews, addDays(asOf, -90), asOf]] as [string, unknown]);
    expect(lines(actual)).toEqual(lines(wanted));
    expect(wanted.length).toBeGreaterThan(20);
  });

  it('video_catalog_by_year and <slug>_cms_2024_2025.csv: ACTIVE, published, created in 2024 or 2025', () => {
    expect(runs[run]!.marts.catalogByYear.map(martKey).sort()).toEqual([...expected[run]!.catalogByYear].sort());
    for (const account of config.accounts.filter((a) => a.workflows.includes('reporting'))) {
      const ids = readExportCsv(runs[run]!, `reporting/${account.slug}_cms_2024_2025.csv`).map((row) => videoKey(account.account_id, row['id']!));
      expect(ids.sort()).toEqual([...expected[run]!.catalogByYear].filter((key) => key.startsWith(`${account.account_id}|`)).sort());
    }
  });

  it('Reporting <slug>_cms_2024_2025.json and the cache files (38-column CSV, JSON): the selected rows, the CMS values as served', () => {
    const header =
      'id,last_viewed_date,account_id,ad_keys,clip_source_video_id,complete,created_at,created_by,cue_points,custom_fields,delivery_type,description,digital_master_id,duration,economics,folder_id,geo,has_digital_master,images,link,long_description,name,original_filename,projection,published_at,reference_id,schedule,sharing,state,tags,text_tracks,updated_at,updated_by,playback_rights_id,transcripts,ingestion_profile_id,publishing_state,channel';
    const safe = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
    const cell = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : safe(String(value)));
    const readJson = (file: string) => JSON.parse(readFileSync(join(runs[run]!.exportsCopy, file), 'utf8')) as Array<Record<string, unknown>>;
    let cachedRows = 0;
    for (const account of config.accounts.filter((a) => a.workflows.includes('reporting'))) {
      const ofAccount = (key: string) => key.startsWith(`${account.account_id}|`);
      // The catalog JSON: the CMS objects exactly as the simulator served them, the rows of the CSV.
      const catalogJson = readJson(`reporting/${account.slug}_cms_2024_2025.json`);
      expect(catalogJson.map((item) => item['id']), account.slug).toEqual(readExportCsv(runs[run]!, `reporting/${account.slug}_cms_2024_2025.csv`).map((row) => row['id']));
      expect(catalogJson.map((item) => videoKey(account.account_id, String(item['id']))).sort()).toEqual([...expected[run]!.catalogByYear].filter(ofAccount).sort());
      for (const item of catalogJson) expect(item).toEqual(expected[run]!.catalog.get(videoKey(account.account_id, String(item['id']))));

      const csvText = readFileSync(join(runs[run]!.exportsCopy, `reporting/${account.slug}_cms_cache_2024_2025.csv`), 'utf8');
      expect(csvText.split('\r\n')[0]).toBe(header);
      const cacheCsv = readExportCsv(runs[run]!, `reporting/${account.slug}_cms_cache_2024_2025.csv`);
      const cacheJson = readJson(`reporting/${account.slug}_cms_cache_2024_2025.json`);
      const wantedKeys = [...expected[run]!.cache.keys()].filter(ofAccount).sort();
      expect(cacheCsv.map((row) => videoKey(account.account_id, row['id']!)).sort(), account.slug).toEqual(wantedKeys);
      expect(cacheJson.map((row) => row['id'])).toEqual(cacheCsv.map((row) => row['id']));
      cachedRows += cacheCsv.length;
      cacheCsv.forEach((row, index) => {
        const key = videoKey(account.account_id, row['id']!);
        const video = expected[run]!.catalog.get(key)!;
        const lastViewed = expected[run]!.cache.get(key)!.lastViewed;
        const iso = (value: unknown) => (typeof value === 'string' ? new Date(value).toISOString() : '');
        expect(row, key).toEqual({
          id: video.id,
          last_viewed_date: lastViewed,
          ...Object.fromEntries(header.split(',').slice(2, -2).map((field) => [field, cell(video[field])])),
          account_id: account.account_id,
          created_at: iso(video.created_at),
          published_at: iso(video.published_at),
          updated_at: iso(video.updated_at),
          publishing_state: 'published',
          channel: account.name,
        });
        expect(Object.keys(cacheJson[index]!).join(','), key).toBe(header);
        expect(cacheJson[index], key).toMatchObject({
          id: video.id,
          last_viewed_date: lastViewed,
          custom_fields: video.custom_fields,
          tags: video.tags,
          duration: video.duration,
          publishing_state: 'published',
          channel: account.name,
        });
      });
    }
    expect(cachedRows).toBeGreaterThan(20);
  });

  it('daily_video_analytics: every reported day, device split pivoted (tv + other → views_other), ratios from the day sums', () => {
    const byKey = new Map(runs[run]!.marts.daily.map((row) => [dayKey(String(row['account_id']), String(row['video_id']), String(row['view_date'])), row]));
    expect([...byKey.keys()].sort()).toEqual([...expected[run]!.daily.keys()].sort());
    const mismatches: string[] = [];
    for (const [key, day] of expected[run]!.daily) {
      const row = byKey.get(key)!;
      const pairs: Array<[string, number | null]> = [
        ['video_view', day.views],
        ['video_impression', day.impressions],
        ['play_request', day.playRequests],
        ['views_desktop', day.devices.desktop],
        ['views_mobile', day.devices.mobile],
        ['views_tablet', day.devices.tablet],
        ['views_other', day.devices.other],
        ['play_rate', day.playRate],
        ['engagement_score', day.engagementScore],
        ['video_percent_viewed', day.percentViewed],
        ['video_seconds_viewed', day.secondsViewed],
        ['video_engagement_1', day.engagement.e1],
        ['video_engagement_25', day.engagement.e25],
        ['video_engagement_50', day.engagement.e50],
        ['video_engagement_75', day.engagement.e75],
        ['video_engagement_100', day.engagement.e100],
      ];
      for (const [column, wanted] of pairs) if (!close(row[column], wanted)) mismatches.push(`${key} ${column}: ${row[column]} ≠ ${wanted}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('the multi-year file for internet: cached videos, every day of 2024 and 2025 once, ordered by channel, video, date; the yearly files split it', () => {
    const wanted = multiYearRows(expected[run]!, config, 'internet', [2024, 2025]);
    const file = readExportCsv(runs[run]!, 'reporting/daily_analytics_2024_2025_internet.csv');
    const keyOf = (row: Record<string, string>) => `${row['channel']}|${row['account_id']}|${row['video_id']}|${row['date']}`;
    expect(file.map(keyOf)).toEqual(wanted.map((row) => `${row.channel}|${row.accountId}|${row.videoId}|${row.date}`));
    expect(new Set(file.map(keyOf)).size).toBe(file.length);
    expect(new Set(wanted.map((row) => row.date.slice(0, 4)))).toEqual(new Set(['2024', '2025']));
    const mismatches: string[] = [];
    wanted.forEach((day, index) => {
      const row = file[index]!;
      const pairs: Array<[string, number | null]> = [
        ['video_view', day.views],
        ['views_desktop', day.devices.desktop],
        ['views_mobile', day.devices.mobile],
        ['views_tablet', day.devices.tablet],
        ['views_other', day.devices.other],
        ['video_impression', day.impressions],
        ['play_rate', day.playRate],
        ['engagement_score', day.engagementScore],
      ];
      for (const [column, value] of pairs) if (!close(csvNumber(row[column]), value)) mismatches.push(`${keyOf(row)} ${column}: ${row[column]} ≠ ${value}`);
      if (row['report_generated_on'] !== expected[run]!.asOf) mismatches.push(`${keyOf(row)} report_generated_on ${row['report_generated_on']}`);
      // Catalog columns: the CMS duration in milliseconds (the original's choice), the name (formula-safe).
      const video = expected[run]!.catalog.get(videoKey(day.accountId, day.videoId))!;
      if (row['video_duration'] !== String(video.duration ?? '')) mismatches.push(`${keyOf(row)} video_duration ${row['video_duration']} ≠ ${video.duration}`);
      const shownName = /^[=+\-@\t\r]/.test(video.name) ? `'${video.name}` : video.name;
      if (row['name'] !== shownName) mismatches.push(`${keyOf(row)} name ${JSON.stringify(row['name'])} ≠ ${JSON.stringify(shownName)}`);
    });
    expect(mismatches).toEqual([]);
    // The yearly files are the multi-year file cut by year, in the same order.
    const years = ['2024', '2025'].flatMap((year) => readExportCsv(runs[run]!, `reporting/daily_analytics_${year}_internet.csv`).map(keyOf));
    expect([...years].sort()).toEqual(file.map(keyOf).sort());
    // The mart holds the research category too, and nothing outside the cache or the years.
    const martKeys = runs[run]!.marts.multiYear.map((row) => `${row['category']}|${row['account_id']}|${row['video_id']}|${row['view_date']}`).sort();
    const wantedKeys = ['internet', 'research'].flatMap((category) =>
      multiYearRows(expected[run]!, config, category, [2024, 2025]).map((row) => `${category}|${row.accountId}|${row.videoId}|${row.date}`),
    );
    expect(martKeys).toEqual(wantedKeys.sort());
  });

  it('Harper <slug>_cms.csv: dt_last_viewed for every video of every account, empty when never viewed', () => {
    for (const account of config.accounts) {
      const rows = readExportCsv(runs[run]!, `harper/${account.slug}_cms.csv`);
      const actual = rows.map((row) => [videoKey(account.account_id, row['id']!), row['dt_last_viewed']] as [string, unknown]);
      const wanted = [...expected[run]!.catalog.keys()]
        .filter((key) => key.startsWith(`${account.account_id}|`))
        .map((key) => [key, expected[run]!.lastViewed.get(key)?.last ?? ''] as [string, unknown]);
      expect(lines(actual), account.slug).toEqual(lines(wanted));
    }
  });

  it('Harper <slug>_cms.csv: rows in crawl order, one cf_<key> column per key in first-seen order, values formula-safe', () => {
    for (const account of config.accounts) {
      const videos = [...expected[run]!.catalog.values()]
        .filter((video) => video.account_id === account.account_id)
        .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const keys = [...new Set(videos.flatMap((video) => Object.keys(video.custom_fields)))];
      const rows = readExportCsv(runs[run]!, `harper/${account.slug}_cms.csv`);
      expect(Object.keys(rows[0]!).filter((column) => column.startsWith('cf_')), account.slug).toEqual(keys.map((key) => `cf_${key}`));
      expect(rows.map((row) => row['id'])).toEqual(videos.map((video) => video.id));
      const safe = (value: string | undefined) => (value === undefined ? '' : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
      rows.forEach((row, index) => {
        const fields = videos[index]!.custom_fields;
        expect(keys.map((key) => row[`cf_${key}`]), `${account.slug} ${row['id']}`).toEqual(keys.map((key) => safe(fields[key])));
      });
    }
  });

  it('Harper <slug>_daily_views.csv: the days with views in [as_of - 30, as_of], with the device split', () => {
    for (const account of config.accounts) {
      const rows = readExportCsv(runs[run]!, `harper/${account.slug}_daily_views.csv`);
      const actual = rows.map((row) => [row['date'], row['video_id'], row['views'], row['device_desktop'], row['device_mobile'], row['device_tablet'], row['device_other']].join(' '));
      const wanted = dailyViewsRows(expected[run]!, account.account_id, 30).map((day) =>
        [day.date, day.videoId, day.views, day.devices.desktop, day.devices.mobile, day.devices.tablet, day.devices.other].join(' '),
      );
      expect(actual, account.slug).toEqual(wanted);
    }
  });
});

describe('the planted edge cases (run 1, as-of = the simulator today)', () => {
  it('never viewed, viewed only on day 90, only on day 91, INACTIVE viewed yesterday: last viewed and cache', () => {
    const { marts } = runs[0]!;
    const lastViewed = new Map(marts.lastViewed.map((row) => [martKey(row), row['last_viewed_date']]));
    const cached = new Set(marts.cache.map(martKey));
    for (const [accountId, p] of Object.entries(planted)) {
      const key = (videoId: string) => videoKey(accountId, videoId);
      expect(lastViewed.has(key(p.neverViewed))).toBe(false);
      expect(cached.has(key(p.neverViewed))).toBe(false);
      expect([lastViewed.get(key(p.viewedOnly90DaysAgo)), p.viewedOnly90DaysAgoDate]).toEqual([addDays(TODAY, -90), addDays(TODAY, -90)]);
      expect(cached.has(key(p.viewedOnly90DaysAgo))).toBe(true);
      expect([lastViewed.get(key(p.viewedOnly91DaysAgo)), p.viewedOnly91DaysAgoDate]).toEqual([addDays(TODAY, -91), addDays(TODAY, -91)]);
      expect(cached.has(key(p.viewedOnly91DaysAgo))).toBe(false);
      expect(lastViewed.get(key(p.inactiveViewedYesterday))).toBe(addDays(TODAY, -1));
      expect(cached.has(key(p.inactiveViewedYesterday))).toBe(false);
    }
  });

  it('the same cases in the Internet files: dt_last_viewed and the cache file', () => {
    const p = planted[INTERNET.account_id]!;
    const cms = new Map(readExportCsv(runs[0]!, 'harper/internet_cms.csv').map((row) => [row['id'], row]));
    expect(cms.get(p.neverViewed)!['dt_last_viewed']).toBe('');
    expect(cms.get(p.viewedOnly90DaysAgo)!['dt_last_viewed']).toBe(addDays(TODAY, -90));
    expect(cms.get(p.viewedOnly91DaysAgo)!['dt_last_viewed']).toBe(addDays(TODAY, -91));
    expect(cms.get(p.inactiveViewedYesterday)!['dt_last_viewed']).toBe(addDays(TODAY, -1));
    expect(cms.get(p.inactiveViewedYesterday)!['state']).toBe('INACTIVE');
    expect(cms.get(p.hostileCustomFields.formula)!['cf_video_category']).toBe(`'=HYPERLINK("http://x")`);
    expect(cms.get(p.hostileCustomFields.sqlInjection)!['cf_video_category']).toBe(`'; DROP TABLE x; --`);
    const cache = new Map(readExportCsv(runs[0]!, 'reporting/internet_cms_cache_2024_2025.csv').map((row) => [row['id'], row]));
    expect(cache.get(p.viewedOnly90DaysAgo)?.['last_viewed_date']).toBe(addDays(TODAY, -90));
    for (const absent of [p.neverViewed, p.viewedOnly91DaysAgo, p.inactiveViewedYesterday]) expect(cache.has(absent)).toBe(false);
  });

  it('a device pivot day: the tv-and-other video has everything in views_other, ratios recomputed from the day', () => {
    const p = planted[INTERNET.account_id]!;
    const day = expected[0]!.daily.get(dayKey(INTERNET.account_id, p.tvAndOtherDevices, addDays(TODAY, -10)))!;
    const raw = sim.dataset.daily[INTERNET.account_id]!.find((row) => row.video === p.tvAndOtherDevices && row.date === day.date)!;
    expect(raw.devices.tv).toBeGreaterThan(0);
    expect(raw.devices.other).toBeGreaterThan(0);
    expect(raw.devices.tv + raw.devices.other).toBe(raw.video_view);
    const row = readExportCsv(runs[0]!, 'reporting/daily_analytics_2025_internet.csv').find((r) => r['video_id'] === p.tvAndOtherDevices && r['date'] === day.date)!;
    expect([row['views_desktop'], row['views_mobile'], row['views_tablet'], row['views_other']]).toEqual(['0', '0', '0', String(raw.video_view)]);
    expect(Number(row['play_rate'])).toBeCloseTo(raw.video_view / raw.video_impression, 12);
    expect(Number(row['engagement_score'])).toBeCloseTo(raw.video_percent_viewed / raw.video_view, 12);
  });

  it('a busy device pivot day: the four columns add up to the views, tv counted in views_other', () => {
    const busiest = multiYearRows(expected[0]!, config, 'internet', [2025]).filter((day) => day.date < addDays(TODAY, -3)).sort((a, b) => b.views - a.views)[0]!;
    const raw = sim.dataset.daily[busiest.accountId]!.find((row) => row.video === busiest.videoId && row.date === busiest.date)!;
    const row = readExportCsv(runs[0]!, 'reporting/daily_analytics_2025_internet.csv').find((r) => r['video_id'] === busiest.videoId && r['date'] === busiest.date)!;
    const columns = ['views_desktop', 'views_mobile', 'views_tablet', 'views_other'].map((column) => Number(row[column]));
    expect(columns).toEqual([raw.devices.desktop, raw.devices.mobile, raw.devices.tablet, raw.devices.tv + raw.devices.other]);
    expect(columns.reduce((a, b) => a + b, 0)).toBe(Number(row['video_view']));
    expect(Number(row['video_view'])).toBe(raw.video_view);
    expect(Number(row['play_rate'])).toBeCloseTo(raw.video_view / raw.video_impression, 12);
  });
});

describe('provisional days, re-runs and determinism', () => {
  it('the provisional day is replaced by the final numbers once the clock moved (marts and the multi-year file)', () => {
    for (const [accountId, p] of Object.entries(planted)) {
      const key = dayKey(accountId, p.provisionalDayChanges, p.provisionalDate);
      const find = (run: PipelineRun) => run.marts.daily.find((row) => dayKey(String(row['account_id']), String(row['video_id']), String(row['view_date'])) === key)!;
      const [before, after] = [find(runs[0]!), find(runs[1]!)];
      expect([before['video_view'], before['is_reconciled']]).toEqual([28, false]);
      expect(after['video_view']).toBe(40);
      expect(Number(before['views_desktop']) + Number(before['views_mobile']) + Number(before['views_tablet']) + Number(before['views_other'])).toBe(28);
      expect(Number(after['views_desktop']) + Number(after['views_mobile']) + Number(after['views_tablet']) + Number(after['views_other'])).toBe(40);
      // The day was landed by both runs; the marts keep one row, the latest.
      expect(runs[1]!.rawDayVersions.get(key)).toBeGreaterThanOrEqual(2);
      expect(runs[1]!.marts.daily.filter((row) => dayKey(String(row['account_id']), String(row['video_id']), String(row['view_date'])) === key)).toHaveLength(1);
    }
    const p = planted[INTERNET.account_id]!;
    const inFile = (run: PipelineRun) =>
      readExportCsv(run, 'reporting/daily_analytics_2024_2025_internet.csv').filter((row) => row['video_id'] === p.provisionalDayChanges && row['date'] === p.provisionalDate);
    expect(inFile(runs[0]!).map((row) => [row['video_view'], row['report_generated_on']])).toEqual([['28', TODAY]]);
    expect(inFile(runs[1]!).map((row) => [row['video_view'], row['report_generated_on']])).toEqual([['40', LATER]]);
  });

  it('a third run with the same --as-of writes byte-identical exports (sha256 of every file under exports/)', () => {
    expect(Object.keys(runs[1]!.exportHashes).length).toBeGreaterThan(60);
    expect(runs[2]!.exportHashes).toEqual(runs[1]!.exportHashes);
  });

  it('a fresh data dir with the same --as-of writes the same bytes as the incremental runs', () => {
    expect(runs[3]!.exportHashes).toEqual(runs[1]!.exportHashes);
  });

  it('run 2 changes exactly the export files whose source facts changed, and no other', () => {
    const [before, after] = [exportFingerprints(expected[0]!, config), exportFingerprints(expected[1]!, config)];
    expect(Object.keys(runs[0]!.exportHashes).sort()).toEqual(Object.keys(before).sort());
    expect(Object.keys(runs[1]!.exportHashes).sort()).toEqual(Object.keys(after).sort());
    const changedFiles = Object.keys(after).filter((file) => runs[0]!.exportHashes[file] !== runs[1]!.exportHashes[file]).sort();
    const changedFacts = Object.keys(after).filter((file) => before[file] !== after[file]).sort();
    expect(changedFiles).toEqual(changedFacts);
    // What that means here, stated outright: the catalog files never change (no CMS change), the
    // engagement files neither (no events); the non-empty daily analytics files all change (new as-of in
    // report_generated_on); every daily_views file with views in either window changes (the window moved).
    const unchanged = Object.keys(after).filter((file) => !changedFiles.includes(file));
    for (const file of Object.keys(after).filter((f) => /_cms_metadata\.|_cms_2024_2025\.csv$|^engagement\//.test(f))) expect(unchanged).toContain(file);
    for (const file of Object.keys(after).filter((f) => f.startsWith('reporting/daily_analytics_'))) {
      expect(changedFiles.includes(file), file).toBe(JSON.parse(after[file]!).rows.length > 0);
    }
    expect(changedFiles).toContain('harper/internet_daily_views.csv');
    expect(changedFiles.filter((file) => /_cms\.(csv|json)$/.test(file)).length).toBeGreaterThan(0);
  });
});
