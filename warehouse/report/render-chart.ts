import * as echarts from 'echarts';
import type { ReportChart, Row } from './charts.ts';

/**
 * One chart as an SVG string, drawn by ECharts' server-side renderer (no DOM, no browser, no fonts
 * fetched): the page embeds the SVG inline, so it reads offline and prints as vectors.
 */

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 360;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const PALETTE = ['#2f6db5', '#e38b2c', '#3a9a5b', '#8e5bb5', '#c9a227', '#4bb3c4', '#b5556f', '#7a7a7a', '#5f8f2f', '#d4663a', '#3f4fa0', '#999933'];
const ALARM = '#d62728';

const text = (value: unknown) => (value === null || value === undefined ? '(none)' : String(value));
const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function valueAxis(chart: ReportChart, name?: string) {
  return {
    type: 'value' as const,
    name,
    nameTextStyle: { fontFamily: FONT },
    axisLabel: chart.share ? { formatter: (v: number) => `${Math.round(v * 1000) / 10} %` } : {},
  };
}

function optionFor(chart: ReportChart, rows: readonly Row[]): echarts.EChartsCoreOption {
  const x = chart.x ?? '';
  const y = chart.y ?? '';
  const base = { animation: false, color: PALETTE, textStyle: { fontFamily: FONT }, grid: { left: 64, right: 24, top: 40, bottom: 72, containLabel: true } };
  switch (chart.kind) {
    case 'bar':
    case 'line':
      return {
        ...base,
        xAxis: {
          type: 'category',
          data: rows.map((r) => text(r[x])),
          name: x,
          nameLocation: 'middle',
          nameGap: rows.length > 6 ? 64 : 36,
          axisLabel: { interval: rows.length > 16 ? 'auto' : 0, rotate: rows.length > 6 ? 30 : 0 },
        },
        yAxis: valueAxis(chart, y),
        series: [{ type: chart.kind, data: rows.map((r) => num(r[y])), name: y, ...(chart.kind === 'line' ? { symbolSize: 7, lineStyle: { width: 3 } } : {}) }],
      };
    case 'horizontal-bar':
      return {
        ...base,
        grid: { ...base.grid, left: 16 },
        yAxis: { type: 'category', data: rows.map((r) => text(r[x])), inverse: true },
        xAxis: valueAxis(chart, y),
        series: [{ type: 'bar', data: rows.map((r) => num(r[y])), name: y, label: { show: true, position: 'right' } }],
      };
    case 'stacked-bar': {
      const categories = [...new Set(rows.map((r) => text(r[x])))];
      const seriesNames = [...new Set(rows.map((r) => text(r[chart.series ?? ''])))].sort();
      return {
        ...base,
        grid: { ...base.grid, top: 64 },
        legend: { top: 0, type: 'plain', textStyle: { fontFamily: FONT } },
        xAxis: { type: 'category', data: categories, name: x, nameLocation: 'middle', nameGap: 36 },
        yAxis: valueAxis(chart, y),
        series: seriesNames.map((name) => ({
          type: 'bar',
          stack: 'total',
          name,
          data: categories.map((category) => num(rows.find((r) => text(r[x]) === category && text(r[chart.series ?? '']) === name)?.[y]) ?? 0),
        })),
      };
    }
    case 'scatter': {
      const flagged = (r: Row) => r[chart.highlight ?? ''] === true || r[chart.highlight ?? ''] === 'true';
      const points = (keep: boolean) => rows.filter((r) => flagged(r) === keep).map((r) => [num(r[x]), num(r[y])]);
      const largest = Math.max(1, ...rows.flatMap((r) => [num(r[x]) ?? 0, num(r[y]) ?? 0]));
      return {
        ...base,
        legend: { top: 0, textStyle: { fontFamily: FONT } },
        grid: { ...base.grid, top: 40 },
        xAxis: { type: 'value', name: x, nameLocation: 'middle', nameGap: 32, max: largest },
        yAxis: { type: 'value', name: y, max: largest },
        series: [
          { type: 'line', name: 'equal', data: [[0, 0], [largest, largest]], showSymbol: false, lineStyle: { type: 'dashed', color: '#999' }, itemStyle: { color: '#999' } },
          { type: 'scatter', name: 'agree', data: points(false), symbolSize: 6, itemStyle: { color: PALETTE[0] } },
          { type: 'scatter', name: 'flagged', data: points(true), symbolSize: 12, itemStyle: { color: ALARM } },
        ],
      };
    }
    case 'table':
      throw new Error(`${chart.analysis} is shown as a table, not a chart`);
  }
}

export function renderChartSvg(chart: ReportChart, rows: readonly Row[]): string {
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  try {
    instance.setOption(optionFor(chart, rows));
    return instance.renderToSVGString();
  } finally {
    instance.dispose();
  }
}
