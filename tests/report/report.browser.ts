import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPORT_CHARTS, type Row } from '../../warehouse/report/charts.ts';
import { DEMO_AS_OF } from './demo-setup.ts';

/**
 * `npm run test:report`: the demo run of tests/report/demo-setup.ts wrote the report, `pipeline report --data-dir DIR` (the command
 * line checks outside the project use) writes it again, and Debian's Chromium opens it offline: every
 * chart has a size, no request fails or leaves the file, and every number shown equals the analysis'
 * row. REPORT_SCREENSHOT=docs/report-first-screen.png also saves the first screen there.
 */

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const AS_OF = DEMO_AS_OF;
const REPO = resolve(import.meta.dirname, '..', '..');

let dataDir: string;
let context: BrowserContext;
let page: Page;
const failedRequests: string[] = [];
const requestedUrls: string[] = [];
const expected = new Map<string, Row[]>();

function pipeline(args: string[], configPath: string): string {
  return execFileSync(process.execPath, ['--import', 'tsx', join(REPO, 'pipeline.ts'), ...args, '--config', configPath], {
    cwd: REPO,
    env: process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
}

beforeAll(async () => {
  dataDir = inject('demoDataDir');
  const configPath = inject('demoConfigPath');
  pipeline(['report', '--data-dir', dataDir, '--as-of', AS_OF], configPath);

  // The rows each section must show: what `pipeline analyze NAME --format json` printed (demo-setup.ts ran it).
  const analyzed = inject('demoAnalyzeOutputs');
  for (const chart of REPORT_CHARTS) {
    expect(analyzed[chart.analysis]?.code, chart.analysis).toBe(0);
    expected.set(chart.analysis, JSON.parse(analyzed[chart.analysis]!.stdout) as Row[]);
  }

  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'reelhouse-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await context.newPage();
  page.on('request', (request) => requestedUrls.push(request.url()));
  page.on('requestfailed', (request) => failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
  await page.goto(pathToFileURL(join(dataDir, 'report', 'index.html')).href, { waitUntil: 'load' });
  const screenshot = process.env['REPORT_SCREENSHOT'];
  if (screenshot) {
    mkdirSync(resolve(REPO, screenshot, '..'), { recursive: true });
    await page.screenshot({ path: resolve(REPO, screenshot) });
  }
});

afterAll(async () => {
  await context?.close();
});

describe('the HTML report in Chromium', () => {
  it('is one self-contained file: no script, nothing fetched, no failed request', () => {
    const html = readFileSync(join(dataDir, 'report', 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    // only references inside the page (ECharts clips with url(#id))
    expect(html).not.toMatch(/@import|url\((?!#)/i);
    expect(failedRequests).toEqual([]);
    expect(requestedUrls).toEqual([pathToFileURL(join(dataDir, 'report', 'index.html')).href]);
  });

  it('shows the as-of date and the run', async () => {
    expect(await page.textContent('#as-of')).toBe(AS_OF);
    expect(await page.textContent('#built-by-run')).toMatch(/^\d{8}T\d{6}-[0-9a-f]{8}$/);
  });

  it('draws at least six charts, each with a non-zero size, beside its numbers', async () => {
    const charts = REPORT_CHARTS.filter((chart) => chart.kind !== 'table' && (expected.get(chart.analysis) ?? []).length > 0);
    expect(charts.length).toBeGreaterThanOrEqual(6);
    for (const chart of charts) {
      const box = await page.locator(`section[data-analysis="${chart.analysis}"] figure.chart svg`).boundingBox();
      expect(box, chart.analysis).not.toBeNull();
      expect(box!.width, chart.analysis).toBeGreaterThan(0);
      expect(box!.height, chart.analysis).toBeGreaterThan(0);
      expect(await page.locator(`section[data-analysis="${chart.analysis}"] .pair table`).count(), chart.analysis).toBe(1);
    }
  });

  it('every number on the page equals the analysis row it stands for', async () => {
    for (const chart of REPORT_CHARTS) {
      const rows = expected.get(chart.analysis)!;
      const section = page.locator(`section[data-analysis="${chart.analysis}"]`);
      if (rows.length === 0) {
        expect(await section.locator('table').count(), chart.analysis).toBe(0);
        continue;
      }
      const columns = Object.keys(rows[0]!);
      expect(await section.locator('thead th').allTextContents(), chart.analysis).toEqual(columns);
      const shown = await section.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
      expect(shown.length, chart.analysis).toBe(rows.length);
      rows.forEach((row, i) => {
        columns.forEach((column, j) => {
          const value = row[column];
          const text = shown[i]![j]!;
          if (value === null || value === undefined) expect(text, `${chart.analysis} ${column}`).toBe('');
          else if (typeof value === 'number' || /^-?\d+$/.test(String(value))) expect(Number(text.replaceAll(',', '')), `${chart.analysis} ${column}`).toBe(Number(value));
          else expect(text, `${chart.analysis} ${column}`).toBe(String(value));
        });
      });
    }
  });

  it('the report lives outside exports/', () => {
    expect(existsSync(join(dataDir, 'exports', 'report'))).toBe(false);
  });
});
