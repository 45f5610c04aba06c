import { DEMO_CLIENT_ID, startSimulator, type SimulatorOptions } from './server.ts';

/**
 * `pipeline simulator`: serves the Brightcove simulator until SIGINT/SIGTERM and prints how to point the
 * pipeline at it. The demo secret is a public constant, but it is still not printed: no secret in logs.
 */
export async function runSimulatorCommand(options: SimulatorOptions, log: (line: string) => void = console.log): Promise<void> {
  const started = performance.now();
  const simulator = await startSimulator(options);
  const { dataset } = simulator;
  const videoCount = Object.values(dataset.videos).reduce((sum, videos) => sum + videos.length, 0);
  const rowCount = Object.values(dataset.daily).reduce((sum, rows) => sum + rows.length, 0);
  log(`Brightcove simulator on ${simulator.url} (seed ${dataset.seed}, today ${dataset.today}, history from ${dataset.historyStart})`);
  log(`${dataset.accounts.length} accounts, ${videoCount} videos, ${rowCount} video-day rows, ready in ${Math.round(performance.now() - started)} ms`);
  log('Point the pipeline at it with:');
  log(`  BRIGHTCOVE_OAUTH_URL=${simulator.url} BRIGHTCOVE_CMS_URL=${simulator.url} BRIGHTCOVE_ANALYTICS_URL=${simulator.url} \\`);
  log(`  BRIGHTCOVE_CLIENT_ID=${DEMO_CLIENT_ID} BRIGHTCOVE_CLIENT_SECRET=<DEMO_CLIENT_SECRET from simulator/oauth.ts> npm run pipeline -- run`);
  log('Ctrl-C stops it.');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const counts = simulator.counts();
  await simulator.stop();
  log(`Simulator stopped. Requests: ${JSON.stringify(counts)}`);
}
