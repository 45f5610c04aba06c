import type { Warehouse } from '../../warehouse/duckdb.ts';
import { ACCOUNTS, dailyItem, insertAnalyticsFetch, insertCmsVideos, shiftDate } from './brightcove-fixture.ts';

/**
 * One small world with every edge case the Brightcove marts must get right, as-of 2025-06-30 with the
 * default 90-day cache and Reporting years 2024, 2025. Expectations live in the tests, written by hand.
 */
export const AS_OF = '2025-06-30';

export const V = {
  recent: '6318754821112', // ACTIVE, viewed yesterday; provisional days re-fetched; device split with tv/unknown
  never: '6318654321445', // ACTIVE, impressions but never a view
  day91: '6300000000091', // viewed only 91 days before as-of: outside the cache
  day90: '6300000000090', // viewed only 90 days before as-of: inside; created at 00:30 +01:00 on 2025-01-01 = 2024 UTC
  inactive: '6300000000005', // ACTIVE in an older fetch, INACTIVE in the latest; viewed recently
  unpublished: '6300000000006', // ACTIVE but never published
  big: '9007199254740993', // an id above 2^53; its 06-28 row vanished when the day was re-fetched
  neo: '5972000000001', // a Research-category video
  impact: '9680000000001', // a Harper-only account's video
} as const;

export const DAY_90 = shiftDate(AS_OF, -90); // 2025-04-01
export const DAY_91 = shiftDate(AS_OF, -91); // 2025-03-31

