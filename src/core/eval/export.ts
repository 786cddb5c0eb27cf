// Results tables for export: one CSV row per (benchmark, split, group, metric) with a column per method (baseline,
// DAMRO, then any compared method), values as the reference scripts define them (ratios, not percentages), so a
// spreadsheet can recompute. A method a summary lacks leaves its cell empty.
import { methodsOf, summaryMethods, type BenchmarkSummary } from './benchmark';

const csvCell = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
const num = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '' : String(value));

export function summariesCsv(summaries: readonly BenchmarkSummary[]): string {
  const seen = Object.fromEntries(summaries.flatMap(summaryMethods).map((m) => [m, true]));
  const methods = methodsOf(seen);
  const lines = [['benchmark', 'split', 'group', 'metric', ...methods].join(',')];
  for (const summary of summaries) {
    for (const row of summary.rows) {
      for (const metric of summary.metrics) {
        const value = row.values[metric.name];
        if (value)
          lines.push(
            [summary.benchmark, summary.split, row.group, metric.name, ...methods.map((m) => num(value[m]))]
              .map(csvCell)
              .join(','),
          );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
