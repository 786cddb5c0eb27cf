// Answers as the reference drivers write them: one JSON-lines file per method (baseline, DAMRO and any compared
// method), one record per line in the benchmark's own format. Reading back is what resume and merge are built on.
import { LensError } from '../../protocol/errors';
import type { AnswerRecord, Benchmark, EvalItem, Method, PerMethod } from './benchmark';
import { METHODS, methodsOf, perMethod, valueOf } from './benchmark';
import { parseJsonLines, toJsonLine } from './records';

/** One item's answer per method the run answers. */
export type Outputs = PerMethod<string>;

export interface EvalAnswer {
  readonly key: string;
  readonly outputs: Outputs;
}

/** The answers-file lines of one answered item, per method it was answered with. */
export function answerLines(
  benchmark: Benchmark,
  item: EvalItem,
  outputs: Outputs,
  modelId: string,
): PerMethod<string> {
  return perMethod(methodsOf(outputs), (m) =>
    toJsonLine(benchmark.record(item, valueOf(outputs, m), modelId) as AnswerRecord),
  );
}

/**
 * The items answered in every given method's file. A key written twice keeps its last answer (a session that
 * stopped between the files' lines asks the item again); a key missing from a file counts as unanswered. A
 * half-written last line is an error unless `dropHalfWritten` takes it (see parseJsonLines).
 */
export function readAnswers(
  benchmark: Benchmark,
  texts: PerMethod<string>,
  what: string,
  dropHalfWritten?: (where: string) => void,
): Map<string, Outputs> {
  const methods = methodsOf(texts);
  const byMethod = methods.map((method) => {
    const byKey = new Map<string, string>();
    const text = valueOf(texts, method);
    for (const { record, where } of parseJsonLines(text, `${what} (${method})`, dropHalfWritten ?? 'refuse')) {
      const { key, output } = benchmark.readRecord(record, where);
      byKey.set(key, output);
    }
    return byKey;
  });
  const answers = new Map<string, Outputs>();
  for (const key of byMethod[0]?.keys() ?? []) {
    if (byMethod.every((answered) => answered.has(key)))
      answers.set(
        key,
        perMethod(methods, (m) => byMethod[methods.indexOf(m)].get(key)!),
      );
  }
  return answers;
}

/** Answers of several shards in item order, per method; every item answered exactly once, nothing foreign. */
export function mergeAnswers(
  items: readonly EvalItem[],
  shards: readonly { name: string; answers: ReadonlyMap<string, Outputs> }[],
  methods: readonly Method[] = METHODS,
): PerMethod<string[]> {
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
  return perMethod(methods, (m) => items.map((item) => valueOf(merged.get(item.key)!, m)));
}

/** The complete answers files in item order, as the reference evaluation scripts expect them. */
export function answersFiles(
  benchmark: Benchmark,
  items: readonly EvalItem[],
  outputs: PerMethod<readonly string[]>,
  modelId: string,
): PerMethod<string> {
  return perMethod(methodsOf(outputs), (m) =>
    items
      .map((item, i) => toJsonLine(benchmark.record(item, valueOf(outputs, m)[i], modelId) as AnswerRecord))
      .join(''),
  );
}
