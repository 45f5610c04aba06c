import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Models, tests and pages cite the rules by section (`docs/engagement-rules.md#viewing-sessions`).
 * A citation of a section that does not exist (renamed, or never written) sends the reader nowhere, so
 * every `<page>.md#<anchor>` in the repository, and every `(#anchor)` link inside a page, must name a
 * heading of that page.
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of markdown.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const anchor = anchorOf(match[1]!);
    const count = seen.get(anchor) ?? 0;
    anchors.add(count === 0 ? anchor : `${anchor}-${count}`);
    seen.set(anchor, count + 1);
  }
  return anchors;
}

function trackedFiles(): string[] {
  const git = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(git.status, 'git ls-files').toBe(0);
  return git.stdout.split('\0').filter((file) => file.length > 0 && existsSync(join(REPO_ROOT, file)));
}

const TEXT = /\.(md|ts|sql|json|mjs|yml|yaml)$/;

describe('section citations', () => {
  it('knows how GitHub names a heading', () => {
    expect(anchorOf("Where the scenarios' stated outputs differ")).toBe('where-the-scenarios-stated-outputs-differ');
    expect(anchorOf('Row columns')).toBe('row-columns');
    expect([...anchorsOf('## Input\n### Timestamps\n## Input\n')]).toEqual(['input', 'timestamps', 'input-1']);
  });

  it('every <page>.md#<anchor> names a heading of that page', () => {
    const files = trackedFiles();
    const anchorsByFile = new Map(files.filter((f) => f.endsWith('.md')).map((f) => [f, anchorsOf(readFileSync(join(REPO_ROOT, f), 'utf8'))] as const));
    // a citation names a page by its file name; two pages of one name (README.md) pool their anchors
    const pages = new Map<string, Set<string>>();
    for (const [file, anchors] of anchorsByFile) pages.set(basename(file), new Set([...(pages.get(basename(file)) ?? []), ...anchors]));

    const broken: string[] = [];
    for (const file of files.filter((f) => TEXT.test(f))) {
      readFileSync(join(REPO_ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, index) => {
          for (const match of line.matchAll(/([\w.-]+\.md)#([\w-]+)/g)) {
            const anchors = pages.get(match[1]!);
            if (anchors && !anchors.has(match[2]!)) broken.push(`${file}:${index + 1}: ${match[0]}`);
          }
          if (file.endsWith('.md')) {
            for (const match of line.matchAll(/\]\(#([\w-]+)\)/g)) {
              if (!anchorsByFile.get(file)!.has(match[1]!)) broken.push(`${file}:${index + 1}: #${match[1]}`);
            }
          }
        });
    }
    expect(broken).toEqual([]);
    // the page the models and tests cite is among those checked
    expect(pages.get('engagement-rules.md')?.has('viewing-sessions')).toBe(true);
  });
});
