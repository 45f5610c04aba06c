import type { ExtractArgs } from '../extract/extract-command.ts';
import type { PipelineSession } from '../warehouse/session.ts';
import { assertDataDirUsable, dataDir } from '../warehouse/data-dir.ts';
import { assertDataDirFree } from '../warehouse/run-lock.ts';
import { openSession } from '../warehouse/session.ts';
import { explainWarehouseError } from '../warehouse/warehouse-errors.ts';

/**
 * What each command does once its arguments are parsed: open a session on the data dir (lock, schema,
 * settings, run row) and call one function of the stage the command belongs to. Imports are lazy so
 * `pipeline --help` and the simulator start without loading DuckDB or undici.
 */

export interface CommonArgs {
  'data-dir': string;
  config: string;
  'as-of'?: string;
}

/** `extract` and `run`: the common arguments and those of extract/extract-command.ts (declared there once). */
export type ExtractCommandArgs = CommonArgs & ExtractArgs;

export interface CommandHandlers {
  build(args: CommonArgs & { select?: string }): Promise<void>;
  ingestEvents(args: CommonArgs & { paths: string[] }): Promise<void>;
  check(args: CommonArgs): Promise<void>;
  export(args: CommonArgs): Promise<void>;
  extract(args: ExtractCommandArgs): Promise<void>;
  run(args: ExtractCommandArgs): Promise<void>;
  plan(args: CommonArgs & { output?: string }): Promise<void>;
  docs(args: CommonArgs & { check: boolean; output?: string }): Promise<void>;
  distribute(args: CommonArgs): Promise<void>;
  publish(args: CommonArgs): Promise<void>;
  report(args: CommonArgs): Promise<void>;
  verify(args: CommonArgs & { 'accept-loss'?: number }): Promise<void>;
  simulator(args: CommonArgs & { port: number; seed: number; today?: string; 'history-start': string; 'videos-per-account': number }): Promise<void>;
  analyze(args: CommonArgs & { name?: string; list: boolean; format: string }): Promise<void>;
  query(args: CommonArgs & { sql: string; format: string }): Promise<void>;
  status(args: CommonArgs & { json: boolean }): Promise<void>;
}

export async function withSession<T>(
  args: CommonArgs,
  command: string,
  fn: (session: PipelineSession) => Promise<T>,
  options: { deliversBuild?: boolean } = {},
): Promise<T> {
  const session = await openSession({ dataDir: args['data-dir'], configPath: args.config, asOf: args['as-of'], command, ...options });
  try {
    const result = await fn(session);
    await session.finish('succeeded');
    return result;
  } catch (error) {
    await session.finish('failed', (error as Error).message).catch(() => undefined);
    throw explainWarehouseError(error, session.dir);
  } finally {
    session.close();
  }
}

async function extractThen(args: ExtractCommandArgs, command: 'extract' | 'run'): Promise<void> {
  const { prepareExtract, extractWith } = await import('../extract/extract-command.ts');
  // Before the demo's simulator is generated: a busy data dir refuses at once, having done nothing.
  assertDataDirUsable(args['data-dir']);
  assertDataDirFree(dataDir(args['data-dir']).lockFile);
  const prepared = await prepareExtract(args);
  try {
    await withSession({ ...args, 'as-of': prepared.asOf }, command, async (session) => {
      await extractWith(prepared, session);
      if (command === 'extract') return;
      if (prepared.demoEventVideos) {
        const { ingestDemoEvents } = await import('../extract/events/demo-events.ts');
        await ingestDemoEvents(session, prepared.demoEventVideos);
      }
      const { runAfterExtract } = await import('../warehouse/run-stages.ts');
      await runAfterExtract(session, console.log);
    });
  } finally {
    await prepared.stop();
  }
}

