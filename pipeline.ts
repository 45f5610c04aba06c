#!/usr/bin/env -S npx tsx
import { pathToFileURL } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { openSession, type PipelineSession } from './warehouse/session.ts';

/**
 * The reelhouse command line. Parsing is pure (`cliParser`, tested on its own); each command's handler
 * opens a session and calls one function of the stage it belongs to.
 */

export interface CommonArgs {
  'data-dir': string;
  config: string;
  'as-of'?: string;
}

async function withSession<T>(args: CommonArgs, command: string, fn: (session: PipelineSession) => Promise<T>): Promise<T> {
  const session = await openSession({ dataDir: args['data-dir'], configPath: args.config, asOf: args['as-of'], command });
  try {
    const result = await fn(session);
    await session.finish('succeeded');
    return result;
  } catch (error) {
    await session.finish('failed', (error as Error).message).catch(() => undefined);
    throw error;
  } finally {
    session.close();
  }
}

/** Options of `extract` and `run`. */
export function extractOptions<T>(y: Argv<T>) {
  return y
    .option('accounts', { type: 'string', describe: 'Comma-separated account slugs (default: all configured)' })
    .option('demo', { type: 'boolean', default: false, describe: 'Run against the built-in Brightcove simulator: no credentials, no network' })
    .option('secrets', { type: 'string', describe: 'secrets.json with client_id, client_secret, proxies (default: ./secrets.json)' });
}

export function cliParser(argv: string[]): Argv<CommonArgs> {
  return yargs(argv)
    .scriptName('pipeline')
    .usage('$0 <command> [options]')
    .option('data-dir', { type: 'string', default: 'data', describe: 'Folder holding the lake, the DuckDB files and the exports' })
    .option('config', { type: 'string', default: 'reelhouse.config.json', describe: 'Configuration file' })
    .option('as-of', { type: 'string', describe: 'Run date YYYY-MM-DD every date rule is relative to (default: today, UTC)' })
    .command(
      'build',
      'Build the SQL models in dependency order',
      (y) => y.option('select', { type: 'string', describe: 'MODEL, or MODEL+ for it and everything downstream' }),
      async (args) => {
        const { buildCommand } = await import('./warehouse/build-command.ts');
        await withSession(args, 'build', (session) => buildCommand(session, args.select));
      },
    )
    .command(
      'ingest-events <paths..>',
      'Validate player events (NDJSON, CSV, Parquet: files, folders or globs) into the lake and raw.player_events; rejects go to the quarantine',
      (y) => y.positional('paths', { type: 'string', array: true, demandOption: true, describe: 'Files, folders or globs' }),
      async (args) => {
        const { ingestEvents } = await import('./extract/events/ingest-events.ts');
        await withSession(args, 'ingest-events', (session) =>
          ingestEvents(session.warehouse, session.dir, session.runId, args.paths as string[]),
        );
      },
    )
    .command(
      'check',
      'Run the data checks (sql/checks/*.sql) on the built marts; fails naming each failing check',
      (y) => y,
      async (args) => {
        const { checkCommand } = await import('./warehouse/checks.ts');
        await withSession(args, 'check', (session) => checkCommand(session));
      },
    )
    .command(
      'export',
      'Write the CSV/JSON/Parquet exports from the marts into <data-dir>/exports',
      (y) => y,
      async (args) => {
        const { exportAll } = await import('./warehouse/export/export-command.ts');
        await withSession(args, 'export', (session) => exportAll(session));
      },
    )
    .command(
      'extract',
      'Extract Brightcove CMS videos and daily analytics into the lake and raw.* (resumable)',
      (y) => extractOptions(y),
      async (args) => {
        const { prepareExtract, extractWith } = await import('./extract/extract-command.ts');
        const prepared = await prepareExtract(args);
        try {
          await withSession({ ...args, 'as-of': prepared.asOf }, 'extract', (session) => extractWith(prepared, session));
        } finally {
          await prepared.stop();
        }
      },
    )
    .command(
      'run',
      'The whole pipeline: extract, then build, check, export, distribute, publish',
      (y) => extractOptions(y),
      async (args) => {
        const { prepareExtract, extractWith } = await import('./extract/extract-command.ts');
        const { runAfterExtract } = await import('./warehouse/run-stages.ts');
        const prepared = await prepareExtract(args);
        try {
          await withSession({ ...args, 'as-of': prepared.asOf }, 'run', async (session) => {
            await extractWith(prepared, session);
            if (prepared.demoEventVideos) {
              const { ingestDemoEvents } = await import('./extract/events/demo-events.ts');
              await ingestDemoEvents(session, prepared.demoEventVideos);
            }
            await runAfterExtract(session, console.log);
          });
        } finally {
          await prepared.stop();
        }
      },
    )
    .command(
      'plan',
      'What the model edits since the last build would change (rows, keys, columns), as Markdown for a pull request; writes nothing to the warehouse',
      (y) => y.option('output', { type: 'string', describe: 'Also write the Markdown to this file' }),
      async (args) => {
        const { planCommand } = await import('./warehouse/plan.ts');
        await withSession(args, 'plan', (session) => planCommand(session, { asOf: args['as-of'], output: args.output }));
      },
    )
    .command(
      'docs',
      'Write docs/data-dictionary.md from the mart COMMENTs (no data, no network); --check fails when it is stale or a COMMENT is missing',
      (y) =>
        y
          .option('check', { type: 'boolean', default: false, describe: 'Fail (exit 1) naming what is stale or uncommented, instead of writing' })
          .option('output', { type: 'string', describe: 'Dictionary file (default: docs/data-dictionary.md)' }),
      async (args) => {
        const { docsCommand } = await import('./warehouse/data-dictionary.ts');
        await docsCommand({ configPath: args.config, check: args.check, output: args.output });
      },
    )
    .command(
      'distribute',
      'Copy each Harper account\'s <slug>_cms.csv to {distribution root}/{folder}/{YYYY_MM}/, verified, recorded in meta.deliveries',
      (y) => y,
      async (args) => {
        const { distribute } = await import('./warehouse/distribute.ts');
        await withSession(args, 'distribute', (session) => distribute(session, console.log));
      },
    )
    .command(
      'publish',
      'Replace <data-dir>/reelhouse.duckdb (marts + meta) by atomic rename; refuses after failed checks or an unfinished build',
      (y) => y,
      async (args) => {
        const { publish } = await import('./warehouse/publish.ts');
        await withSession(args, 'publish', (session) => publish(session, { log: console.log }));
      },
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
      async (args) => {
        const { runSimulatorCommand } = await import('./simulator/run-command.ts');
        await runSimulatorCommand({
          port: args.port,
          seed: args.seed,
          today: args.today ?? args['as-of'],
          historyStart: args['history-start'],
          videosPerAccount: args['videos-per-account'],
        });
      },
    )
    .demandCommand(1, 'Name a command; `pipeline --help` lists them.')
    .strict()
    .help() as unknown as Argv<CommonArgs>;
}

export { withSession };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
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
