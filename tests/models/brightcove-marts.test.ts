import { beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/duckdb.ts';
import { ACCOUNTS, buildBrightcove, fixtureWarehouse } from './brightcove-fixture.ts';
import { AS_OF, DAY_90, DAY_91, V, loadScenario } from './brightcove-scenario.ts';

let warehouse: Warehouse;

beforeAll(async () => {
  warehouse = await fixtureWarehouse(AS_OF);
  await loadScenario(warehouse);
  await buildBrightcove(warehouse);
});

const keysOf = (rows: Array<{ account_id: string; video_id: string }>) => rows.map((row) => `${row.account_id}/${row.video_id}`).sort();
const key = (account: string, video: string) => `${account}/${video}`;
const I = ACCOUNTS.internet;

describe('staging', () => {
  it('keeps the latest fetched CMS version, typed, with ids as text and offsets converted to UTC', async () => {
    const rows = await warehouse.rows<Record<string, unknown>>(
      `SELECT video_id, state, name, duration_ms, created_at::VARCHAR AS created_at, tags, custom_fields::VARCHAR AS cf, typeof(video_id) AS id_type
       FROM staging.cms_videos WHERE video_id IN ($1, $2, $3, $4) ORDER BY video_id`,
      [V.inactive, V.day90, V.big, V.recent],
    );
    expect(await warehouse.scalar('SELECT count(*) FROM staging.cms_videos')).toBe('9');
    const byId = Object.fromEntries(rows.map((row) => [row['video_id'], row]));
    expect(byId[V.inactive]).toMatchObject({ state: 'INACTIVE', name: 'Now inactive' });
    expect(byId[V.day90]).toMatchObject({ created_at: '2024-12-31 23:30:00' });
    expect(byId[V.big]).toMatchObject({ id_type: 'VARCHAR', duration_ms: '31488' });
    expect(byId[V.recent]).toMatchObject({ tags: ['q3', 'results'], duration_ms: '1847000' });
    expect(JSON.parse(byId[V.recent]!['cf'] as string)).toEqual({ video_content_type: 'earnings_call', business_unit: 'Corporate', country: 'US', zeta_custom: 'z' });
  });

  it('takes each day from the latest completed fetch covering it', async () => {
    const rows = await warehouse.rows<{ video_id: string; view_date: string; video_view: string; fetch_id: string }>(
      `SELECT video_id, view_date, video_view, fetch_id FROM staging.analytics_video_daily WHERE account_id = $1 ORDER BY view_date, video_id`,
      [I],
    );
    expect(rows.map((r) => [r.video_id, r.view_date, r.video_view, r.fetch_id])).toEqual([
      [V.recent, '2024-12-31', '3', 'f0001'],
      [V.recent, '2025-01-01', '2', 'f0002'], // overlap: the later window wins, the page repeat is gone
      [V.day91, DAY_91, '4', 'f0003'],
      [V.day90, DAY_90, '2', 'f0003'],
      [V.never, '2025-05-05', '0', 'f0003'],
      [V.big, '2025-06-10', '1', 'f0003'], // the null-video row is not attributable and left out
      [V.inactive, '2025-06-20', '5', 'f0003'],
      [V.recent, '2025-06-25', '6', 'f0004'], // outside the re-fetch window: the first numbers stay
      [V.recent, '2025-06-29', '15', 'f0005'], // re-fetched: 10 → 15; the uncompleted f0006 (999) is ignored
      // V.big on 06-28 was in f0004 only; f0005 covered the day and had no row: it is gone.
    ]);
  });
});

describe('marts', () => {
  it('video_catalog: one row per video in every state, with named custom fields as cf_ columns', async () => {
    const rows = await warehouse.rows<Record<string, string | null>>('SELECT * FROM marts.video_catalog ORDER BY account_id, video_id');
    expect(rows).toHaveLength(9);
    const recent = rows.find((row) => row['video_id'] === V.recent)!;
    expect(recent).toMatchObject({ account_slug: 'internet', channel: 'Internet', cf_video_content_type: 'earnings_call', cf_business_unit: 'Corporate', cf_country: 'US', cf_language: null });
    expect(rows.find((row) => row['video_id'] === V.inactive)!['state']).toBe('INACTIVE');
  });

  it('video_last_viewed: the last day with video_view > 0; a never-viewed video has no row', async () => {
    const rows = await warehouse.rows<{ account_id: string; video_id: string; last_viewed_date: string }>(
      'SELECT account_id, video_id, last_viewed_date FROM marts.video_last_viewed ORDER BY account_id, video_id',
    );
    const byKey = Object.fromEntries(rows.map((row) => [key(row.account_id, row.video_id), row.last_viewed_date]));
    expect(byKey).toEqual({
      [key(I, V.recent)]: '2025-06-29',
      [key(I, V.day91)]: DAY_91,
      [key(I, V.day90)]: DAY_90,
      [key(I, V.inactive)]: '2025-06-20',
      [key(I, V.big)]: '2025-06-10',
      [key(ACCOUNTS.neo, V.neo)]: '2025-06-15',
      [key(ACCOUNTS.impact, V.impact)]: '2025-06-16',
    });
  });

  it('video_cache: ACTIVE videos viewed from as-of minus 90 days to as-of; day 91 and INACTIVE excluded', async () => {
    const rows = await warehouse.rows<{ account_id: string; video_id: string; channel: string; last_viewed_date: string; window_start_date: string }>(
      'SELECT * FROM marts.video_cache ORDER BY account_id, video_id',
    );
    expect(keysOf(rows)).toEqual([key(I, V.recent), key(I, V.day90), key(I, V.big), key(ACCOUNTS.neo, V.neo), key(ACCOUNTS.impact, V.impact)].sort());
    expect(rows.find((row) => row.video_id === V.day90)).toMatchObject({ channel: 'Internet', last_viewed_date: DAY_90, window_start_date: DAY_90 });
  });

  it('video_catalog_by_year: ACTIVE, published, created (UTC) in 2024 or 2025', async () => {
    const rows = await warehouse.rows<{ account_id: string; video_id: string; created_year: number }>('SELECT * FROM marts.video_catalog_by_year');
    expect(keysOf(rows)).toEqual(
      [key(I, V.recent), key(I, V.never), key(I, V.day90), key(I, V.big), key(ACCOUNTS.neo, V.neo), key(ACCOUNTS.impact, V.impact)].sort(),
    );
    expect(rows.find((row) => row.video_id === V.day90)!.created_year).toBe(2024);
  });

  it('daily_video_analytics: device pivot with tv/unknown in other, ratios from the day, NULL split where none was fetched', async () => {
    const rows = await warehouse.rows<Record<string, string | number | null>>(
      `SELECT * FROM marts.daily_video_analytics WHERE account_id = $1 AND video_id = $2 ORDER BY view_date`,
      [I, V.recent],
    );
    expect(rows.map((row) => row['view_date'])).toEqual(['2024-12-31', '2025-01-01', '2025-06-25', '2025-06-29']);
    const day = rows.find((row) => row['view_date'] === '2025-06-29')!;
    // fixture: 15 views, 45 impressions, 15 × 42.5 percent viewed; devices 6 desktop, 4 mobile, 2 tablet, 2 tv + 1 unknown.
    expect(day).toMatchObject({ video_view: '15', views_desktop: '6', views_mobile: '4', views_tablet: '2', views_other: '3', video_impression: '45', is_reconciled: false });
    expect(day['play_rate']).toBeCloseTo(15 / 45, 12);
    expect(day['engagement_score']).toBeCloseTo(42.5, 12);
    // Brightcove's reach counts and sums pass through as DOUBLEs, fractions kept (fixture: 15 views ×
    // 0.75, 0.5, 0.25, 0.125 reaching 25/50/75/100 %, × 42.5 percent and × 60 seconds viewed)
    expect(day).toMatchObject({
      video_engagement_25: 11.25, video_engagement_50: 7.5, video_engagement_75: 3.75, video_engagement_100: 1.875,
      video_percent_viewed: 637.5, video_seconds_viewed: 900,
    });
    expect(day['video_engagement_1']).toBeCloseTo(15, 12);
    // A device report covered 06-25 with desktop only: the rest are real zeros.
    expect(rows[2]).toMatchObject({ views_desktop: '6', views_mobile: '0', views_tablet: '0', views_other: '0' });
    // No device report covered 2024-12-31: unknown, not zero.
    expect(rows[0]).toMatchObject({ views_desktop: null, views_other: null, is_reconciled: true });
    const never = await warehouse.rows<Record<string, unknown>>(`SELECT play_rate, engagement_score FROM marts.daily_video_analytics WHERE video_id = $1`, [V.never]);
    expect(never).toEqual([{ play_rate: 0, engagement_score: null }]);
    expect(await warehouse.scalar('SELECT count(*) FROM marts.daily_video_analytics')).toBe('11');
  });

  it('daily_analytics_multi_year: Reporting accounts, cached videos, configured years, one row per day even when a year is listed twice', async () => {
    const expected = [
      [I, V.recent, '2024-12-31', 2024, 'internet'],
      [I, V.recent, '2025-01-01', 2025, 'internet'],
      [I, V.recent, '2025-06-25', 2025, 'internet'],
      [I, V.recent, '2025-06-29', 2025, 'internet'],
      [I, V.day90, DAY_90, 2025, 'internet'],
      [I, V.big, '2025-06-10', 2025, 'internet'],
      [ACCOUNTS.neo, V.neo, '2025-06-15', 2025, 'research'],
    ].sort((a, b) => String(a).localeCompare(String(b)));
    const read = async () =>
      (
        await warehouse.rows<Record<string, string | number>>(
          'SELECT account_id, video_id, view_date, view_year, category FROM marts.daily_analytics_multi_year',
        )
      )
        .map((row) => [row['account_id'], row['video_id'], row['view_date'], row['view_year'], row['category']])
        .sort((a, b) => String(a).localeCompare(String(b)));
    expect(await read()).toEqual(expected);

    await warehouse.run(`UPDATE meta.settings SET value = '2024,2025,2024,2025' WHERE key = 'reporting_years'`);
    await buildBrightcove(warehouse);
    expect(await read()).toEqual(expected);
    await warehouse.run(`UPDATE meta.settings SET value = '2024,2025' WHERE key = 'reporting_years'`);
    await buildBrightcove(warehouse);
  });

  it('comments every mart table and column', async () => {
    const missing = await warehouse.rows(
      `SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'marts' AND (comment IS NULL OR comment = '')
       UNION ALL SELECT table_name, NULL FROM duckdb_tables() WHERE schema_name = 'marts' AND (comment IS NULL OR comment = '')`,
    );
    expect(missing).toEqual([]);
  });
});
