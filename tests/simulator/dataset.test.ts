import { describe, expect, it } from 'vitest';
import { generateDataset, rebuildDaily } from '../../simulator/dataset.ts';
import { dayOf } from '../../simulator/dates.ts';
import { DEVICE_TYPES, deviceRowsOf } from '../../simulator/daily-views.ts';
import { NAMED_CUSTOM_FIELDS } from '../../simulator/video-catalog.ts';

const options = { seed: 7, today: '2025-06-15', historyStart: '2025-01-01', videosPerAccount: 25 };

describe('simulator dataset', () => {
  it('is byte-identical for one seed and differs for another', () => {
    const first = JSON.stringify(generateDataset(options).dataset);
    expect(JSON.stringify(generateDataset(options).dataset)).toBe(first);
    expect(JSON.stringify(generateDataset({ ...options, seed: 8 }).dataset)).not.toBe(first);
  });

  it('has the 11 accounts, string ids of 16-19 digits (some beyond 2^53) and the sample keys', () => {
    const { dataset } = generateDataset(options);
    expect(dataset.accounts).toHaveLength(11);
    const videos = Object.values(dataset.videos).flat();
    expect(videos).toHaveLength(11 * 25);
    expect(new Set(videos.map((v) => v.id)).size).toBe(videos.length);
    for (const video of videos) expect(video.id).toMatch(/^[1-9]\d{15,18}$/);
    expect(videos.some((v) => BigInt(v.id) > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
    for (const video of videos) {
      expect(Date.parse(video.updated_at)).toBeGreaterThanOrEqual(Date.parse(video.created_at));
      expect(video.created_at < '2025-06-15').toBe(true);
    }
    // Older videos carry the 2014 sample's smaller key set; newer ones the 2021 sample's.
    expect(videos.some((v) => !('published_at' in v) && !('images' in v))).toBe(true);
    expect(videos.some((v) => 'published_at' in v && 'created_by' in v && 'updated_by' in v && 'images' in v)).toBe(true);
    expect(videos.some((v) => v.duration === null)).toBe(true);
    expect(new Set(videos.map((v) => v.state))).toEqual(new Set(['ACTIVE', 'INACTIVE', 'PENDING', 'DELETED']));
    const keys = new Set(videos.flatMap((v) => Object.keys(v.custom_fields)));
    for (const key of NAMED_CUSTOM_FIELDS) expect(keys).toContain(key);
    expect(videos.some((v) => Object.keys(v.custom_fields).length === 0)).toBe(true);
  });

  it('plants the hostile values and the edge-case videos in every account', () => {
    const { dataset } = generateDataset(options);
    for (const account of dataset.accounts) {
      const planted = dataset.planted[account.id]!;
      const videos = new Map(dataset.videos[account.id]!.map((v) => [v.id, v]));
      const rows = dataset.daily[account.id]!;
      const viewDates = (id: string) => rows.filter((r) => r.video === id && r.video_view > 0).map((r) => r.date);
      expect(videos.get(planted.hostileCustomFields.pathTraversal)!.custom_fields.video_category).toBe('../../etc');
      expect(videos.get(planted.hostileCustomFields.sqlInjection)!.custom_fields.video_category).toBe("'; DROP TABLE x; --");
      expect(videos.get(planted.hostileCustomFields.formula)!.custom_fields.video_category).toBe('=HYPERLINK("http://x")');
      expect(videos.get(planted.hostileName)!.name).toMatch(/,.*".*\n/s);
      expect(rows.filter((r) => r.video === planted.neverViewed)).toEqual([]);
      expect(viewDates(planted.viewedOnly90DaysAgo)).toEqual(['2025-03-17']);
      expect(viewDates(planted.viewedOnly91DaysAgo)).toEqual(['2025-03-16']);
      expect(videos.get(planted.inactiveViewedYesterday)!.state).toBe('INACTIVE');
      expect(viewDates(planted.inactiveViewedYesterday)).toEqual(['2025-06-14']);
      expect(viewDates(planted.provisionalDayChanges)).toContain('2025-06-14');
      const tvRows = rows.filter((r) => r.video === planted.tvAndOtherDevices);
      expect(tvRows.length).toBeGreaterThan(0);
      for (const row of tvRows) expect(row.devices.desktop + row.devices.mobile + row.devices.tablet).toBe(0);
      expect(tvRows.some((r) => r.devices.tv > 0) && tvRows.some((r) => r.devices.other > 0)).toBe(true);
    }
  });

  it('keeps daily rows consistent: sorted, in range, device splits sum to views, impressions >= views', () => {
    const { dataset } = generateDataset(options);
    for (const account of dataset.accounts) {
      const rows = dataset.daily[account.id]!;
      const created = new Map(dataset.videos[account.id]!.map((v) => [v.id, v.created_at.slice(0, 10)]));
      let previous = '';
      for (const row of rows) {
        expect(row.date >= previous).toBe(true);
        previous = row.date;
        expect(row.date >= '2025-01-01' && row.date <= '2025-06-14').toBe(true);
        if (row.video !== null) expect(row.date >= created.get(row.video)!).toBe(true);
        expect(DEVICE_TYPES.reduce((sum, d) => sum + row.devices[d], 0)).toBe(row.video_view);
        expect(row.video_impression).toBeGreaterThanOrEqual(row.play_request);
        expect(row.play_request).toBeGreaterThanOrEqual(row.video_view);
        const deviceRows = deviceRowsOf(row);
        expect(deviceRows.reduce((sum, d) => sum + d.video_impression, 0)).toBe(row.video_impression);
        expect(deviceRows.reduce((sum, d) => sum + d.video_seconds_viewed, 0)).toBe(row.video_seconds_viewed);
      }
      // Sparse: most videos are not viewed every day, a few are.
      const perVideo = new Map<string, number>();
      for (const row of rows) if (row.video) perVideo.set(row.video, (perVideo.get(row.video) ?? 0) + 1);
      expect(Math.min(...perVideo.values())).toBeLessThan(20);
    }
  });

  it('moving today later only appends days: earlier rows stay identical', () => {
    const generated = generateDataset(options);
    const id = generated.dataset.accounts[0]!.id;
    const before = JSON.stringify(generated.dataset.daily[id]);
    rebuildDaily(generated, dayOf('2025-07-15'));
    const after = generated.dataset.daily[id]!;
    expect(generated.dataset.today).toBe('2025-07-15');
    expect(JSON.stringify(after.filter((r) => r.date < '2025-06-15')) === before).toBe(true);
    expect(after.some((r) => r.date === '2025-07-14')).toBe(true);
  });
});
