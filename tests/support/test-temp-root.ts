import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: one folder per test run for every temporary file the tests make (data dirs,
 * fixtures, the pipeline processes they start). TMPDIR points into it before the workers start, so each
 * `mkdtempSync(join(tmpdir(), …))` of a test file, and every child process, lands there; the folder is
 * removed when the run ends. Without it every run left its folders in the machine's temporary folder
 * (docs/testing.md: 39 GB had piled up). REELHOUSE_KEEP_TEST_FILES=1 keeps it to look at after a
 * failure (its path is printed at the end).
 */
export default function useOneTemporaryFolderPerRun(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'reelhouse-tests-'));
  process.env['TMPDIR'] = root;
  return () => {
    if (process.env['REELHOUSE_KEEP_TEST_FILES']) {
      console.log(`The tests' temporary files are kept in ${root}`);
      return;
    }
    rmSync(root, { recursive: true, force: true });
  };
}
