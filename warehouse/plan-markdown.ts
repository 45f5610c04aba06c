import { relative } from 'node:path';
import type { ExportEffect, ModelEffect, PlanReport } from './plan.ts';

/** The plan as Markdown a reviewer pastes into a pull request: a summary table, then one section per model. */

const number = (value: number) => value.toLocaleString('en-US');
const rowsOf = (value: number) => `${number(value)} row${value === 1 ? '' : 's'}`;

function signed(value: number): string {
  if (value === 0) return '0';
  return value > 0 ? `+${number(value)}` : `−${number(-value)}`;
}

function why(effect: ModelEffect): string {
  switch (effect.reason.kind) {
    case 'new':
      return 'never built';
    case 'changed':
      return 'SQL changed';
    case 'downstream':
      return `reads ${effect.reason.of.map((name) => `\`${name}\``).join(', ')}`;
  }
}

function code(text: string): string {
  // A key may itself contain a backtick; a double-backtick span with padding shows it intact.
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function columnsSummary(effect: ModelEffect): string {
  const parts = effect.changedColumns.map((change) => `${change.column} (${number(change.rows)})`);
  if (effect.columnsAdded.length > 0) parts.push(`new: ${effect.columnsAdded.join(', ')}`);
  if (effect.columnsRemoved.length > 0) parts.push(`dropped: ${effect.columnsRemoved.join(', ')}`);
  return parts.length === 0 ? '—' : parts.join('; ');
}

function section(effect: ModelEffect): string[] {
  const lines = [`### \`${effect.model}\``, ''];
  const file = relative(process.cwd(), effect.file);
  const since = effect.reason.kind === 'changed' ? ` since its build of ${effect.reason.lastBuiltAt.slice(0, 19)} UTC` : '';
  lines.push(`- ${why(effect)}${since} (\`${file}\`); grain: ${effect.grain.map((column) => `\`${column}\``).join(', ')}`);
  if (effect.rowsBefore === null) {
    lines.push(`- rows: new table with ${rowsOf(effect.rowsAfter)}`);
  } else {
    lines.push(`- rows: ${number(effect.rowsBefore)} → ${number(effect.rowsAfter)} (${signed(effect.rowsAfter - effect.rowsBefore)})`);
  }
  if (effect.duplicateKeys.before > 0 || effect.duplicateKeys.after > 0) {
    lines.push(
      `- ⚠ the grain is not unique (${number(effect.duplicateKeys.before)} repeated keys before, ${number(effect.duplicateKeys.after)} after): a row counts as changed in a column when its (key, value) pair is new`,
    );
  }
  const keys = (label: string, total: number, sample: string[]) => {
    if (total === 0) return `- keys ${label}: none`;
    const more = total > sample.length ? `, … ${number(total - sample.length)} more` : '';
    return `- keys ${label}: ${number(total)}: ${sample.map(code).join(', ')}${more}`;
  };
  lines.push(keys('added', effect.keysAdded, effect.sampleKeysAdded));
  if (effect.rowsBefore !== null) lines.push(keys('removed', effect.keysRemoved, effect.sampleKeysRemoved));
  if (effect.rowsBefore !== null) {
    if (effect.changedColumns.length === 0) {
      lines.push(`- values: unchanged in the ${number(effect.matchedRows)} rows whose key is in both versions`);
    } else {
      lines.push(`- values changed, of ${number(effect.matchedRows)} rows whose key is in both versions:`);
      for (const change of effect.changedColumns) lines.push(`  - \`${change.column}\`: ${rowsOf(change.rows)}`);
    }
  }
  if (effect.columnsAdded.length > 0) lines.push(`- new columns: ${effect.columnsAdded.map(code).join(', ')}`);
  if (effect.columnsRemoved.length > 0) lines.push(`- dropped columns: ${effect.columnsRemoved.map(code).join(', ')}`);
  for (const change of effect.typeChanges) lines.push(`- \`${change.column}\`: type ${change.before} → ${change.after}`);
  lines.push('');
  return lines;
}

function exportValues(effect: ExportEffect): string {
  const parts = effect.changedColumns.map((change) => `${change.column} (${number(change.rows)})`);
  if (effect.columnsAdded.length > 0) parts.push(`new: ${effect.columnsAdded.join(', ')}`);
  if (effect.columnsRemoved.length > 0) parts.push(`dropped: ${effect.columnsRemoved.join(', ')}`);
  return parts.length === 0 ? 'unchanged' : parts.join('; ');
}

function exportSection(report: PlanReport): string[] {
  if (report.exports.length === 0) return ['No export file reads a rebuilt model.', ''];
  const lines = [
    '### Export files',
    '',
    `${report.exports.length} export file(s) read a rebuilt model; rows and values as the exporter's query gives them, ` +
      `paired by the file's key (a JSON file by the rows of its CSV twin).`,
    '',
    '| file | reads | rows before | rows after | Δ rows | keys added | keys removed | values changed (rows) |',
    '|---|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const effect of report.exports) {
    const before = effect.rowsBefore === null ? '—' : number(effect.rowsBefore);
    const delta = effect.rowsBefore === null ? '—' : signed(effect.rowsAfter - effect.rowsBefore);
    const removed = effect.rowsBefore === null ? '—' : number(effect.keysRemoved);
    lines.push(
      `| \`${cell(effect.path)}\` | ${effect.via.map((name) => `\`${name}\``).join(', ')} | ${before} | ${number(effect.rowsAfter)} | ${delta} | ${number(effect.keysAdded)} | ${removed} | ${cell(exportValues(effect))} |`,
    );
  }
  lines.push('');
  return lines;
}

export function renderPlanMarkdown(report: PlanReport): string {
  const asOf = { flag: 'from --as-of', 'last build': 'the as-of date of the last build', 'run date': 'the run date' }[report.asOfSource];
  const lines = ['## reelhouse plan', ''];
  if (report.models.length === 0) {
    lines.push(`No model's SQL changed since its last build (${report.unchangedModels} models checked).`, '');
  } else {
    const changed = report.models.filter((effect) => effect.reason.kind !== 'downstream').length;
    lines.push(
      `${changed} model(s) changed, ${report.models.length - changed} downstream, ${report.unchangedModels} unchanged. ` +
        `Built in a scratch copy as of ${report.asOfDate} (${asOf}) and compared with the working warehouse. ` +
        `Floating-point values (DOUBLE, FLOAT) count as changed only when they differ by more than ${report.floatTolerance} × max(1, |before|, |after|).`,
      '',
      '| model | why | rows before | rows after | Δ rows | keys added | keys removed | columns changed (rows) |',
      '|---|---|---:|---:|---:|---:|---:|---|',
    );
    for (const effect of report.models) {
      const before = effect.rowsBefore === null ? '—' : number(effect.rowsBefore);
      const delta = effect.rowsBefore === null ? '—' : signed(effect.rowsAfter - effect.rowsBefore);
      const removed = effect.rowsBefore === null ? '—' : number(effect.keysRemoved);
      lines.push(
        `| \`${effect.model}\` | ${cell(why(effect))} | ${before} | ${number(effect.rowsAfter)} | ${delta} | ${number(effect.keysAdded)} | ${removed} | ${cell(columnsSummary(effect))} |`,
      );
    }
    lines.push('');
    lines.push(...exportSection(report));
    for (const effect of report.models) lines.push(...section(effect));
  }
  if (report.removedModels.length > 0) {
    lines.push(`Built before but no longer in models/: ${report.removedModels.map((name) => `\`${name}\``).join(', ')} (their tables stay until dropped).`, '');
  }
  return lines.join('\n');
}