export const defaultHandlers: CommandHandlers = {
  async build(args) {
    const { buildCommand } = await import('../warehouse/build-command.ts');
    await withSession(args, 'build', (session) => buildCommand(session, args.select));
  },
  async ingestEvents(args) {
    const { ingestEvents } = await import('../extract/events/ingest-events.ts');
    await withSession(args, 'ingest-events', (session) => ingestEvents(session.warehouse, session.dir, session.runId, args.paths));
  },
  async check(args) {
    const { checkCommand } = await import('../warehouse/checks.ts');
    await withSession(args, 'check', (session) => checkCommand(session));
  },
  async export(args) {
    const { exportAll } = await import('../warehouse/export/export-command.ts');
    await withSession(args, 'export', (session) => exportAll(session), { deliversBuild: true });
  },
  extract: (args) => extractThen(args, 'extract'),
  run: (args) => extractThen(args, 'run'),
  async plan(args) {
    const { planCommand } = await import('../warehouse/plan.ts');
    await withSession(args, 'plan', (session) => planCommand(session, { asOf: args['as-of'], output: args.output }));
  },
  async docs(args) {
    const { docsCommand } = await import('../warehouse/data-dictionary.ts');
    await docsCommand({ configPath: args.config, check: args.check, output: args.output });
  },
  async distribute(args) {
    const { distribute } = await import('../warehouse/distribute.ts');
    await withSession(args, 'distribute', (session) => distribute(session, console.log), { deliversBuild: true });
  },
  async publish(args) {
    const { publish } = await import('../warehouse/publish.ts');
    await withSession(args, 'publish', (session) => publish(session, { log: console.log }), { deliversBuild: true });
  },
  async report(args) {
    const { writeReport } = await import('../warehouse/report/report-command.ts');
    await withSession(args, 'report', (session) => writeReport(session));
  },
  // analyze, query and status read only the published file (and status.json): no session, no lock,
  // never work.duckdb, so they run beside a pipeline run without waiting for it or blocking it.
  async analyze(args) {
    const { assertOutputFormat, formatResult, listAnalyses, runAnalysis } = await import('../warehouse/analyses.ts');
    const format = assertOutputFormat(args.format);
    if (args.list || !args.name) {
      const analyses = listAnalyses();
      const rows = analyses.map((analysis) => ({ name: analysis.name, question: analysis.question, grain: analysis.grain, reads: analysis.reads.join(', ') }));
      process.stdout.write(formatResult({ columns: ['name', 'question', 'grain', 'reads'], rows }, format));
      if (!args.list) throw new Error('Name an analysis: pipeline analyze NAME (the list above)');
      return;
    }
    process.stdout.write(formatResult(await runAnalysis(args.name, dataDir(args['data-dir']).publishedDb), format));
  },
  async query(args) {
    const { assertOutputFormat, formatResult, queryPublished } = await import('../warehouse/analyses.ts');
    const format = assertOutputFormat(args.format);
    process.stdout.write(formatResult(await queryPublished(dataDir(args['data-dir']).publishedDb, args.sql), format));
  },
  async status(args) {
    const { formatStatus, statusReport } = await import('../warehouse/status.ts');
    const { assertIsoDate } = await import('../warehouse/session.ts');
    const report = await statusReport({ dataDir: args['data-dir'], asOf: args['as-of'] === undefined ? undefined : assertIsoDate(args['as-of']) });
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
    process.exitCode = report.exit_code;
  },
  async verify(args) {
    const { verifyCommand } = await import('../warehouse/verify-command.ts');
    const loss = args['accept-loss'];
    if (loss !== undefined && (!Number.isInteger(loss) || loss < 1)) throw new Error(`--accept-loss takes an event load number (verify lists them), got "${loss}"`);
    process.exitCode = await verifyCommand({ dataDir: args['data-dir'], configPath: args.config, acceptLoss: loss });
  },
  async simulator(args) {
    const { runSimulatorCommand } = await import('../simulator/run-command.ts');
    await runSimulatorCommand({
      port: args.port,
      seed: args.seed,
      today: args.today ?? args['as-of'],
      historyStart: args['history-start'],
      videosPerAccount: args['videos-per-account'],
    });
  },
};
