/**
 * `npm run bench -- <name> [options]`: runs bench/<name>.ts with the options that follow the name.
 *   npm run bench -- events --events 1000000
 *   npm run bench -- brightcove-models --videos 2000
 *   npm run bench -- simulator
 * Each bench parses its own options (node:util parseArgs over process.argv), so the name is removed first.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const benches = readdirSync(import.meta.dirname)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .map((file) => file.replace(/\.ts$/, ''))
  .sort();
const name = process.argv[2];
if (!name || !/^[a-z0-9-]+$/.test(name) || !existsSync(join(import.meta.dirname, `${name}.ts`))) {
  console.error(`Usage: npm run bench -- <name> [options]; benches: ${benches.join(', ')}`);
  process.exit(1);
}
process.argv.splice(2, 1);
await import(pathToFileURL(join(import.meta.dirname, `${name}.ts`)).href);
