#!/usr/bin/env -S npx tsx
import { pathToFileURL } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { defaultHandlers, type CommandHandlers, type CommonArgs } from './cli/commands.ts';
import { endProcessOnSignals } from './cli/end-on-signal.ts';

/**
 * The reelhouse command line. Parsing is pure: `cliParser` only maps arguments to one handler call
 * (cli/commands.ts), so tests give it recording handlers and check what each command line means.
 */

/** Options of `extract` and `run`. */
function extractOptions<T>(y: Argv<T>) {
  return y
    .option('accounts', { type: 'string', describe: 'Comma-separated account slugs (default: all configured)' })
    .option('demo', { type: 'boolean', default: false, describe: 'Run against the built-in Brightcove simulator: no credentials, no network' })
    .option('secrets', { type: 'string', describe: 'secrets.json with client_id, client_secret, proxies (default: ./secrets.json)' });
}

export function cliParser(argv: string[], handlers: CommandHandlers = defaultHandlers): Argv<CommonArgs> {
  return yargs(argv)
    .scriptName('pipeline')
    .usage('$0 <command> [options]')
    .option('data-dir', { type: 'string', default: 'data', describe: 'Folder holding the lake, the DuckDB files and the exports' })
    .option('config', { type: 'string', default: 'reelhouse.config.json', describe: 'Configuration file' })
    .option('as-of', { type: 'string', describe: 'Run date YYYY-MM-DD every date rule is relative to (default: today, UTC)' })
    .command(
      'run',
      'The whole pipeline: extract, then build, check, export, distribute, publish',
      (y) => extractOptions(y),
      (args) => handlers.run(args),
    )
    .command(
      'extract',
      'Extract Brightcove CMS videos and daily analytics into the lake and raw.* (resumable)',
      (y) => extractOptions(y),
      (args) => handlers.extract(args),
    )
    .command(
      'ingest-events <paths..>',
      'Validate player events (NDJSON, CSV, Parquet: files, folders or globs) into the lake and raw.player_events; rejects go to the quarantine',
      (y) => y.positional('paths', { type: 'string', array: true, demandOption: true, describe: 'Files, folders or globs' }),
      (args) => handlers.ingestEvents({ ...args, paths: args.paths as string[] }),
    )
    .command(
      'build',
      'Build the SQL models in dependency order',
      (y) => y.option('select', { type: 'string', describe: 'MODEL; MODEL+ adds everything downstream, +MODEL everything it reads' }),
      (args) => handlers.build(args),
    )
    .command(
      'check',
      'Run the data checks (sql/checks/*.sql) on the built marts; fails naming each failing check',
      (y) => y,
      (args) => handlers.check(args),
    )
    .command(
      'export',
      'Write the CSV/JSON/Parquet exports from the marts into <data-dir>/exports',
      (y) => y,
      (args) => handlers.export(args),
    )
    .command(
      'distribute',
      "Copy each Harper account's <slug>_cms.csv to {distribution root}/{folder}/{YYYY_MM}/, verified, recorded in meta.deliveries",
      (y) => y,
      (args) => handlers.distribute(args),
    )
    .command(
      'publish',
      'Replace <data-dir>/reelhouse.duckdb (marts + meta) by atomic rename; refuses after failed checks or an unfinished build',
      (y) => y,
      (args) => handlers.publish(args),
    )
    .command(
      'report',
      'Write <data-dir>/report/index.html: one self-contained page with a chart and its numbers for each analysis (outside exports/)',
      (y) => y,
      (args) => handlers.report(args),
    )
    .command(
      'plan',
      'What the model edits since the last build would change (rows, keys, columns), as Markdown for a pull request; writes nothing to the warehouse',
      (y) => y.option('output', { type: 'string', describe: 'Also write the Markdown to this file' }),
      (args) => handlers.plan(args),
    )
    .command(
      'docs',
      'Write docs/data-dictionary.md from the mart COMMENTs (no data, no network); --check fails when it is stale or a COMMENT is missing',
      (y) =>
        y
          .option('check', { type: 'boolean', default: false, describe: 'Fail (exit 1) naming what is stale or uncommented, instead of writing' })
          .option('output', { type: 'string', describe: 'Dictionary file (default: docs/data-dictionary.md)' }),
      (args) => handlers.docs(args),
    )
    .command(
      'analyze [name]',
      'Run an analysis (sql/analyses/NAME.sql) on the published reelhouse.duckdb, read-only; --list names them',
      (y) =>
        y
          .positional('name', { type: 'string', describe: 'The analysis, e.g. mobile_share_by_month' })
          .option('list', { type: 'boolean', default: false, describe: 'List the analyses with their questions' })
          .option('format', { type: 'string', default: 'table', choices: ['table', 'csv', 'json', 'md'], describe: 'Output format' }),
      (args) => handlers.analyze({ ...args, name: args.name as string | undefined }),
    )
    .command(
      'query <sql>',
      'Run one SQL query on the published reelhouse.duckdb, read-only (never blocks or waits for a run)',
      (y) =>
        y
          .positional('sql', { type: 'string', demandOption: true, describe: 'The query, e.g. "SELECT * FROM marts.video_cache LIMIT 5"' })
          .option('format', { type: 'string', default: 'table', choices: ['table', 'csv', 'json', 'md'], describe: 'Output format' }),
      (args) => handlers.query({ ...args, sql: args.sql as string }),
    )
    .command(
      'status',
      'The last run, check results and freshness per source (against today, or --as-of); exit 0 fine, 1 warnings, 2 failed, unfinished or stale',
      (y) => y.option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' }),
      (args) => handlers.status(args),
    )
    .command(
      'verify',
      "Check every lake file against the lake's commit log (present, size, rows, sha256); exit 1 naming each damaged file and what it holds",
      (y) =>
        y.option('accept-loss', {
          type: 'number',
          describe: 'Give up event load LOAD whose files are damaged: recorded in the lake, so runs build marts again',
        }),
      (args) => handlers.verify(args),
    )
    .command(
      'simulator',
      'Serve the Brightcove simulator (OAuth, CMS, Analytics) on 127.0.0.1 until Ctrl-C, and print how to point the pipeline at it',
      (y) =>
        y
          .option('port', { type: 'number', default: 0, describe: 'Port on 127.0.0.1 (0: a free one)' })
          .option('seed', { type: 'number', default: 1, describe: 'Dataset seed: one seed, byte-identical answers' })
          .option('today', { type: 'string', describe: "The simulator's today YYYY-MM-DD (default: today, UTC)" })
          .option('history-start', { type: 'string', default: '2023-01-01', describe: 'First day with views' })
          .option('videos-per-account', { type: 'number', default: 250, describe: 'Videos in each of the 11 accounts' }),
      (args) => handlers.simulator(args),
    )
    .demandCommand(1, 'Name a command; `pipeline --help` lists them.')
    .strict()
    .help() as unknown as Argv<CommonArgs>;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  endProcessOnSignals();
  cliParser(hideBin(process.argv))
    .fail((message, error) => {
      console.error(error ? `Error: ${error.message}` : message);
      process.exit(1);
    })
    .parseAsync()
    .catch((error: Error) => {
      console.error(`Error: ${error.message}`);
      process.exit(1);
    });
}
