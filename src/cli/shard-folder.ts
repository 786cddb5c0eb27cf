// A run's (or shard's) output folder: run.json with its settings, and one answers file per method in the
// reference format, appended image by image so that a stopped run resumes where it was; with hallucination
// evidence (CHAIR runs), evidence.jsonl holds each answer's attention measures, keyed like the answers.
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { answerLines, readAnswers, type Outputs } from '../core/eval/answers';
import type { EvalItem, Method } from '../core/eval/benchmark';
import { runMethods, valueOf } from '../core/eval/benchmark';
import { benchmarkOf } from '../core/eval/benchmarks';
import { checkSameRun, type EvalRunConfig } from '../core/eval/run-config';
import { parseJsonLines } from '../core/eval/records';
import { LensError } from '../protocol/errors';
import type { ItemEvidence } from '../protocol/evidence';
import type { ModelInfo } from '../protocol/messages';

export const RUN_FILE = 'run.json';
export const answersPath = (dir: string, method: Method) => join(dir, `${method}.jsonl`);

export const evidencePath = (dir: string) => join(dir, 'evidence.jsonl');

const evidenceLine = (key: string, evidence: ItemEvidence) => `${JSON.stringify({ key, evidence })}\n`;

/** The evidence recorded in a folder, per item key (a key written twice keeps its last line). */
export async function readFolderEvidence(
  dir: string,
  halfWritten: 'refuse' | ((where: string) => void) = 'refuse',
): Promise<Map<string, ItemEvidence>> {
  const byKey = new Map<string, ItemEvidence>();
  if (!existsSync(evidencePath(dir))) return byKey;
  for (const { record, where } of parseJsonLines(
    await readFile(evidencePath(dir), 'utf8'),
    evidencePath(dir),
    halfWritten,
  )) {
    if (typeof record.key !== 'string' || typeof record.evidence !== 'object' || record.evidence === null)
      throw new LensError('bad-request', `${where} is not an evidence record (key and evidence); was the file edited?`);
    byKey.set(record.key, record.evidence as ItemEvidence);
  }
  return byKey;
}

export async function readRunConfig(dir: string): Promise<EvalRunConfig> {
  try {
    return JSON.parse(await readFile(join(dir, RUN_FILE), 'utf8')) as EvalRunConfig;
  } catch {
    throw new LensError('bad-request', `${dir} has no readable ${RUN_FILE}; is it an output folder of npm run eval?`);
  }
}

/** The answers recorded in a folder, per item key. */
export async function readFolderAnswers(
  dir: string,
  config: EvalRunConfig,
  dropHalfWritten?: (where: string) => void,
): Promise<Map<string, Outputs>> {
  const texts = Object.fromEntries(
    await Promise.all(
      runMethods(config.settings.methods).map(
        async (m) => [m, existsSync(answersPath(dir, m)) ? await readFile(answersPath(dir, m), 'utf8') : ''] as const,
      ),
    ),
  );
  return readAnswers(benchmarkOf(config.benchmark), texts, dir, dropHalfWritten);
}

export interface ShardFolder {
  readonly answered: ReadonlyMap<string, Outputs>;
  /** Half-written last lines that resuming dropped (their questions are asked again), for the person to see. */
  readonly repaired: readonly string[];
  append(answers: readonly { item: EvalItem; outputs: Outputs; evidence?: ItemEvidence }[]): Promise<void>;
  /**
   * Records in run.json what was actually loaded: each session's dtype (a folder may lack the asked-for one) and
   * the outlier score that runs.
   */
  recordLoaded(info: Pick<ModelInfo, 'sessionDtypes' | 'scorer'>): Promise<void>;
}

/** Opens (resuming) or creates the folder of this run and shard. */
export async function openShardFolder(
  dir: string,
  config: EvalRunConfig,
  items: readonly EvalItem[],
): Promise<ShardFolder> {
  const benchmark = benchmarkOf(config.benchmark);
  await mkdir(dir, { recursive: true });
  let answered = new Map<string, Outputs>();
  let evidence = new Map<string, ItemEvidence>();
  const repaired: string[] = [];
  if (existsSync(join(dir, RUN_FILE))) {
    const earlier = await readRunConfig(dir);
    checkSameRun(config, earlier, dir);
    if (JSON.stringify(earlier.shard ?? null) !== JSON.stringify(config.shard ?? null))
      throw new LensError(
        'bad-request',
        `${dir} holds another shard of this run; give each shard its own --out folder.`,
      );
    answered = await readFolderAnswers(dir, config, (where) => repaired.push(where));
    evidence = await readFolderEvidence(dir, (where) => repaired.push(where));
  } else {
    await writeFile(join(dir, RUN_FILE), `${JSON.stringify(config, null, 2)}\n`);
  }
  // Rewritten without half-written or repeated lines, so the files stay valid reference answer files.
  const kept = items.filter((item) => answered.has(item.key));
  const methods = runMethods(config.settings.methods);
  for (const method of methods) {
    await writeFile(
      answersPath(dir, method),
      kept
        .map((item) => valueOf(answerLines(benchmark, item, answered.get(item.key)!, config.modelId), method))
        .join(''),
    );
  }
  const keptEvidence = kept.filter((item) => evidence.has(item.key));
  if (keptEvidence.length || existsSync(evidencePath(dir)))
    await writeFile(
      evidencePath(dir),
      keptEvidence.map((item) => evidenceLine(item.key, evidence.get(item.key)!)).join(''),
    );
  return {
    answered,
    repaired,
    async append(answers) {
      const lines = answers.map(({ item, outputs }) => answerLines(benchmark, item, outputs, config.modelId));
      for (const method of methods)
        await appendFile(answersPath(dir, method), lines.map((l) => valueOf(l, method)).join(''));
      const withEvidence = answers.flatMap(({ item, evidence: e }) => (e ? [evidenceLine(item.key, e)] : []));
      if (withEvidence.length) await appendFile(evidencePath(dir), withEvidence.join(''));
    },
    async recordLoaded({ sessionDtypes, scorer }) {
      const recorded = await readRunConfig(dir);
      await writeFile(join(dir, RUN_FILE), `${JSON.stringify({ ...recorded, sessionDtypes, scorer }, null, 2)}\n`);
    },
  };
}
