import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The repository stands alone: a clone on a machine with nothing beside it must build, test and
 * read the same. So no file we track may name a place outside it: the folder that holds the clone
 * (by absolute path), the shared folder this project was first written next to, or any path under
 * the machine's work folder. The forbidden strings are assembled from parts, so this file does not
 * trip its own check.
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const SLASH = '/';
const SHARED = 'shared';
const WORK_FOLDER = `${SLASH}work${SLASH}`;
const SHARED_PATHS = ['spec', 'reference', 'seeds'].map((part) => [SHARED, part].join(SLASH));
const SIBLING_SHARED = ['..', SHARED].join(SLASH);

/**
 * Parent folders every machine has, where a clone often lives (`/tmp/reelhouse`, `/home/ci/…` has a
 * more specific parent): naming them (`/tmp/x` in a CLI example) says nothing about this machine.
 */
const COMMON_FOLDERS = new Set([tmpdir(), '/tmp', '/var/tmp', '/private/tmp', '/home', '/Users', '/root', '/srv', '/opt', '/mnt', '/media']);

/** Folders a tree walk skips when there is no git: installed packages, the data a run writes, git itself. */
const UNTRACKED_FOLDERS = new Set(['.git', 'node_modules', 'data', 'bench-data', '.vitest-tmp']);

interface Pointer {
  readonly name: string;
  readonly pattern: RegExp;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What counts as pointing outside a repository rooted at `root`. */
function outsidePointers(root: string): Pointer[] {
  const pointers: Pointer[] = [
    // preceded by nothing that continues a path, so a relative `data/…duckdb` or a deeper `/srv/…/` path does not count
    { name: `an absolute path under ${WORK_FOLDER}`, pattern: new RegExp(`(?<![\\w.~-])${escape(WORK_FOLDER)}`) },
    { name: `${SIBLING_SHARED} (a folder beside the repository)`, pattern: new RegExp(escape(SIBLING_SHARED) + '(?![\\w-])') },
    ...SHARED_PATHS.map((path) => ({ name: path, pattern: new RegExp(`(?<![\\w-])${escape(path)}(?![\\w-])`) })),
  ];
  const parent = dirname(root);
  // A clone at the file system's root has no parent folder worth naming: every path would match "/".
  if (parent !== dirname(parent) && !COMMON_FOLDERS.has(parent)) {
    pointers.push({ name: `the repository's parent folder ${parent}`, pattern: new RegExp(`(?<![\\w.~-])${escape(parent)}(?![\\w.-])`) });
  }
  return pointers;
}

/** Files git tracks, plus new ones not ignored (so a file is caught before its first commit); a tree walk without git. */
function repositoryFiles(root: string): string[] {
  const git = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
  if (git.status === 0 && git.stdout.length > 0) {
    return [...new Set(git.stdout.split('\0').filter((file) => file.length > 0))].sort();
  }
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!UNTRACKED_FOLDERS.has(entry.name)) walk(join(folder, entry.name));
      } else if (entry.isFile()) {
        files.push(relative(root, join(folder, entry.name)).split(sep).join('/'));
      }
    }
  };
  walk(root);
  return files.sort();
}

/** `file:line: what it names` for every line of a text file under `root` that points outside it. */
function findOutsidePointers(root: string, files: readonly string[]): string[] {
  const pointers = outsidePointers(root);
  const found: string[] = [];
  for (const file of files) {
    const path = join(root, file);
    let bytes: Buffer;
    try {
      if (!statSync(path).isFile()) continue;
      bytes = readFileSync(path);
    } catch {
      continue; // tracked but deleted in the working tree: nothing to read
    }
    if (bytes.subarray(0, 8192).includes(0)) continue; // binary (Parquet, DuckDB): not text a reader follows
    bytes
      .toString('utf8')
      .split('\n')
      .forEach((line, index) => {
        for (const pointer of pointers) {
          if (pointer.pattern.test(line)) found.push(`${file}:${index + 1}: ${pointer.name}`);
        }
      });
  }
  return found;
}

describe('the repository stands alone', () => {
  const scratch: string[] = [];
  afterAll(() => scratch.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

  it('finds each kind of outside pointer, by file and line, and not look-alikes', () => {
    const root = join(mkdtempSync(join(tmpdir(), 'reelhouse-standalone-')), 'clone');
    scratch.push(dirname(root));
    mkdirSync(join(root, 'docs'), { recursive: true });
    const parent = dirname(root);
    const lines = [
      'clean line',
      `see ${SIBLING_SHARED}/notes.md`,
      `rules in ${SHARED_PATHS[0]}/player-events.md`,
      `copied from ${SHARED_PATHS[1]}/samples`,
      `the ${SHARED_PATHS[2]} folder: ${SHARED_PATHS[2]}/000.txt`,
      `read '${WORK_FOLDER}elsewhere/file.json'`,
      `open ${parent}/sibling/file.txt`,
      // look-alikes that stay inside: a data file name, a longer folder name, a relative path
      'data/work.duckdb, shared/specification, unshared/spec, ./shared, tests/fixtures/scenarios',
    ];
    writeFileSync(join(root, 'docs', 'page.md'), lines.join('\n'));
    writeFileSync(join(root, 'blob.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(SIBLING_SHARED)]));

    const files = repositoryFiles(root); // no git here: the tree walk
    expect(files).toEqual(['blob.bin', 'docs/page.md']);
    expect(findOutsidePointers(root, files)).toEqual([
      `docs/page.md:2: ${SIBLING_SHARED} (a folder beside the repository)`,
      `docs/page.md:3: ${SHARED_PATHS[0]}`,
      `docs/page.md:4: ${SHARED_PATHS[1]}`,
      `docs/page.md:5: ${SHARED_PATHS[2]}`,
      `docs/page.md:6: an absolute path under ${WORK_FOLDER}`,
      `docs/page.md:7: the repository's parent folder ${parent}`,
    ]);
  });

  it('does not flag a common folder that merely holds the clone (a clone in the temp folder, naming other temp paths)', () => {
    const root = mkdtempSync(join(tmpdir(), 'reelhouse-standalone-clone-'));
    scratch.push(root);
    writeFileSync(join(root, 'README.md'), `pipeline run --data-dir ${join(tmpdir(), 'x')}\n`);
    expect(findOutsidePointers(root, repositoryFiles(root))).toEqual([]);
  });

  it('no file of the repository names a place outside it', () => {
    const files = repositoryFiles(REPO_ROOT);
    expect(files).toContain('tests/repo/standalone.test.ts');
    expect(findOutsidePointers(REPO_ROOT, files), 'copy what a test needs into tests/fixtures/, write rules in docs/').toEqual([]);
  });
});
