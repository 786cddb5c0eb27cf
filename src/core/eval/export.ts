// Results tables for export: one CSV row per (benchmark, split, group, metric) with the baseline and DAMRO
// values as the reference scripts define them (ratios, not percentages), so a spreadsheet can recompute.
import type { BenchmarkSummary } from './benchmark';

const csvCell = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
const num = (value: number) => (Number.isNaN(value) ? '' : String(value));

export function summariesCsv(summaries: readonly BenchmarkSummary[]): string {
  const lines = ['benchmark,split,group,metric,baseline,damro'];
  for (const summary of summaries) {
    for (const row of summary.rows) {
      for (const metric of summary.metrics) {
        const value = row.values[metric.name];
        if (value)
          lines.push(
            [summary.benchmark, summary.split, row.group, metric.name, num(value.baseline), num(value.damro)]
              .map(csvCell)
              .join(','),
          );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
