// GPT-4V-aided evaluation (src/core/damro-spec.md §3.4): 90 items over 30 COCO images (a conversation, a detailed
// description and a reasoning question per image); both methods answer each item's instruction, then a judge
// model scores the two answers side by side. Scoring reads the judge's verdicts, which the caller fetched.
import { LensError } from '../../protocol/errors';
import {
  sourceText,
  valueOf,
  type Benchmark,
  type BenchmarkSummary,
  type EvalItem,
  type ItemScores,
  type Method,
  type MetricRow,
} from './benchmark';
import { field, parseJsonLines } from './records';

export interface Gpt4vItem extends EvalItem {
  /** The COCO id as the list writes it ("000000525439"); three items share it. */
  readonly id: string;
  readonly type: string;
}

export const GPT4V_SOURCE = 'coder-gx__DAMRO/data/gpt4v/gpt4v.jsonl';
const TYPES = ['conv', 'detail', 'complex'];

// The id repeats for the three items of an image, the instruction within one type; together they are unique.
const keyOf = (id: string, instruction: string) => `${id}\t${instruction}`;

const METRICS = [
  { name: 'accuracy', label: 'Accuracy (1–10, judge)', percent: false },
  { name: 'detailedness', label: 'Detailedness (1–10, judge)', percent: false },
] as const;

const mean = (values: readonly number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;

function row(group: string, scored: readonly ItemScores[]): MetricRow {
  const pick = (metric: string, method: Method) => mean(scored.map((s) => valueOf(s.values![metric], method)));
  return {
    group,
    values: Object.fromEntries(
      METRICS.map((m) => [m.name, { baseline: pick(m.name, 'baseline'), damro: pick(m.name, 'damro') }]),
    ),
  };
}

export const gpt4vBenchmark: Benchmark<Gpt4vItem> = {
  name: 'gpt4v',
  label: 'GPT-4V-aided (30 COCO images)',
  splits: ['coco30'],
  sources: () => [GPT4V_SOURCE],
  parse(files) {
    const text = sourceText(files, GPT4V_SOURCE, 'GPT-4V-aided item list');
    return parseJsonLines(text, 'GPT-4V-aided item list').map(({ record, where }) => {
      const id = field(record, 'id', 'string', where);
      const instruction = field(record, 'instruction', 'string', where);
      return {
        key: keyOf(id, instruction),
        image: field(record, 'image', 'string', where),
        prompt: instruction,
        id,
        type: field(record, 'type', 'string', where),
      };
    });
  },
  // run_gpt4v_aided.py's record.
  record: (item, output, modelId) => ({
    id: item.id,
    prompt: item.prompt,
    output,
    model_id: modelId,
    image: item.image,
  }),
  readRecord: (record, where) => ({
    key: keyOf(field(record, 'id', 'string', where), field(record, 'prompt', 'string', where)),
    output: field(record, 'output', 'string', where),
  }),
  score(items, _outputs, split, context) {
    const judgements = context.judgements;
    if (!judgements)
      throw new LensError('internal', "GPT-4V-aided scoring needs the judge's verdicts; judge the answers first.");
    const perItem: ItemScores[] = items.map((item) => {
      const judgement = judgements.get(item.key);
      if (!judgement)
        throw new LensError(
          'bad-request',
          `The item ${item.id} (${item.type}) has no judge verdict; run the judging again to finish it.`,
        );
      const base = { key: item.key, image: item.image, group: item.type };
      const { scores } = judgement;
      if (!scores) return { ...base, problem: judgement.problem ?? 'no scores' };
      const values = {
        accuracy: { baseline: scores.accuracy[0], damro: scores.accuracy[1] },
        detailedness: { baseline: scores.detailedness[0], damro: scores.detailedness[1] },
      };
      return { ...base, values };
    });
    const scored = perItem.filter((s) => s.values);
    const malformed = perItem.length - scored.length;
    const types = TYPES.filter((t) => items.some((item) => item.type === t));
    return {
      benchmark: 'gpt4v',
      split,
      metrics: METRICS,
      rows: [
        row('all', scored),
        ...types.map((t) =>
          row(
            t,
            scored.filter((s) => s.group === t),
          ),
        ),
      ],
      notes: [
        `${scored.length} of ${perItem.length} items scored`,
        `${malformed} malformed judge answer${malformed === 1 ? '' : 's'} left out of the averages`,
        'Assistant 1 = baseline, Assistant 2 = DAMRO',
      ],
      items: perItem,
    };
  },
};

/** One row of the paper's GPT-4V-aided table: mean accuracy (A) and detailedness (D) per method. */
export interface Gpt4vComparisonRow {
  readonly model: string;
  readonly source: 'paper' | 'this run';
  readonly original: { readonly accuracy: number; readonly detailedness: number };
  readonly damro: { readonly accuracy: number; readonly detailedness: number };
}

/** src/core/damro-spec.md §4.4 (means over the 90 items, GPT-4V as the judge). */
export const PAPER_GPT4V: readonly Gpt4vComparisonRow[] = [
  {
    model: 'LLaVA-1.5',
    source: 'paper',
    original: { accuracy: 5.356, detailedness: 5.067 },
    damro: { accuracy: 6.611, detailedness: 6.078 },
  },
  {
    model: 'LLaVA-NeXT',
    source: 'paper',
    original: { accuracy: 6.456, detailedness: 6.332 },
    damro: { accuracy: 7.189, detailedness: 6.656 },
  },
  {
    model: 'InstructBLIP',
    source: 'paper',
    original: { accuracy: 5.833, detailedness: 5.4 },
    damro: { accuracy: 6.756, detailedness: 5.967 },
  },
];

/** The paper's table with this run's overall means as the last row, laid out as the paper prints it. */
export function gpt4vComparison(summary: BenchmarkSummary, model: string): Gpt4vComparisonRow[] {
  const all = summary.rows.find((r) => r.group === 'all')!.values;
  const method = (m: Method) => ({ accuracy: valueOf(all.accuracy!, m), detailedness: valueOf(all.detailedness!, m) });
  return [...PAPER_GPT4V, { model, source: 'this run', original: method('baseline'), damro: method('damro') }];
}

/** "5.356 / 5.067": three decimals as the paper prints, n/a when no item was scored. */
export const formatAD = (pair: Gpt4vComparisonRow['original']) =>
  [pair.accuracy, pair.detailedness].map((v) => (Number.isNaN(v) ? 'n/a' : v.toFixed(3))).join(' / ');
