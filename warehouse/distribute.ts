import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readSync, realpathSync, rmSync, statSync, copyFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { accountsFor } from '../config/load-config.ts';
import { commitTemporaryFile, sweepAbandonedTemporaries, temporaryPathFor } from './atomic-file.ts';
import type { PipelineSession } from './session.ts';
import { crashPoint } from './crash-point.ts';

/**
 * `pipeline distribute`: the Harper workflow's last step. Each Harper account's `<slug>_cms.csv` is
 * copied to `{root}/{distribution_folder}/{YYYY_MM}/`, where YYYY_MM is `distribution.month_offset`
 * months after the as-of date (the original copied into "next month"'s folder).
 *
 * The folder name comes from the configuration only, is checked to be one path segment, and the
 * resolved target (symbolic links included) must stay inside the root. Each copy goes to a temporary
 * name in the target folder, is checked (size, sha256) against the source, fsynced and renamed, then
 * checked again in place and recorded in meta.deliveries. Re-running a month replaces the files atomically.
 */

export interface Delivery {
  readonly accountId: string;
  readonly slug: string;
  readonly sourceFile: string;
  readonly targetPath: string;
  readonly bytes: number;
  readonly sha256: string;
}

export class DistributionError extends Error {
  override name = 'DistributionError';
}

/** `YYYY_MM` of the month `offset` months after `asOfDate` (YYYY-MM-DD). */
export function deliveryMonth(asOfDate: string, offset: number): string {
  const [year, month] = asOfDate.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(year, month - 1 + offset, 1));
  return `${first.getUTCFullYear()}_${String(first.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** NAME_MAX of Linux, macOS and Windows filesystems: longer, mkdir fails with a bare ENAMETOOLONG. */
const MAX_FOLDER_NAME_BYTES = 255;

/** A distribution folder must be one plain path segment (the config validates it too; this is the last line). */
export function assertFolderName(name: string, account: string): string {
  if (name === '' || name === '.' || name === '..' || /[\\/\0]/.test(name) || isAbsolute(name)) {
    throw new DistributionError(
      `Account ${account}: distribution_folder ${JSON.stringify(name)} must be one folder name, without / or \\ (for example "IntERnet--Shared")`,
    );
  }
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_FOLDER_NAME_BYTES) {
    throw new DistributionError(
      `Account ${account}: distribution_folder is ${bytes} bytes long (${JSON.stringify(`${name.slice(0, 40)}…`)}); a folder name ` +
        `can have at most ${MAX_FOLDER_NAME_BYTES} bytes on common filesystems. Shorten distribution_folder of account ${account} in the config`,
    );
  }
  return name;
}

function isInside(root: string, path: string): boolean {
  const fromRoot = relative(root, path);
  return fromRoot !== '' && !fromRoot.startsWith(`..${sep}`) && fromRoot !== '..' && !isAbsolute(fromRoot);
}

/** The real path of `path`, or of its deepest existing ancestor: what a folder about to be created would be under. */
function realExistingPath(path: string): string {
  let existing = path;
  while (!existsSync(existing)) existing = dirname(existing);
  return realpathSync(existing);
}

function assertRealPathInside(realRoot: string, path: string, account: string): void {
  const real = realExistingPath(path);
  if (real !== realRoot && !isInside(realRoot, real)) {
    throw new DistributionError(`Account ${account}: ${path} resolves to ${real}, outside the distribution root ${realRoot}`);
  }
}

function fileSha256(path: string): { bytes: number; sha256: string } {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  let bytes = 0;
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) {
      hash.update(buffer.subarray(0, read));
      bytes += read;
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, sha256: hash.digest('hex') };
}

function verify(path: string, expected: { bytes: number; sha256: string }, what: string): void {
  const actual = fileSha256(path);
  if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256) {
    throw new DistributionError(
      `${what} ${path} does not match its source: ${actual.bytes} bytes sha256 ${actual.sha256}, expected ${expected.bytes} bytes sha256 ${expected.sha256}`,
    );
  }
}

export async function distribute(session: PipelineSession, log: (line: string) => void = () => undefined): Promise<Delivery[]> {
  const { config, dir, warehouse } = session;
  const root = resolve(dir.distributionRoot(config.distribution.root));
  const month = deliveryMonth(session.asOfDate, config.distribution.month_offset);
  const accounts = accountsFor(config, 'harper');

  // Every check before the first copy: a bad folder or a missing export stops the run with nothing half-delivered.
  const plans = accounts.map((account) => {
    const folder = assertFolderName(account.distribution_folder, account.slug);
    const sourceFile = join(dir.exports, 'harper', `${account.slug}_cms.csv`);
    const targetDir = resolve(root, folder, month);
    if (!isInside(root, targetDir)) {
      throw new DistributionError(`Account ${account.slug}: target ${targetDir} is outside the distribution root ${root}`);
    }
    return { account, sourceFile, targetDir, targetPath: join(targetDir, `${account.slug}_cms.csv`) };
  });
  const missing = plans.filter((plan) => !existsSync(plan.sourceFile) || !statSync(plan.sourceFile).isFile());
  if (missing.length > 0) {
    throw new DistributionError(
      `Missing Harper export(s), nothing distributed (run pipeline export first):\n` +
        missing.map((plan) => `  - account ${plan.account.slug} (${plan.account.account_id}): ${plan.sourceFile}`).join('\n'),
    );
  }

  // A folder that is (or passes through) a symbolic link could lead outside the root: judge real paths,
  // before creating anything and again once each folder exists.
  for (const plan of plans) assertRealPathInside(realExistingPath(root), plan.targetDir, plan.account.slug);
  mkdirSync(root, { recursive: true });
  const realRoot = realpathSync(root);
  // {root}/{folder}/{YYYY_MM}/: also the folders no delivery writes again (a past month, a removed account).
  for (const path of sweepAbandonedTemporaries(realRoot, 2)) log(`  removed ${path}, left by a process that ended before renaming it`);
  const deliveries: Delivery[] = [];
  for (const plan of plans) {
    try {
      mkdirSync(plan.targetDir, { recursive: true });
    } catch (error) {
      throw new DistributionError(
        `Account ${plan.account.slug}: cannot create ${plan.targetDir} (${(error as Error).message}); ` +
          'check the distribution root and this account\'s distribution_folder in the config, and that the folder can be written',
      );
    }
    assertRealPathInside(realRoot, plan.targetDir, plan.account.slug);
    const source = fileSha256(plan.sourceFile);
    const temporary = temporaryPathFor(plan.targetPath);
    try {
      copyFileSync(plan.sourceFile, temporary);
      verify(temporary, source, 'The copy');
      crashPoint('distribute:temp-written');
      commitTemporaryFile(temporary, plan.targetPath);
      crashPoint('distribute:renamed');
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
    verify(plan.targetPath, source, 'The delivered file');
    await session.meta.recordDelivery({
      runId: session.runId,
      accountId: plan.account.account_id,
      sourceFile: plan.sourceFile,
      targetPath: plan.targetPath,
      bytes: source.bytes,
      sha256: source.sha256,
    });
    const delivery = {
      accountId: plan.account.account_id,
      slug: plan.account.slug,
      sourceFile: plan.sourceFile,
      targetPath: plan.targetPath,
      ...source,
    };
    deliveries.push(delivery);
    log(`  ${plan.account.slug.padEnd(26)} → ${relative(root, plan.targetPath)} (${source.bytes} bytes, sha256 ${source.sha256.slice(0, 12)}…)`);
  }
  return deliveries;
}
