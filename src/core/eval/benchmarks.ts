import { LensError } from '../../protocol/errors';
import type { Benchmark } from './benchmark';
import { chairBenchmark } from './chair-benchmark';
import { gpt4vBenchmark } from './gpt4v-benchmark';
import { mmeBenchmark } from './mme-benchmark';
import { popeBenchmark } from './pope-benchmark';

export const BENCHMARKS = {
  pope: popeBenchmark,
  chair: chairBenchmark,
  mme: mmeBenchmark,
  gpt4v: gpt4vBenchmark,
} as const satisfies Record<string, Benchmark>;

export type BenchmarkName = keyof typeof BENCHMARKS;

export function benchmarkOf(name: string): Benchmark {
  const benchmark: Benchmark | undefined = (BENCHMARKS as Record<string, Benchmark>)[name];
  if (!benchmark)
    throw new LensError(
      'bad-request',
      `Unknown benchmark '${name}'; use one of ${Object.keys(BENCHMARKS).join(', ')}.`,
    );
  return benchmark;
}

/** The split checked against the benchmark's own list, with the list in the error. */
export function checkSplit(benchmark: Benchmark, split: string): string {
  if (!benchmark.splits.includes(split))
    throw new LensError(
      'bad-request',
      `${benchmark.label} has no split '${split}'; use one of ${benchmark.splits.join(', ')}.`,
    );
  return split;
}
