// The benchmark question lists the project ships (public/data/), keyed the way benchmarks name their sources.
import type { SourceFiles } from '../../../../src/core/eval/benchmark';
import { benchmarkOf } from '../../../../src/core/eval/benchmarks';
import { repoData } from '../../../support/repo-data';

export function sourceFiles(benchmark: string, split: string): SourceFiles {
  return Object.fromEntries(
    benchmarkOf(benchmark)
      .sources(split)
      .map((path) => [path, repoData(path)]),
  );
}
