import { describe, expect, it } from 'vitest';
import type { CommandHandlers } from '../../cli/commands.ts';
import { cliParser } from '../../pipeline.ts';

/** Handlers that only record what they were called with: the parser is tested without running anything. */
function recordingHandlers() {
  const calls: Array<{ command: string; args: Record<string, unknown> }> = [];
  const record =
    (command: string) =>
    async (args: object): Promise<void> => {
      calls.push({ command, args: args as Record<string, unknown> });
    };
  const handlers: CommandHandlers = {
    build: record('build'),
    ingestEvents: record('ingest-events'),
    check: record('check'),
    export: record('export'),
    extract: record('extract'),
    run: record('run'),
    plan: record('plan'),
    docs: record('docs'),
    distribute: record('distribute'),
    publish: record('publish'),
    report: record('report'),
    verify: record('verify'),
    simulator: record('simulator'),
    analyze: record('analyze'),
    query: record('query'),
    status: record('status'),
  };
  return { handlers, calls };
}

async function parse(argv: string[]) {
  const { handlers, calls } = recordingHandlers();
  await cliParser(argv, handlers).exitProcess(false).fail((message, error) => {
    throw error ?? new Error(message);
  }).parseAsync();
  expect(calls).toHaveLength(1);
  return calls[0]!;
}

describe('command line', () => {
  it('maps `run --demo --as-of` to the run handler with the defaults filled in', async () => {
    const call = await parse(['run', '--demo', '--as-of', '2025-06-30']);
    expect(call.command).toBe('run');
    expect(call.args).toMatchObject({ demo: true, 'as-of': '2025-06-30', 'data-dir': 'data', config: 'reelhouse.config.json' });
  });

  it('keeps the exact command line others use for player events', async () => {
    const ingest = await parse(['ingest-events', 'a.ndjson', 'events/*.csv', '--data-dir', '/tmp/d']);
    expect(ingest).toMatchObject({ command: 'ingest-events', args: { paths: ['a.ndjson', 'events/*.csv'], 'data-dir': '/tmp/d' } });
    expect((await parse(['build', '--data-dir', '/tmp/d'])).args['data-dir']).toBe('/tmp/d');
    expect((await parse(['export', '--data-dir', '/tmp/d'])).command).toBe('export');
  });

  it('keeps the exact command line checks outside the project use for the report', async () => {
    expect(await parse(['report', '--data-dir', '/tmp/d'])).toMatchObject({ command: 'report', args: { 'data-dir': '/tmp/d' } });
  });

  it('passes --select, --accounts, --check and --output through', async () => {
    expect((await parse(['build', '--select', 'video_cache+'])).args['select']).toBe('video_cache+');
    expect((await parse(['extract', '--accounts', 'neo,impact'])).args['accounts']).toBe('neo,impact');
    expect((await parse(['docs', '--check'])).args['check']).toBe(true);
    expect((await parse(['plan', '--output', 'plan.md'])).args['output']).toBe('plan.md');
  });

  it('keeps the exact command lines checks outside the project use for analyze, query and status', async () => {
    expect(await parse(['analyze', 'mobile_share_by_month', '--data-dir', '/tmp/d'])).toMatchObject({
      command: 'analyze',
      args: { name: 'mobile_share_by_month', format: 'table', list: false, 'data-dir': '/tmp/d' },
    });
    expect((await parse(['analyze', 'power_users', '--data-dir', '/tmp/d', '--format', 'csv'])).args).toMatchObject({ name: 'power_users', format: 'csv' });
    expect((await parse(['analyze', '--list'])).args).toMatchObject({ list: true, name: undefined });
    expect(await parse(['query', 'SELECT 1 AS one', '--data-dir', '/tmp/d', '--format', 'json'])).toMatchObject({
      command: 'query',
      args: { sql: 'SELECT 1 AS one', format: 'json', 'data-dir': '/tmp/d' },
    });
    expect(await parse(['status', '--data-dir', '/tmp/d', '--json'])).toMatchObject({ command: 'status', args: { json: true, 'data-dir': '/tmp/d' } });
    expect((await parse(['status', '--data-dir', '/tmp/d', '--as-of', '2025-06-30'])).args).toMatchObject({ json: false, 'as-of': '2025-06-30' });
    await expect(parse(['analyze', 'power_users', '--format', 'xml'])).rejects.toThrow(/Choices: "table", "csv", "json", "md"/);
  });

  it('refuses unknown options and a missing command', async () => {
    await expect(parse(['run', '--dmeo'])).rejects.toThrow(/Unknown argument: dmeo/);
    await expect(parse([])).rejects.toThrow(/Name a command/);
  });
});
