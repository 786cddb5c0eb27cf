// The benchmark question lists from shared/data, keyed the way benchmarks name their sources.
import { readFileSync } from 'node:fs';
import type { SourceFiles } from '../../../../src/core/eval/benchmark';
import { benchmarkOf } from '../../../../src/core/eval/benchmarks';

export const SHARED_DATA = new URL('../../../../../shared/data/', import.meta.url);

export function sourceFiles(benchmark: string, split: string): SourceFiles {
  return Object.fromEntries(benchmarkOf(benchmark).sources(split).map((path) => [path, readFileSync(new URL(path, SHARED_DATA), 'utf8')]));
}
