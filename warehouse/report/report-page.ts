import { REPORT_CHARTS, type ReportChart, type Row, type RowSource } from './charts.ts';
import { renderChartSvg } from './render-chart.ts';

/**
 * The report as one self-contained HTML page: inline CSS and inline SVG, no script, no font or image
 * from anywhere, so it opens offline, from a mail attachment or a file share, and prints.
 */

export interface ReportContext {
  /** The as-of date of the data shown. */
  readonly asOfDate: string;
  /** The run that built the marts shown. */
  readonly builtByRun: string;
  /** The run that wrote the page. */
  readonly writtenByRun: string;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const isIdentifier = (column: string) => column === 'id' || column.endsWith('_id');
const isWholeNumber = (value: unknown) => (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value));

/** How a cell shows a value: counts with thousands separators (ids never), everything else as the analysis gave it. */
export function formatCell(column: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (!isIdentifier(column) && isWholeNumber(value)) return BigInt(value as string | number).toLocaleString('en-US');
  return String(value);
}

function table(rows: readonly Row[]): string {
  const columns = Object.keys(rows[0] ?? {});
  const head = columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${columns.map((c) => `<td${typeof row[c] === 'number' || isWholeNumber(row[c]) ? ' class="num"' : ''}>${escapeHtml(formatCell(c, row[c]))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function section(chart: ReportChart, rows: readonly Row[]): string {
  const id = escapeHtml(chart.analysis);
  const header = `<h2>${escapeHtml(chart.title)}</h2>\n<p class="caption">${escapeHtml(chart.caption)} <span class="source">Analysis <code>${id}</code>, ${rows.length} row(s).</span></p>`;
  if (rows.length === 0) return `<section id="${id}" data-analysis="${id}">\n${header}\n<p class="empty">No rows: the data this analysis reads is not in this warehouse.</p>\n</section>`;
  const numbers = `<div class="numbers">${table(rows)}</div>`;
  if (chart.kind === 'table') return `<section id="${id}" data-analysis="${id}">\n${header}\n${numbers}\n</section>`;
  const figure = `<figure class="chart" aria-label="${escapeHtml(chart.title)}">${renderChartSvg(chart, rows)}</figure>`;
  return `<section id="${id}" data-analysis="${id}">\n${header}\n<div class="pair">${figure}\n${numbers}</div>\n</section>`;
}

const CSS = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; margin: 2rem auto; max-width: 1400px; padding: 0 1.5rem; color: #1d1d1f; }
header { border-bottom: 2px solid #2f6db5; margin-bottom: 1.5rem; }
h1 { margin: 0 0 .3rem; font-size: 1.8rem; }
h2 { margin: 2rem 0 .3rem; font-size: 1.3rem; }
.meta { color: #444; margin: .2rem 0 .8rem; }
nav ul { columns: 3; padding-left: 1.2rem; margin: .5rem 0 1rem; }
.caption { color: #444; margin: 0 0 .8rem; }
.source { color: #777; font-size: .9em; }
.pair { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
figure.chart { margin: 0; flex: 0 0 auto; width: 640px; height: 360px; }
figure.chart svg { display: block; }
.numbers { flex: 1 1 320px; max-height: 360px; overflow: auto; }
table { border-collapse: collapse; font-size: .85rem; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #ddd; padding: .2rem .6rem; text-align: left; white-space: nowrap; }
th { position: sticky; top: 0; background: #f4f6fa; }
td.num { text-align: right; }
.empty { color: #a15c00; }
@media print {
  body { margin: 0; max-width: none; }
  nav { display: none; }
  section { break-inside: avoid; page-break-inside: avoid; }
  .numbers { max-height: none; overflow: visible; }
}
`;

export async function renderReport(context: ReportContext, rowsOf: RowSource, charts: readonly ReportChart[] = REPORT_CHARTS): Promise<string> {
  const sections: string[] = [];
  for (const chart of charts) sections.push(section(chart, await rowsOf(chart.analysis)));
  const toc = charts.map((chart) => `<li><a href="#${escapeHtml(chart.analysis)}">${escapeHtml(chart.title)}</a></li>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reelhouse report, as of ${escapeHtml(context.asOfDate)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>reelhouse report</h1>
<p class="meta">Data as of <strong id="as-of">${escapeHtml(context.asOfDate)}</strong>, built by run <code id="built-by-run">${escapeHtml(context.builtByRun)}</code>; page written by run <code id="written-by-run">${escapeHtml(context.writtenByRun)}</code>.</p>
<nav><ul>${toc}</ul></nav>
</header>
<main>
${sections.join('\n')}
</main>
</body>
</html>
`;
}
