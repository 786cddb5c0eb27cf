// A run's (or shard's) output folder: run.json with its settings, and one answers file per method in the
// reference format, appended image by image so that a stopped run resumes where it was.
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { answerLines, readAnswers, type Outputs } from '../core/eval/answers';
import type { EvalItem, Method } from '../core/eval/benchmark';
import { METHODS } from '../core/eval/benchmark';
import { benchmarkOf } from '../core/eval/benchmarks';
import { checkSameRun, type EvalRunConfig } from '../core/eval/run-config';
import { LensError } from '../protocol/errors';
import type { ModelInfo } from '../protocol/messages';

export const RUN_FILE = 'run.json';
export const answersPath = (dir: string, method: Method) => join(dir, `${method}.jsonl`);

export async function readRunConfig(dir: string): Promise<EvalRunConfig> {
  try {
    return JSON.parse(await readFile(join(dir, RUN_FILE), 'utf8')) as EvalRunConfig;
  } catch {
    throw new LensError('bad-request', `${dir} has no readable ${RUN_FILE}; is it an output folder of npm run eval?`);
  }
}

/** The answers recorded in a folder, per item key. */
export async function readFolderAnswers(dir: string, config: EvalRunConfig): Promise<Map<string, Outputs>> {
  const texts = Object.fromEntries(await Promise.all(METHODS.map(async (m) => [m, existsSync(answersPath(dir, m)) ? await readFile(answersPath(dir, m), 'utf8') : ''] as const)));
  return readAnswers(benchmarkOf(config.benchmark), texts as Record<Method, string>, dir);
}

export interface ShardFolder {
  readonly answered: ReadonlyMap<string, Outputs>;
  append(answers: readonly { item: EvalItem; outputs: Outputs }[]): Promise<void>;
  /**
   * Records in run.json what was actually loaded: each session's dtype (a folder may lack the asked-for one) and
   * the outlier score that runs.
   */
  recordLoaded(info: Pick<ModelInfo, 'sessionDtypes' | 'scorer'>): Promise<void>;
}

/** Opens (resuming) or creates the folder of this run and shard. */
export async function openShardFolder(dir: string, config: EvalRunConfig, items: readonly EvalItem[]): Promise<ShardFolder> {
  const benchmark = benchmarkOf(config.benchmark);
  await mkdir(dir, { recursive: true });
  let answered = new Map<string, Outputs>();
  if (existsSync(join(dir, RUN_FILE))) {
    const earlier = await readRunConfig(dir);
    checkSameRun(config, earlier, dir);
    if (JSON.stringify(earlier.shard ?? null) !== JSON.stringify(config.shard ?? null)) throw new LensError('bad-request', `${dir} holds another shard of this run; give each shard its own --out folder.`);
    answered = await readFolderAnswers(dir, config);
  } else {
    await writeFile(join(dir, RUN_FILE), `${JSON.stringify(config, null, 2)}\n`);
  }
  // Rewritten without half-written or repeated lines, so the files stay valid reference answer files.
  const kept = items.filter((item) => answered.has(item.key));
  for (const method of METHODS) {
    await writeFile(answersPath(dir, method), kept.map((item) => answerLines(benchmark, item, answered.get(item.key)!, config.modelId)[method]).join(''));
  }
  return {
    answered,
    async append(answers) {
      const lines = answers.map(({ item, outputs }) => answerLines(benchmark, item, outputs, config.modelId));
      for (const method of METHODS) await appendFile(answersPath(dir, method), lines.map((l) => l[method]).join(''));
    },
    async recordLoaded({ sessionDtypes, scorer }) {
      const recorded = await readRunConfig(dir);
      await writeFile(join(dir, RUN_FILE), `${JSON.stringify({ ...recorded, sessionDtypes, scorer }, null, 2)}\n`);
    },
  };
}
