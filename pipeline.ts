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
