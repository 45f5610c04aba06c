import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportAll } from '../../warehouse/export/export-command.ts';
import { openSession, type PipelineSession } from '../../warehouse/session.ts';
import { ACCOUNTS, buildBrightcove, cmsVideo, dailyItem, insertAnalyticsFetch, testConfig } from '../models/brightcove-fixture.ts';
import { AS_OF, DAY_90, V, loadScenario } from '../models/brightcove-scenario.ts';

/** Headers exactly as the original scripts wrote them (downstream spreadsheets rely on the order): these literals are the record. */
const CMS_34 =
  'account_id,id,name,original_filename,description,updated_at,created_at,published_at,created_by,ad_keys,clip_source_video_id,complete,cue_points,delivery_type,digital_master_id,duration,economics,folder_id,geo,has_digital_master,images,link,long_description,projection,reference_id,schedule,sharing,state,tags,text_tracks,transcripts,updated_by,playback_rights_id,ingestion_profile_id';
const NAMED_CF =
  'video_content_type,relatedlinkname,relatedlink,country,language,business_unit,video_category,video_length,video_owner_email,1a_comms_sign_off,1b_comms_sign_off_approver,2a_data_classification_disclaimer,3a_records_management_disclaimer,4a_archiving_disclaimer_comms_branding,4b_unique_sharepoint_id';
const HEADERS = {
  cmsMetadata: `${CMS_34},${NAMED_CF}`,
  cms: CMS_34.replace('description,', 'description,dt_last_viewed,'),
  dailyViews: 'date,account_id,video_id,views,video_content_type,business_unit,device_desktop,device_mobile,device_tablet,device_other',
  reportingCms: 'id,name,created_at,published_at,original_filename,created_by,duration,state,reference_id,tags,video_content_type,video_length,video_category,country,language,business_unit',
  // The original cache file: id and last_viewed_date, the CMS record's fields merged in, publishing_state, channel (38).
  reportingCache:
    'id,last_viewed_date,account_id,ad_keys,clip_source_video_id,complete,created_at,created_by,cue_points,custom_fields,delivery_type,description,digital_master_id,duration,economics,folder_id,geo,has_digital_master,images,link,long_description,name,original_filename,projection,published_at,reference_id,schedule,sharing,state,tags,text_tracks,updated_at,updated_by,playback_rights_id,transcripts,ingestion_profile_id,publishing_state,channel',
  dailyAnalytics:
    'channel,account_id,video_id,name,date,video_view,views_desktop,views_mobile,views_tablet,views_other,video_impression,play_rate,engagement_score,video_engagement_1,video_engagement_25,video_engagement_50,video_engagement_75,video_engagement_100,video_percent_viewed,video_seconds_viewed,created_at,published_at,original_filename,created_by,video_content_type,video_length,video_duration,video_category,country,language,business_unit,tags,reference_id,report_generated_on',
};

const HARPER_SLUGS = ['internet', 'intranet', 'neo', 'research', 'research_internal', 'impact', 'circleone', 'digital_networks_events', 'fa_web', 'sumitrust', 'myway'];
const REPORTING_SLUGS = HARPER_SLUGS.slice(0, 5);
const EXPECTED_FILES = [
  ...HARPER_SLUGS.flatMap((slug) => ['_cms_metadata.json', '_cms_metadata.csv', '_cms.json', '_cms.csv', '_daily_views.csv'].map((suffix) => `harper/${slug}${suffix}`)),
  ...REPORTING_SLUGS.flatMap((slug) =>
    ['_cms_2024_2025.csv', '_cms_2024_2025.json', '_cms_cache_2024_2025.csv', '_cms_cache_2024_2025.json'].map((suffix) => `reporting/${slug}${suffix}`),
  ),
  ...['internet', 'research'].flatMap((category) =>
    ['2024', '2025', '2024_2025'].map((years) => `reporting/daily_analytics_${years}_${category}.csv`),
  ),
].sort();

async function session(dir: string): Promise<PipelineSession> {
  return openSession({ dataDir: dir, config: testConfig(), asOf: AS_OF, command: 'test-export' });
}

function exportedFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const family of ['harper', 'reporting']) {
    for (const name of readdirSync(join(dir, 'exports', family))) {
      out[`${family}/${name}`] = createHash('sha256').update(readFileSync(join(dir, 'exports', family, name))).digest('hex');
    }
  }
  return out;
}

const read = (dir: string, file: string) => readFileSync(join(dir, 'exports', file), 'utf8');
const headerOf = (dir: string, file: string) => read(dir, file).split('\r\n')[0];
const csvRows = (dir: string, file: string) => parse(read(dir, file), { columns: true }) as Array<Record<string, string>>;

describe('Brightcove exports', () => {
  let dir: string;
  let pipeline: PipelineSession;
  let firstExport: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reelhouse-export-'));
    pipeline = await session(dir);
    await loadScenario(pipeline.warehouse);
    await buildBrightcove(pipeline.warehouse);
    await exportAll(pipeline, () => undefined);
    firstExport = exportedFiles(dir);
  });
  afterAll(() => pipeline.warehouse.close());

  it('writes exactly the files of docs/outputs.md, named from the configured slugs', () => {
    expect(Object.keys(firstExport).sort()).toEqual(EXPECTED_FILES);
  });

  it('writes the headers of docs/outputs.md, with cf_<key> columns in first-seen order', () => {
    for (const slug of HARPER_SLUGS) {
      expect(headerOf(dir, `harper/${slug}_cms_metadata.csv`)).toBe(HEADERS.cmsMetadata);
      expect(headerOf(dir, `harper/${slug}_daily_views.csv`)).toBe(HEADERS.dailyViews);
    }
    // internet's videos in crawl (created_at) order: day91 (none), recent (4 keys), day90 (none), never (language, video_content_type)
    expect(headerOf(dir, 'harper/internet_cms.csv')).toBe(`${HEADERS.cms},cf_video_content_type,cf_business_unit,cf_country,cf_zeta_custom,cf_language`);
    expect(headerOf(dir, 'harper/intranet_cms.csv')).toBe(HEADERS.cms);
    for (const slug of REPORTING_SLUGS) {
      expect(headerOf(dir, `reporting/${slug}_cms_2024_2025.csv`)).toBe(HEADERS.reportingCms);
      expect(headerOf(dir, `reporting/${slug}_cms_cache_2024_2025.csv`)).toBe(HEADERS.reportingCache);
    }
    for (const file of EXPECTED_FILES.filter((name) => name.includes('daily_analytics_'))) {
      expect(headerOf(dir, file)).toBe(HEADERS.dailyAnalytics);
    }
  });

  it('Harper: the CMS objects as sent, dt_last_viewed, formula cells escaped, nested objects as JSON text', () => {
    const metadata = JSON.parse(read(dir, 'harper/internet_cms_metadata.json')) as Array<Record<string, unknown>>;
    expect(metadata.map((item) => item['id'])).toEqual([V.day91, V.recent, V.day90, V.never, V.inactive, V.unpublished, V.big]);
    expect(metadata[1]).toEqual(
      cmsVideo({ id: V.recent, account_id: ACCOUNTS.internet, name: 'Q3 2024 Results', description: '=HYPERLINK("http://evil")', state: 'ACTIVE', created_at: '2024-10-15T10:00:00.000Z', published_at: '2024-10-15T11:00:00.000Z', duration: 1847000, custom_fields: { video_content_type: 'earnings_call', business_unit: 'Corporate', country: 'US', zeta_custom: 'z' }, tags: ['q3', 'results'], reference_id: 'ref-1' }),
    );

    const cms = csvRows(dir, 'harper/internet_cms.csv');
    const recent = cms.find((row) => row['id'] === V.recent)!;
    expect(recent).toMatchObject({
      description: `'=HYPERLINK("http://evil")`,
      dt_last_viewed: '2025-06-29',
      created_at: '2024-10-15T10:00:00.000Z',
      tags: 'q3,results',
      duration: '1847000',
      complete: 'true',
      ad_keys: '',
      cf_business_unit: 'Corporate',
      cf_language: '',
    });
    expect(JSON.parse(recent['created_by']!)).toEqual({ type: 'user', id: '76543', email: 'editor@example.com' });
    expect(JSON.parse(recent['images']!)).toMatchObject({ poster: { src: 'https://example.com/p.jpg' } });
    expect(cms.find((row) => row['id'] === V.never)!['dt_last_viewed']).toBe('');
    expect(cms.find((row) => row['id'] === V.day90)!['created_at']).toBe('2024-12-31T23:30:00.000Z');

    const cmsJson = JSON.parse(read(dir, 'harper/internet_cms.json')) as Array<Record<string, unknown>>;
    expect(Object.keys(cmsJson[1]!).slice(3, 7)).toEqual(['original_filename', 'description', 'dt_last_viewed', 'updated_at']);
    expect(cmsJson[1]).toMatchObject({ id: V.recent, dt_last_viewed: '2025-06-29', tags: ['q3', 'results'], cf_zeta_custom: 'z', cf_language: null });

    const metadataCsv = csvRows(dir, 'harper/internet_cms_metadata.csv');
    expect(metadataCsv.find((row) => row['id'] === V.recent)).toMatchObject({ video_content_type: 'earnings_call', '1a_comms_sign_off': '' });
  });

  it('Harper daily views: days with views from as-of minus 30 days to as-of, with the device split', () => {
    expect(csvRows(dir, 'harper/internet_daily_views.csv').map((row) => Object.values(row).join('|'))).toEqual([
      `2025-06-10|${ACCOUNTS.internet}|${V.big}|1||||||`,
      `2025-06-20|${ACCOUNTS.internet}|${V.inactive}|5||||||`,
      `2025-06-25|${ACCOUNTS.internet}|${V.recent}|6|earnings_call|Corporate|6|0|0|0`,
      `2025-06-29|${ACCOUNTS.internet}|${V.recent}|15|earnings_call|Corporate|6|4|2|3`,
    ]);
  });

  it('Reporting: catalog by year, cache, yearly and multi-year daily analytics', () => {
    expect(csvRows(dir, 'reporting/internet_cms_2024_2025.csv').map((row) => row['id'])).toEqual([V.recent, V.day90, V.never, V.big]);
    expect(csvRows(dir, 'reporting/internet_cms_cache_2024_2025.csv').map((row) => [row['id'], row['channel'], row['last_viewed_date']])).toEqual([
      [V.recent, 'Internet', '2025-06-29'],
      [V.day90, 'Internet', DAY_90],
      [V.big, 'Internet', '2025-06-10'],
    ]);
    // NEO: its video was viewed 2025-06-15, inside [2025-04-01, 2025-06-30].
    expect(csvRows(dir, 'reporting/neo_cms_cache_2024_2025.csv').map((row) => [row['id'], row['channel'], row['last_viewed_date']])).toEqual([
      [V.neo, 'NEO', '2025-06-15'],
    ]);
    const yearly2024 = csvRows(dir, 'reporting/daily_analytics_2024_internet.csv');
    const yearly2025 = csvRows(dir, 'reporting/daily_analytics_2025_internet.csv');
    const all = csvRows(dir, 'reporting/daily_analytics_2024_2025_internet.csv');
    expect(yearly2024.map((row) => row['date'])).toEqual(['2024-12-31']);
    expect(all).toEqual([...yearly2024, ...yearly2025].sort((a, b) => `${a['video_id']}${a['date']}`.localeCompare(`${b['video_id']}${b['date']}`)));
    expect(all.map((row) => [row['video_id'], row['date']])).toEqual([
      [V.day90, DAY_90],
      [V.recent, '2024-12-31'],
      [V.recent, '2025-01-01'],
      [V.recent, '2025-06-25'],
      [V.recent, '2025-06-29'],
      [V.big, '2025-06-10'],
    ]);
    const day = all.find((row) => row['video_id'] === V.recent && row['date'] === '2025-06-29')!;
    expect(day).toMatchObject({
      channel: 'Internet', name: 'Q3 2024 Results', video_view: '15', views_desktop: '6', views_mobile: '4', views_tablet: '2', views_other: '3',
      video_impression: '45', engagement_score: '42.5', video_duration: '1847000', tags: 'q3,results', reference_id: 'ref-1',
      video_content_type: 'earnings_call', report_generated_on: AS_OF, created_at: '2024-10-15T10:00:00.000Z',
    });
    expect(Number(day['play_rate'])).toBeCloseTo(1 / 3, 12);
    expect(csvRows(dir, 'reporting/daily_analytics_2024_2025_research.csv').map((row) => [row['channel'], row['video_id']])).toEqual([['NEO', V.neo]]);
  });

  it('Reporting cache CSV: every value of the 38 columns for one video (nested values as JSON text, formula cells escaped)', () => {
    const recent = csvRows(dir, 'reporting/internet_cms_cache_2024_2025.csv')[0]!;
    const { custom_fields: customFields, created_by: createdBy, updated_by: updatedBy, images, cue_points: cuePoints, tags, text_tracks: textTracks, transcripts, ...scalars } = recent;
    expect(scalars).toEqual({
      id: V.recent,
      last_viewed_date: '2025-06-29',
      account_id: ACCOUNTS.internet,
      ad_keys: '',
      clip_source_video_id: '',
      complete: 'true',
      created_at: '2024-10-15T10:00:00.000Z',
      delivery_type: 'dynamic_origin',
      description: `'=HYPERLINK("http://evil")`,
      digital_master_id: '',
      duration: '1847000',
      economics: 'AD_SUPPORTED',
      folder_id: '',
      geo: '',
      has_digital_master: 'false',
      link: '',
      long_description: '',
      name: 'Q3 2024 Results',
      original_filename: `${V.recent}.mp4`,
      projection: '',
      published_at: '2024-10-15T11:00:00.000Z',
      reference_id: 'ref-1',
      schedule: '',
      sharing: '',
      state: 'ACTIVE',
      updated_at: '2024-10-15T10:00:00.000Z',
      playback_rights_id: '',
      ingestion_profile_id: '',
      publishing_state: 'published',
      channel: 'Internet',
    });
    // custom_fields is one JSON object (keys in CMS order), not one column per key.
    expect(customFields).toBe('{"video_content_type":"earnings_call","business_unit":"Corporate","country":"US","zeta_custom":"z"}');
    expect(tags).toBe('["q3","results"]');
    expect(JSON.parse(createdBy!)).toEqual({ type: 'user', id: '76543', email: 'editor@example.com' });
    expect(JSON.parse(updatedBy!)).toEqual({ type: 'user', id: '76543', email: 'editor@example.com' });
    expect(JSON.parse(images!)).toMatchObject({ poster: { src: 'https://example.com/p.jpg' } });
    expect([cuePoints, textTracks, transcripts]).toEqual(['[]', '[]', '[]']);
    // day90 was sent with an offset (+01:00): the cell is its UTC time, like every export's timestamps.
    expect(csvRows(dir, 'reporting/internet_cms_cache_2024_2025.csv')[1]!['created_at']).toBe('2024-12-31T23:30:00.000Z');
  });

  it('Reporting JSON files: exactly the selected rows, in the CSV order; the catalog as the CMS sent it, the cache with the 38 keys', () => {
    for (const slug of REPORTING_SLUGS) {
      const catalog = JSON.parse(read(dir, `reporting/${slug}_cms_2024_2025.json`)) as Array<Record<string, unknown>>;
      expect(catalog.map((item) => item['id']), slug).toEqual(csvRows(dir, `reporting/${slug}_cms_2024_2025.csv`).map((row) => row['id']));
      const cache = JSON.parse(read(dir, `reporting/${slug}_cms_cache_2024_2025.json`)) as Array<Record<string, unknown>>;
      expect(cache.map((row) => row['id']), slug).toEqual(csvRows(dir, `reporting/${slug}_cms_cache_2024_2025.csv`).map((row) => row['id']));
      for (const row of cache) expect(Object.keys(row).join(','), slug).toBe(HEADERS.reportingCache);
    }
    // Only ACTIVE, published, created in 2024-2025: day91 (2023), inactive and unpublished are not there.
    const internet = JSON.parse(read(dir, 'reporting/internet_cms_2024_2025.json')) as Array<Record<string, unknown>>;
    expect(internet.map((item) => item['id'])).toEqual([V.recent, V.day90, V.never, V.big]);
    expect(internet[1]).toEqual(
      cmsVideo({ id: V.day90, account_id: ACCOUNTS.internet, name: 'Day 90', state: 'ACTIVE', created_at: '2025-01-01T00:30:00+01:00', published_at: '2025-01-02T00:00:00.000Z' }),
    );
    const cache = JSON.parse(read(dir, 'reporting/internet_cms_cache_2024_2025.json')) as Array<Record<string, unknown>>;
    expect(cache.map((row) => row['id'])).toEqual([V.recent, V.day90, V.big]);
    expect(cache[0]).toMatchObject({
      id: V.recent,
      last_viewed_date: '2025-06-29',
      account_id: ACCOUNTS.internet,
      created_at: '2024-10-15T10:00:00.000Z',
      description: '=HYPERLINK("http://evil")',
      duration: 1847000,
      complete: true,
      ad_keys: null,
      tags: ['q3', 'results'],
      custom_fields: { video_content_type: 'earnings_call', business_unit: 'Corporate', country: 'US', zeta_custom: 'z' },
      publishing_state: 'published',
      channel: 'Internet',
    });
  });

  it('is byte-identical on a second export, and new data changes only the files it touches', async () => {
    await exportAll(pipeline, () => undefined);
    expect(exportedFiles(dir)).toEqual(firstExport);

    // NEO reports a later view of its video: its last-viewed date, daily views, cache and Research files move.
    await insertAnalyticsFetch(pipeline.warehouse, {
      source: 'analytics_video_daily', accountId: ACCOUNTS.neo, fetchId: 'f0020', from: '2025-06-20', to: '2025-06-20',
      items: [dailyItem(V.neo, '2025-06-20', 2)],
    });
    await buildBrightcove(pipeline.warehouse);
    await exportAll(pipeline, () => undefined);
    const second = exportedFiles(dir);
    const changed = Object.keys(second).filter((file) => second[file] !== firstExport[file]).sort();
    expect(changed).toEqual([
      'harper/neo_cms.csv',
      'harper/neo_cms.json',
      'harper/neo_daily_views.csv',
      'reporting/daily_analytics_2024_2025_research.csv',
      'reporting/daily_analytics_2025_research.csv',
      'reporting/neo_cms_cache_2024_2025.csv',
      'reporting/neo_cms_cache_2024_2025.json',
    ]);
  });
});

describe('Brightcove exports without any Brightcove data', () => {
  it('build and export succeed and write every file, header-only (JSON: [])', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reelhouse-export-empty-'));
    const pipeline = await session(dir);
    try {
      await buildBrightcove(pipeline.warehouse);
      const written = await exportAll(pipeline, () => undefined);
      expect(written.every((file) => file.rows === 0)).toBe(true);
      expect(Object.keys(exportedFiles(dir)).sort()).toEqual(EXPECTED_FILES);
      expect(read(dir, 'harper/myway_cms_metadata.json')).toBe('[]\n');
      expect(read(dir, 'harper/myway_cms.csv')).toBe(`${HEADERS.cms}\r\n`);
      expect(read(dir, 'reporting/daily_analytics_2024_2025_research.csv')).toBe(`${HEADERS.dailyAnalytics}\r\n`);
      expect(read(dir, 'reporting/neo_cms_cache_2024_2025.csv')).toBe(`${HEADERS.reportingCache}\r\n`);
      expect([read(dir, 'reporting/neo_cms_2024_2025.json'), read(dir, 'reporting/neo_cms_cache_2024_2025.json')]).toEqual(['[]\n', '[]\n']);
    } finally {
      pipeline.warehouse.close();
    }
  });
});
