import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { applySchema } from '../../warehouse/bootstrap.ts';
import { CheckFailedError, checkSeverity, discoverChecks, runChecks } from '../../warehouse/checks.ts';
import { writeTree } from '../delivery/fixtures.ts';

/** A check's header declares its severity; a failing warning is recorded and reported, an error stops the run. */

describe('check severities', () => {
  it('reads `-- severity:` from the header only, any case, error by default', () => {
    expect(checkSeverity('-- Keys are unique.\nSELECT 1', 'a.sql')).toBe('error');
    expect(checkSeverity('-- severity: warning\n-- Why.\nSELECT 1', 'a.sql')).toBe('warning');
    expect(checkSeverity('\n-- What it checks.\n--   Severity:  WARNING \nSELECT 1', 'a.sql')).toBe('warning');
    expect(checkSeverity('-- severity: error\nSELECT 1', 'a.sql')).toBe('error');
    // below the header it is SQL (or a comment inside it), not a declaration
    expect(checkSeverity('SELECT 1\n-- severity: warning', 'a.sql')).toBe('error');
  });

  it('refuses an unknown or repeated severity, naming the file', () => {
    expect(() => checkSeverity('-- severity: warn\nSELECT 1', 'sql/checks/x.sql')).toThrow(/sql\/checks\/x\.sql: its header declares severity "warn"/);
    expect(() => checkSeverity('-- severity: warning\n-- severity: error\nSELECT 1', 'x.sql')).toThrow(/"warning", "error"/);
  });

  it('the shipped checks: the reconciliation and freshness checks are warnings, every other check an error', () => {
    const warnings = discoverChecks().filter((check) => check.severity === 'warning').map((check) => check.name);
    expect(warnings).toEqual(['data_freshness_within_max_age', 'watch_time_reconciliation_within_tolerance']);
  });

  it('a failing warning is recorded and does not throw; a failing error throws, naming only the errors', async () => {
    const dir = writeTree({
      'always_warns.sql': '-- severity: warning\n-- Always one row.\nSELECT 1 AS n',
      'passes.sql': '-- Never a row.\nSELECT 1 AS n WHERE false',
    });
    const warehouse = await openWarehouse(':memory:');
    try {
      await applySchema(warehouse);
      const logged: string[] = [];
      const results = await runChecks({ warehouse, runId: 'r-warn' }, discoverChecks(dir), (line) => logged.push(line));
      expect(results.map((result) => [result.name, result.severity, result.failingRows])).toEqual([
        ['always_warns', 'warning', 1],
        ['passes', 'error', 0],
      ]);
      expect(logged).toEqual(['  WARN  always_warns (1 row(s))', '  pass  passes']);
      expect(await warehouse.rows('SELECT check_name, severity, failing_rows FROM meta.check_results ORDER BY check_name')).toEqual([
        { check_name: 'always_warns', severity: 'warning', failing_rows: '1' },
        { check_name: 'passes', severity: 'error', failing_rows: '0' },
      ]);

      writeTree({ 'always_fails.sql': '-- One row, an error by default.\nSELECT 2 AS n' }, dir);
      const error = await runChecks({ warehouse, runId: 'r-error' }, discoverChecks(dir)).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(CheckFailedError);
      expect((error as CheckFailedError).failures.map((failure) => failure.name)).toEqual(['always_fails']);
      expect((error as Error).message).toMatch(/^1 data check\(s\) failed:\n {2}- always_fails: 1 row\(s\)/);
      // all results are recorded, the warning included
      expect(await warehouse.scalar(`SELECT count(*) FROM meta.check_results WHERE run_id = 'r-error'`)).toBe('3');
    } finally {
      warehouse.close();
    }
  });
});
