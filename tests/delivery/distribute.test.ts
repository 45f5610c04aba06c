import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, type ReelhouseConfig } from '../../config/load-config.ts';
import { deliveryMonth, distribute } from '../../warehouse/distribute.ts';
import type { PipelineSession } from '../../warehouse/session.ts';
import { openTestSession, shippedConfig, temporaryFolder } from './fixtures.ts';

/** Three Harper accounts (one folder name with & in it, as the seed's) and one Reporting-only account. */
function testConfig(root: string): Readonly<ReelhouseConfig> {
  const shipped = shippedConfig();
  const pick = (slug: string) => shipped.accounts.find((account) => account.slug === slug)!;
  return parseConfig({
    ...shipped,
    accounts: [
      pick('internet'),
      pick('digital_networks_events'),
      pick('sumitrust'),
      { ...pick('neo'), workflows: ['reporting'] },
    ],
    distribution: { root, month_offset: 1 },
  });
}

function writeExports(session: PipelineSession, version: string, slugs = ['internet', 'digital_networks_events', 'sumitrust']) {
  const folder = join(session.dir.exports, 'harper');
  mkdirSync(folder, { recursive: true });
  for (const slug of slugs) writeFileSync(join(folder, `${slug}_cms.csv`), `account_id,id,name\r\n1,2,"${slug} ${version}"\r\n`);
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('distribution', () => {
  it('YYYY_MM is month_offset months after the as-of date', () => {
    expect(deliveryMonth('2025-06-30', 1)).toBe('2025_07');
    expect(deliveryMonth('2025-12-31', 1)).toBe('2026_01');
    expect(deliveryMonth('2025-01-31', 0)).toBe('2025_01');
    expect(deliveryMonth('2025-03-15', 12)).toBe('2026_03');
  });

  it('copies every Harper account, creating folders, verified and recorded; a re-run replaces the month atomically', async () => {
    const dataDir = temporaryFolder('distribute');
    const session = await openTestSession(dataDir, testConfig('distribution'));
    try {
      writeExports(session, 'v1');
      const deliveries = await distribute(session);
      const root = join(dataDir, 'distribution');
      expect(deliveries.map((d) => d.targetPath)).toEqual([
        join(root, 'IntERnet--Shared', '2025_07', 'internet_cms.csv'),
        join(root, 'DN&Events--Shared', '2025_07', 'digital_networks_events_cms.csv'),
        join(root, 'SuMi-Trust', '2025_07', 'sumitrust_cms.csv'),
      ]);
      expect(readdirSync(root).sort()).toEqual(['DN&Events--Shared', 'IntERnet--Shared', 'SuMi-Trust']);
      for (const delivery of deliveries) {
        expect(readFileSync(delivery.targetPath)).toEqual(readFileSync(delivery.sourceFile));
        expect(delivery.sha256).toBe(sha256(delivery.targetPath));
      }
      const recorded = await session.warehouse.rows<{ account_id: string; target_path: string; bytes: string; sha256: string }>(
        'SELECT account_id, target_path, bytes, sha256 FROM meta.deliveries WHERE run_id = $1 ORDER BY target_path',
        [session.runId],
      );
      expect(recorded).toHaveLength(3);
      expect(recorded.find((row) => row.account_id === '1197194721001')).toEqual({
        account_id: '1197194721001',
        target_path: deliveries[0]!.targetPath,
        bytes: String(deliveries[0]!.bytes),
        sha256: deliveries[0]!.sha256,
      });

      writeExports(session, 'version two');
      const again = await distribute(session);
      expect(readFileSync(again[2]!.targetPath, 'utf8')).toContain('sumitrust version two');
      expect(readdirSync(join(root, 'SuMi-Trust', '2025_07'))).toEqual(['sumitrust_cms.csv']);
      expect(await session.warehouse.scalar('SELECT count(*) FROM meta.deliveries')).toBe('6');
    } finally {
      session.close();
    }
  });

  it('takes an absolute root from the config', async () => {
    const root = join(temporaryFolder('distribution-root'), 'share', 'video');
    const session = await openTestSession(temporaryFolder('distribute-absolute'), testConfig(root));
    try {
      writeExports(session, 'v1');
      await distribute(session);
      expect(existsSync(join(root, 'IntERnet--Shared', '2025_07', 'internet_cms.csv'))).toBe(true);
    } finally {
      session.close();
    }
  });

  it('a missing export is an error naming the account and file, and nothing is delivered', async () => {
    const dataDir = temporaryFolder('distribute-missing');
    const session = await openTestSession(dataDir, testConfig('distribution'));
    try {
      writeExports(session, 'v1', ['internet', 'sumitrust']);
      const error = await distribute(session).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/account digital_networks_events \(4631489639001\): .*harper\/digital_networks_events_cms\.csv/);
      expect(existsSync(join(dataDir, 'distribution'))).toBe(false);
      expect(await session.warehouse.scalar('SELECT count(*) FROM meta.deliveries')).toBe('0');
    } finally {
      session.close();
    }
  });

  it('refuses a folder name that is a path, and a folder that leads outside the root through a link', async () => {
    const dataDir = temporaryFolder('distribute-escape');
    const config = testConfig('distribution');
    const session = await openTestSession(dataDir, config);
    try {
      writeExports(session, 'v1');
      // The config loader already rejects these; distribute checks again in case a config reaches it unvalidated.
      for (const folder of ['..', '../outside', 'a/b', '/etc']) {
        const unvalidated = { ...config, accounts: config.accounts.map((a, i) => (i === 1 ? { ...a, distribution_folder: folder } : a)) };
        await expect(distribute({ ...session, config: unvalidated })).rejects.toThrow(/digital_networks_events: distribution_folder .* must be one folder name/);
      }
      expect(existsSync(join(dataDir, 'distribution'))).toBe(false);

      const outside = temporaryFolder('outside');
      mkdirSync(join(dataDir, 'distribution'), { recursive: true });
      symlinkSync(outside, join(dataDir, 'distribution', 'SuMi-Trust'));
      await expect(distribute(session)).rejects.toThrow(/sumitrust: .* resolves to .*outside the distribution root/);
      expect(readdirSync(outside)).toEqual([]);
      expect(readdirSync(join(dataDir, 'distribution'))).toEqual(['SuMi-Trust']); // no other account half-delivered
    } finally {
      session.close();
    }
  });
});
