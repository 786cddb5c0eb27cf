// The end of a run or a merge: complete answers files in question order, the files the reference evaluators
// read (POPE's question subset, MME's per-category results), metrics.json, and a printed table.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { answersFiles } from '../core/eval/answers';
import type { BenchmarkSummary, EvalItem, PerMethod, ScoreContext } from '../core/eval/benchmark';
import { methodLabel, methodsOf, summaryMethods, valueOf } from '../core/eval/benchmark';
import { benchmarkOf } from '../core/eval/benchmarks';
import { formatAD, gpt4vComparison } from '../core/eval/gpt4v-benchmark';
import { mmeResultsText, type MmeItem } from '../core/eval/mme-benchmark';
import type { PopeItem } from '../core/eval/pope-benchmark';
import { toJsonLine } from '../core/eval/records';
import type { EvalRunConfig } from '../core/eval/run-config';
import { MME_COGNITION, MME_PERCEPTION } from '../core/metrics/mme';
import { answersPath } from './shard-folder';

export async function writeResults(
  dir: string,
  config: EvalRunConfig,
  items: readonly EvalItem[],
  outputs: PerMethod<readonly string[]>,
  context: ScoreContext,
): Promise<BenchmarkSummary> {
  const benchmark = benchmarkOf(config.benchmark);
  await mkdir(dir, { recursive: true });
  const files = answersFiles(benchmark, items, outputs, config.modelId);
  for (const method of methodsOf(files)) await writeFile(answersPath(dir, method), valueOf(files, method));
  if (config.benchmark === 'pope') {
    // eval_pope.py divides by the lines of its GT file: with --limit that is this subset.
    const questions = (items as readonly PopeItem[]).map(({ question: q }) =>
      toJsonLine({ question_id: q.questionId, image: q.image, text: q.text, label: q.label }),
    );
    await writeFile(join(dir, 'questions.jsonl'), questions.join(''));
  }
  if (config.benchmark === 'mme') {
    for (const method of methodsOf(outputs)) {
      const folder = join(dir, `Your_Results-${method}`);
      await mkdir(folder, { recursive: true });
      for (const category of [...MME_PERCEPTION, ...MME_COGNITION]) {
        const at = (items as readonly MmeItem[]).flatMap((item, i) => (item.category === category ? [i] : []));
        if (at.length)
          await writeFile(
            join(folder, `${category}.txt`),
            mmeResultsText(
              at.map((i) => items[i] as MmeItem),
              at.map((i) => valueOf(outputs, method)[i]),
            ),
          );
      }
    }
  }
  const summary = benchmark.score(items, outputs, config.split, context);
  await writeFile(
    join(dir, 'metrics.json'),
    `${JSON.stringify({ config: { ...config, shard: undefined }, summary }, null, 2)}\n`,
  );
  return summary;
}

const cell = (value: number | undefined, percent: boolean) =>
  value === undefined || Number.isNaN(value)
    ? 'n/a'
    : percent
      ? (100 * value).toFixed(2)
      : Number.isInteger(value)
        ? String(value)
        : value.toFixed(2);

/** A plain-text table: one block per split or category, a line per metric, a column per method. */
export function formatSummary(summary: BenchmarkSummary): string {
  const width = Math.max(...summary.metrics.map((m) => m.label.length), ...summary.rows.map((r) => r.group.length)) + 2;
  const methods = summaryMethods(summary);
  const column = Math.max(10, ...methods.map((m) => methodLabel(m).length + 2));
  const lines = [
    `${summary.benchmark.toUpperCase()} ${summary.split} (${summary.notes.join('; ')})`,
    `${''.padEnd(width)}${methods.map((m) => methodLabel(m).padStart(column)).join('')}`,
  ];
  for (const row of summary.rows) {
    if (summary.rows.length > 1) lines.push(row.group);
    for (const metric of summary.metrics) {
      const value = row.values[metric.name];
      if (!value) continue;
      lines.push(
        `${(summary.rows.length > 1 ? `  ${metric.label}` : metric.label).padEnd(width)}${methods.map((m) => cell(value[m], metric.percent).padStart(column)).join('')}`,
      );
    }
  }
  return lines.join('\n');
}

/** The GPT-4V-aided table as the paper prints it (A / D per method), this run last, then the items without scores. */
export function formatGpt4vTable(summary: BenchmarkSummary, model: string): string {
  const rows = gpt4vComparison(summary, model).map((r) => [
    `${r.model} (${r.source})`,
    formatAD(r.original),
    formatAD(r.damro),
  ]);
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  const lines = [
    `${'model'.padEnd(width)}${'Original A / D'.padEnd(18)}DAMRO A / D`,
    ...rows.map(([m, o, d]) => `${m.padEnd(width)}${o.padEnd(18)}${d}`),
  ];
  for (const item of summary.items ?? [])
    if (item.problem) lines.push(`no scores: ${item.image} (${item.group}): ${item.problem}`);
  return lines.join('\n');
}
