// MME (src/core/damro-spec.md §3.3): two yes/no questions per image. The question lists (with ground truth) are the
// category files of Your_Results; answers are scored by writing them in that same tab-separated layout and
// reading them back, exactly as eval_mme.py hands them to the MME calculation tool.
import { LensError } from '../../protocol/errors';
import {
  MME_COGNITION,
  MME_HALLUCINATION_SUBSET,
  MME_PERCEPTION,
  formatMmeLine,
  mmeTotals,
  parseMmeResults,
  scoreMmeCategory,
  type MmeCategory,
  type MmeCategoryScore,
} from '../metrics/mme';
import { methodsOf, perMethod, sourceText, valueOf, type Benchmark, type EvalItem, type MetricRow } from './benchmark';
import { field } from './records';

export interface MmeItem extends EvalItem {
  readonly category: MmeCategory;
  readonly question: string;
  readonly gt: string;
}

const CATEGORIES_OF: Readonly<Record<string, readonly MmeCategory[]>> = {
  all: [...MME_PERCEPTION, ...MME_COGNITION],
  hallucination: MME_HALLUCINATION_SUBSET,
};
const source = (category: string) => `coder-gx__DAMRO/evaluation/eval_mme/Your_Results/${category}.txt`;
const keyOf = (questionId: string, question: string) => `${questionId}\t${question}`;

const METRICS = [
  { name: 'acc', label: 'acc (%)', percent: true },
  { name: 'accPlus', label: 'acc+ (%)', percent: true },
  { name: 'score', label: 'score (max 200 per category)', percent: false },
] as const;

function categoriesOf(split: string): readonly MmeCategory[] {
  const categories = CATEGORIES_OF[split];
  if (!categories)
    throw new LensError('bad-request', `Unknown MME split '${split}'; use ${Object.keys(CATEGORIES_OF).join(' or ')}.`);
  return categories;
}

/** The reference results-file text of one category: one line per answer, read back as the tool reads it. */
export function mmeResultsText(items: readonly MmeItem[], outputs: readonly string[]): string {
  return items.map((item, i) => formatMmeLine(item.image, item.question, item.gt, outputs[i])).join('');
}

export const mmeBenchmark: Benchmark<MmeItem> = {
  name: 'mme',
  label: 'MME',
  splits: Object.keys(CATEGORIES_OF),
  sources: (split) => categoriesOf(split).map(source),
  parse(files, split) {
    return categoriesOf(split).flatMap((category) => {
      const text = sourceText(files, source(category), `MME question list of ${category}`);
      return parseMmeResults(text).map((line) => ({
        key: keyOf(`${category}/${line.image}`, line.question),
        image: line.image,
        folder: category,
        prompt: line.question,
        category,
        question: line.question,
        gt: line.gt,
      }));
    });
  },
  record: (item, output, modelId) => ({
    question_id: `${item.category}/${item.image}`,
    gt_answer: item.gt,
    category: item.category,
    prompt: item.question,
    output,
    model_id: modelId,
  }),
  readRecord: (record, where) => ({
    key: keyOf(field(record, 'question_id', 'string', where), field(record, 'prompt', 'string', where)),
    output: field(record, 'output', 'string', where),
  }),
  score(items, outputs, split) {
    const methods = methodsOf(outputs);
    const categories = categoriesOf(split).filter((c) => items.some((item) => item.category === c));
    const scores = perMethod(methods, (method) => {
      const byCategory: Partial<Record<MmeCategory, MmeCategoryScore>> = {};
      for (const category of categories) {
        const at = items.flatMap((item, i) => (item.category === category ? [i] : []));
        const text = mmeResultsText(
          at.map((i) => items[i]),
          at.map((i) => valueOf(outputs, method)[i]),
        );
        byCategory[category] = scoreMmeCategory(parseMmeResults(text));
      }
      return byCategory;
    });
    const pick = (category: MmeCategory, name: 'acc' | 'accPlus' | 'score') =>
      perMethod(methods, (method) => valueOf(scores, method)[category]![name]);
    const rows: MetricRow[] = categories.map((category) => ({
      group: category,
      values: { acc: pick(category, 'acc'), accPlus: pick(category, 'accPlus'), score: pick(category, 'score') },
    }));
    const totals = perMethod(methods, (method) => mmeTotals(valueOf(scores, method)));
    const total = (group: 'perception' | 'cognition') => ({
      group: group === 'perception' ? 'Perception' : 'Cognition',
      values: { score: perMethod(methods, (method) => valueOf(totals, method)[group]) },
    });
    if (categories.some((c) => (MME_PERCEPTION as readonly string[]).includes(c))) rows.push(total('perception'));
    if (categories.some((c) => (MME_COGNITION as readonly string[]).includes(c))) rows.push(total('cognition'));
    const missing = categoriesOf(split).filter((c) => !categories.includes(c));
    return {
      benchmark: 'mme',
      split,
      metrics: METRICS,
      rows,
      notes: [
        `${items.length} questions`,
        ...(missing.length ? [`not scored (no answers): ${missing.join(', ')}`] : []),
      ],
    };
  },
};
