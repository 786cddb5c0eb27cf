// POPE (src/core/damro-spec.md §3.1): yes/no questions, six per COCO image; answers are scored against the question
// file in its own order, as eval_pope.py asserts question ids line by line.
import { countPopeAnswers, parsePopeQuestions, popeMetrics, type PopeQuestion } from '../metrics/pope';
import { methodsOf, perMethod, sourceText, valueOf, type Benchmark, type EvalItem, type MetricRow } from './benchmark';
import { field } from './records';

export interface PopeItem extends EvalItem {
  readonly question: PopeQuestion;
}

export const POPE_SPLITS = ['random', 'popular', 'adversarial'] as const;
const source = (split: string) => `coder-gx__DAMRO/data/pope/coco/coco_pope_${split}.jsonl`;
export const POPE_SUFFIX = ' Please answer this question with one word.';

const METRICS = [
  { name: 'accuracy', label: 'Accuracy (%)', percent: true },
  { name: 'precision', label: 'Precision (%)', percent: true },
  { name: 'recall', label: 'Recall (%)', percent: true },
  { name: 'f1', label: 'F1 (%)', percent: true },
  { name: 'yesRatio', label: 'Yes ratio (%)', percent: true },
] as const;

export const popeBenchmark: Benchmark<PopeItem> = {
  name: 'pope',
  label: 'POPE (COCO)',
  splits: POPE_SPLITS,
  sources: (split) => [source(split)],
  parse(files, split) {
    const text = sourceText(files, source(split), `POPE ${split} question file`);
    return parsePopeQuestions(text).map((question) => ({
      key: String(question.questionId),
      image: question.image,
      prompt: question.text + POPE_SUFFIX,
      question,
    }));
  },
  // run_pope.py writes the question text without the suffix as "prompt".
  record: (item, output, modelId) => ({
    question_id: item.question.questionId,
    prompt: item.question.text,
    output,
    model_id: modelId,
    image: item.image,
  }),
  readRecord: (record, where) => ({
    key: String(field(record, 'question_id', 'number', where)),
    output: field(record, 'output', 'string', where),
  }),
  score(items, outputs, split, context) {
    const rule = context.popeRule ?? 'damro';
    const questions = items.map((item) => item.question);
    const methods = methodsOf(outputs);
    const metrics = perMethod(methods, (method) =>
      popeMetrics(
        countPopeAnswers(
          questions,
          questions.map((q, i) => ({ questionId: q.questionId, output: valueOf(outputs, method)[i] })),
          rule,
        ),
      ),
    );
    const values = Object.fromEntries(
      METRICS.map((m) => [m.name, perMethod(methods, (method) => valueOf(metrics, method)[m.name])]),
    );
    const row: MetricRow = { group: split, values };
    return {
      benchmark: 'pope',
      split,
      metrics: METRICS,
      rows: [row],
      notes: [rule === 'damro' ? 'DAMRO/VCD substring rule' : 'official POPE rule', `${items.length} questions`],
    };
  },
};
