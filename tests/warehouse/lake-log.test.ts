import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir } from '../../warehouse/data-dir.ts';
import { appendLakeCommit, cheapProblem, describeLakeFile, lakeLogPath, liveFiles, readLakeLog, everListed } from '../../warehouse/lake-log.ts';

/** The lake's commit log (warehouse/lake-log.ts): whole lines only, torn tails cut, taken-back files. */

function freshDir() {
  return dataDir(mkdtempSync(join(tmpdir(), 'reelhouse-lake-log-')));
}

const state = (value: string) => ({ kind: 'state' as const, run_id: 'r', checkpoints: [{ source: 's', account_id: 'a', key: 'k', value }] });

describe('lake commit log', () => {
  it('numbers commits 1, 2, … and a reader sees them in order', () => {
    const dir = freshDir();
    expect(readLakeLog(dir)).toEqual([]);
    expect(appendLakeCommit(dir, state('one')).seq).toBe(1);
    expect(appendLakeCommit(dir, state('two')).seq).toBe(2);
    expect(readLakeLog(dir).map((commit) => [commit.seq, commit.kind])).toEqual([
      [1, 'state'],
      [2, 'state'],
    ]);
  });

  it('ignores a torn last line (no newline) and the next append cuts it off before writing', () => {
    const dir = freshDir();
    appendLakeCommit(dir, state('one'));
    const path = lakeLogPath(dir);
    const whole = readFileSync(path, 'utf8');
    // A writer killed mid-line: half of a second commit, no newline.
    appendFileSync(path, '{"seq":2,"committed_at":"2025-06-30T00:00:00.000Z","kind":"sta');
    expect(readLakeLog(dir).map((commit) => commit.seq)).toEqual([1]);
    // The next append (its view of the file's end is stale: the file grew) cuts the torn tail first.
    const next = appendLakeCommit(dir, state('two'));
    expect(next.seq).toBe(2);
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith(whole)).toBe(true);
    expect(text.split('\n').filter(Boolean).map((line) => JSON.parse(line).seq)).toEqual([1, 2]);
  });

  it('records size and sha256 of a file, and the cheap check finds it truncated or missing', async () => {
    const dir = freshDir();
    const relativePath = 'lake/raw/cms_videos/account_id=1/x.parquet';
    const absolute = join(dir.root, relativePath);
    mkdirSync(join(dir.root, 'lake/raw/cms_videos/account_id=1'), { recursive: true });
    writeFileSync(absolute, 'abc');
    const entry = await describeLakeFile(dir, relativePath, 1);
    // sha256("abc"), the FIPS 180-2 test vector
    expect(entry).toEqual({ path: relativePath, rows: 1, bytes: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' });
    expect(cheapProblem(dir, entry)).toBeUndefined();
    writeFileSync(absolute, 'ab');
    expect(cheapProblem(dir, entry)).toBe('2 bytes, the log says 3 (truncated or rewritten)');
    writeFileSync(absolute, 'abcd');
    expect(cheapProblem(dir, entry)).toBe('4 bytes, the log says 3 (truncated or rewritten)');
    rmSync(absolute);
    expect(cheapProblem(dir, entry)).toBe('missing');
  });

  it('a retracted page leaves the live files but stays listed (never deleted)', () => {
    const dir = freshDir();
    const file = { path: 'lake/raw/cms_videos/a.parquet', rows: 1, bytes: 3, sha256: 'x' };
    const page = appendLakeCommit(dir, {
      kind: 'page',
      run_id: 'r',
      source: 'cms_videos',
      account_id: '1',
      request_url: 'u',
      fetched_at: '2025-06-30T00:00:00Z',
      window: null,
      files: [file],
      checkpoints: [],
      fetch: null,
    });
    expect([...liveFiles(readLakeLog(dir)).keys()]).toEqual([file.path]);
    appendLakeCommit(dir, { kind: 'retract', run_id: 'r', retracted: [page.seq], paths: [file.path], reason: 'missing', checkpoints: [], fetches_incomplete: [] });
    const commits = readLakeLog(dir);
    expect([...liveFiles(commits).keys()]).toEqual([]);
    expect([...everListed(commits)]).toEqual([file.path]);
  });
});
