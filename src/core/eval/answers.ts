// Answers as the reference drivers write them: one JSON-lines file per method (baseline, DAMRO), one record
// per line in the benchmark's own format. Reading back is what resume and merge are built on.
import { LensError } from '../../protocol/errors';
import type { AnswerRecord, Benchmark, EvalItem, Method } from './benchmark';
import { METHODS } from './benchmark';
import { parseJsonLines, toJsonLine } from './records';

export type Outputs = Readonly<Record<Method, string>>;

export interface EvalAnswer {
  readonly key: string;
  readonly outputs: Outputs;
}

/** The answers-file lines of one answered item, per method. */
export function answerLines(
  benchmark: Benchmark,
  item: EvalItem,
  outputs: Outputs,
  modelId: string,
): Record<Method, string> {
  return Object.fromEntries(
    METHODS.map((m) => [m, toJsonLine(benchmark.record(item, outputs[m], modelId) as AnswerRecord)]),
  ) as Record<Method, string>;
}

/**
 * The items answered in both methods' files. A key written twice keeps its last answer (a session that stopped
 * between the two files' lines asks the item again); a key in one file only counts as unanswered. A
 * half-written last line is an error unless `dropHalfWritten` takes it (see parseJsonLines).
 */
export function readAnswers(
  benchmark: Benchmark,
  texts: Readonly<Record<Method, string>>,
  what: string,
  dropHalfWritten?: (where: string) => void,
): Map<string, Outputs> {
  const perMethod = METHODS.map((method) => {
    const byKey = new Map<string, string>();
    for (const { record, where } of parseJsonLines(texts[method], `${what} (${method})`, dropHalfWritten ?? 'refuse')) {
      const { key, output } = benchmark.readRecord(record, where);
      byKey.set(key, output);
    }
    return byKey;
  });
  const answers = new Map<string, Outputs>();
  for (const [key, first] of perMethod[0]) {
    const second = perMethod[1].get(key);
    if (second !== undefined) answers.set(key, { [METHODS[0]]: first, [METHODS[1]]: second } as Record<Method, string>);
  }
  return answers;
}

/** Answers of several shards in item order; every item answered exactly once, nothing foreign. */
export function mergeAnswers(
  items: readonly EvalItem[],
  shards: readonly { name: string; answers: ReadonlyMap<string, Outputs> }[],
): Record<Method, string[]> {
  const known = new Set(items.map((item) => item.key));
  const owner = new Map<string, string>();
  const merged = new Map<string, Outputs>();
  for (const shard of shards) {
    for (const [key, outputs] of shard.answers) {
      if (!known.has(key))
        throw new LensError(
          'bad-request',
          `${shard.name} answers '${key}', which is not a question of this run; were shards of different runs mixed?`,
        );
      const other = owner.get(key);
      if (other !== undefined)
        throw new LensError(
          'bad-request',
          `'${key}' is answered by both ${other} and ${shard.name}; shards must not overlap (use the same n in every --shard i/n).`,
        );
      owner.set(key, shard.name);
      merged.set(key, outputs);
    }
  }
  const missing = items.filter((item) => !merged.has(item.key));
  if (missing.length) {
    const shown = missing
      .slice(0, 5)
      .map((item) => item.key.replace('\t', ' '))
      .join(', ');
    throw new LensError(
      'bad-request',
      `${missing.length} of ${items.length} questions have no answer (${shown}${missing.length > 5 ? ', …' : ''}); finish or resume the shards that own them, or pass every shard folder.`,
    );
  }
  return Object.fromEntries(METHODS.map((m) => [m, items.map((item) => merged.get(item.key)![m])])) as Record<
    Method,
    string[]
  >;
}

/** The complete answers files in item order, as the reference evaluation scripts expect them. */
export function answersFiles(
  benchmark: Benchmark,
  items: readonly EvalItem[],
  outputs: Readonly<Record<Method, readonly string[]>>,
  modelId: string,
): Record<Method, string> {
  return Object.fromEntries(
    METHODS.map((m) => [
      m,
      items.map((item, i) => toJsonLine(benchmark.record(item, outputs[m][i], modelId) as AnswerRecord)).join(''),
    ]),
  ) as Record<Method, string>;
}
