import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Lander } from '../../extract/land.ts';
import { applySchema } from '../../warehouse/bootstrap.ts';
import { dataDir } from '../../warehouse/data-dir.ts';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { syncWarehouseWithLake } from '../../warehouse/lake-index.ts';
import { readLakeLog } from '../../warehouse/lake-log.ts';

async function setUp() {
  const dir = dataDir(mkdtempSync(join(tmpdir(), 'reelhouse-land-')));
  const warehouse = await openWarehouse(dir.workingDb);
  await applySchema(warehouse);
  return { dir, warehouse, lander: new Lander(warehouse, dir, 'run-a') };
}

describe('landing', () => {
  it('writes a Hive-partitioned Parquet file, its raw rows, landed_files row and checkpoint together', async () => {
    const { dir, warehouse, lander } = await setUp();
    const landed = await lander.land({
      source: 'cms_videos',
      accountId: '123',
      requestUrl: 'http://127.0.0.1/v1/accounts/123/videos?limit=100&offset=0',
      fetchedAt: '2025-06-30T10:11:12.345Z',
      items: [
        { key: '1698990613556232930', itemJson: '{"id":"1698990613556232930","name":"a"}' },
        { key: '2', itemJson: '{"id":"2","name":"b","custom_fields":{}}' },
      ],
      checkpoints: [{ source: 'cms_videos', accountId: '123', stateKey: 'cursor', stateValue: '{"offset":2}' }],
    });
    expect(landed?.filePath).toMatch(/^lake\/raw\/cms_videos\/account_id=123\/fetch_date=2025-06-30\/run-a-000001\.parquet$/);
    const rows = await warehouse.rows<{ video_id: string; name: string; fetched_at: string; landed_file: string }>(
      `SELECT video_id, item_json->>'name' AS name, fetched_at, landed_file FROM raw.cms_videos ORDER BY name`,
    );
    expect(rows.map((row) => row.video_id)).toEqual(['1698990613556232930', '2']);
    expect(rows[0]!.fetched_at).toBe('2025-06-30 10:11:12.345');
    expect(rows[0]!.landed_file).toBe(landed!.filePath);
    const fromFile = await warehouse.scalar(`SELECT count(*) FROM read_parquet('${join(dir.root, landed!.filePath)}')`);
    expect(Number(fromFile)).toBe(2);
    expect(await lander.readState('cms_videos', '123', 'cursor')).toBe('{"offset":2}');
    expect(Number(await warehouse.scalar('SELECT row_count FROM meta.landed_files'))).toBe(2);
    warehouse.close();
  });

  it('removes at start-up the Parquet files never committed and stray temporaries, and nothing else', async () => {
    const { dir, warehouse, lander } = await setUp();
    const committed = await lander.land({
      source: 'analytics_video_daily',
      accountId: '9',
      requestUrl: 'u',
      fetchedAt: '2025-06-30T00:00:00.000Z',
      items: [{ key: 'fetch-1', itemJson: '{"video":"1","date":"2025-06-01","video_view":3}' }],
    });
    const folder = join(dir.rawLake('analytics_video_daily'), 'account_id=9', 'fetch_date=2025-06-30');
    writeFileSync(join(folder, 'run-b-000001.parquet'), 'never committed');
    writeFileSync(join(folder, '.run-b-000002.parquet.123.abcd.tmp'), 'half written');
    mkdirSync(dir.rawLake('player_events'), { recursive: true });
    writeFileSync(join(dir.rawLake('player_events'), 'other-helper.parquet'), 'not ours');
    expect((await lander.recoverLake()).removed).toBe(2);
    expect(readdirSync(folder)).toEqual([committed!.filePath.split('/').at(-1)]);
    expect(existsSync(join(dir.rawLake('player_events'), 'other-helper.parquet'))).toBe(true);
    warehouse.close();
  });

  it('keeps a page the lake committed when the warehouse transaction fails, and applies it at the next start', async () => {
    const { dir, warehouse, lander } = await setUp();
    await expect(
      lander.land({
        source: 'cms_videos',
        accountId: '1',
        requestUrl: 'u',
        fetchedAt: '2025-06-30T00:00:00.000Z',
        items: [{ key: '1', itemJson: '{"id":"1"}' }],
        statements: [{ sql: 'INSERT INTO meta.no_such_table VALUES (1)' }],
      }),
    ).rejects.toThrow();
    expect(Number(await warehouse.scalar('SELECT count(*) FROM raw.cms_videos'))).toBe(0);
    // The lake's log is the commit point: the file stays, listed, and work.duckdb catches up from the log.
    const [commit] = readLakeLog(dir);
    expect(commit?.kind).toBe('page');
    const files = readdirSync(dir.rawLake('cms_videos'), { recursive: true, encoding: 'utf8' }).filter((name) => name.includes('.parquet'));
    expect(files).toHaveLength(1);
    expect((await lander.recoverLake()).removed).toBe(0);
    expect((await syncWarehouseWithLake(warehouse, dir)).applied).toBe(1);
    expect(Number(await warehouse.scalar('SELECT count(*) FROM raw.cms_videos'))).toBe(1);
    expect(Number(await warehouse.scalar('SELECT count(*) FROM meta.landed_files'))).toBe(1);
    warehouse.close();
  });
});