export async function loadScenario(warehouse: Warehouse): Promise<void> {
  const internet = ACCOUNTS.internet;
  await insertCmsVideos(
    warehouse,
    [{ id: V.inactive, account_id: internet, name: 'Was active', state: 'ACTIVE', created_at: '2025-02-02T09:00:00.000Z', published_at: '2025-02-02T09:00:00.000Z' }],
    '2025-06-01 06:00:00',
  );
  await insertCmsVideos(warehouse, [
    {
      id: V.recent,
      account_id: internet,
      name: 'Q3 2024 Results',
      description: '=HYPERLINK("http://evil")',
      state: 'ACTIVE',
      created_at: '2024-10-15T10:00:00.000Z',
      published_at: '2024-10-15T11:00:00.000Z',
      duration: 1847000,
      custom_fields: { video_content_type: 'earnings_call', business_unit: 'Corporate', country: 'US', zeta_custom: 'z' },
      tags: ['q3', 'results'],
      reference_id: 'ref-1',
    },
    { id: V.never, account_id: internet, name: 'Employee Training Module', state: 'ACTIVE', created_at: '2025-02-01T08:00:00.000Z', published_at: '2025-02-01T08:00:00.000Z', custom_fields: { language: 'en', video_content_type: 'training' } },
    { id: V.day91, account_id: internet, name: 'Day 91', state: 'ACTIVE', created_at: '2023-05-05T05:05:05.000Z', published_at: '2023-05-05T05:05:05.000Z' },
    { id: V.day90, account_id: internet, name: 'Day 90', state: 'ACTIVE', created_at: '2025-01-01T00:30:00+01:00', published_at: '2025-01-02T00:00:00.000Z' },
    { id: V.inactive, account_id: internet, name: 'Now inactive', state: 'INACTIVE', created_at: '2025-02-02T09:00:00.000Z', published_at: '2025-02-02T09:00:00.000Z' },
    { id: V.unpublished, account_id: internet, name: 'Draft', state: 'ACTIVE', created_at: '2025-03-03T03:03:03.000Z', published_at: null, duration: null },
    { id: V.big, account_id: internet, name: 'Big id', state: 'ACTIVE', created_at: '2025-04-04T04:04:04.000Z', published_at: '2025-04-04T04:04:04.000Z' },
    { id: V.neo, account_id: ACCOUNTS.neo, name: 'Market Outlook 2025', state: 'ACTIVE', created_at: '2024-11-01T00:00:00.000Z', published_at: '2024-11-01T00:00:00.000Z', custom_fields: { video_content_type: 'research' } },
    { id: V.impact, account_id: ACCOUNTS.impact, name: 'Impact story', state: 'ACTIVE', created_at: '2024-06-01T00:00:00.000Z', published_at: '2024-06-01T00:00:00.000Z' },
  ]);

  const daily = 'analytics_video_daily' as const;
  // A reconciled year-end window, with one item repeated across pages.
  await insertAnalyticsFetch(warehouse, {
    source: daily, accountId: internet, fetchId: 'f0001', from: '2024-12-01', to: '2025-01-31', reconciled: true,
    items: [dailyItem(V.recent, '2024-12-31', 3), dailyItem(V.recent, '2025-01-01', 2), dailyItem(V.recent, '2025-01-01', 2)],
  });
  // An overlapping later window covering 2025-01-01 again with the same numbers.
  await insertAnalyticsFetch(warehouse, {
    source: daily, accountId: internet, fetchId: 'f0002', from: '2025-01-01', to: '2025-01-05', reconciled: true,
    items: [dailyItem(V.recent, '2025-01-01', 2)],
  });
  await insertAnalyticsFetch(warehouse, {
    source: daily, accountId: internet, fetchId: 'f0003', from: '2025-02-01', to: '2025-06-22', reconciled: true,
    items: [
      dailyItem(V.day91, DAY_91, 4),
      dailyItem(V.day90, DAY_90, 2),
      dailyItem(V.never, '2025-05-05', 0, { video_impression: 7 }),
      dailyItem(V.inactive, '2025-06-20', 5),
      dailyItem(V.big, '2025-06-10', 1),
      dailyItem(null, '2025-06-10', 9),
    ],
  });
  // Provisional trailing window, then a later re-fetch of its last days with new numbers.
  await insertAnalyticsFetch(warehouse, {
    source: daily, accountId: internet, fetchId: 'f0004', from: '2025-06-23', to: '2025-06-30',
    items: [dailyItem(V.recent, '2025-06-25', 6), dailyItem(V.recent, '2025-06-29', 10), dailyItem(V.big, '2025-06-28', 3)],
  });
  await insertAnalyticsFetch(warehouse, {
    source: daily, accountId: internet, fetchId: 'f0005', from: '2025-06-27', to: '2025-06-30',
    items: [dailyItem(V.recent, '2025-06-29', 15)],
  });
  // Interrupted (never completed): ignored.
  await insertAnalyticsFetch(warehouse, {
    source: daily, accountId: internet, fetchId: 'f0006', from: '2025-06-28', to: '2025-06-30', completed: false,
    items: [dailyItem(V.recent, '2025-06-29', 999)],
  });
  await insertAnalyticsFetch(warehouse, {
    source: daily, accountId: ACCOUNTS.neo, fetchId: 'f0007', from: '2025-06-01', to: '2025-06-30',
    items: [dailyItem(V.neo, '2025-06-15', 7)],
  });
  await insertAnalyticsFetch(warehouse, {
    source: daily, accountId: ACCOUNTS.impact, fetchId: 'f0008', from: '2025-06-01', to: '2025-06-30',
    items: [dailyItem(V.impact, '2025-06-16', 8)],
  });

  const device = 'analytics_video_device_daily' as const;
  const deviceItem = (video: string, date: string, deviceType: string | null, views: number) => ({ video, date, device_type: deviceType, video_view: views });
  await insertAnalyticsFetch(warehouse, {
    source: device, accountId: internet, fetchId: 'f0009', from: '2025-06-23', to: '2025-06-30',
    items: [
      deviceItem(V.recent, '2025-06-25', 'desktop', 6),
      deviceItem(V.recent, '2025-06-29', 'desktop', 1), // replaced by f0010
    ],
  });
  await insertAnalyticsFetch(warehouse, {
    source: device, accountId: internet, fetchId: 'f0010', from: '2025-06-27', to: '2025-06-30',
    items: [
      deviceItem(V.recent, '2025-06-29', 'desktop', 6),
      deviceItem(V.recent, '2025-06-29', 'mobile', 4),
      deviceItem(V.recent, '2025-06-29', 'tablet', 2),
      deviceItem(V.recent, '2025-06-29', 'tv', 2),
      deviceItem(V.recent, '2025-06-29', null, 1),
    ],
  });
}
