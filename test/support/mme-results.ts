// MME results files the tests write themselves (MME's own lists are not ours to ship): per category, a pattern
// of image pairs, each question's first of a pair has ground truth Yes and the second No, as in MME's files.
// 'R' answers right, 'W' answers the opposite, 'O' answers neither yes nor no.
import { formatMmeLine, MME_COGNITION, MME_PERCEPTION, type MmeCategory } from '../../src/core/metrics/mme';

export type PairPattern = `${'R' | 'W' | 'O'}${'R' | 'W' | 'O'}`;

export const MME_PATTERNS: Readonly<Record<MmeCategory, readonly PairPattern[]>> = {
  existence: ['RR', 'RR', 'RR', 'RW', 'WW'],
  count: ['RR', 'RW'],
  position: ['RO'],
  color: ['RR'],
  posters: ['RW', 'RW', 'RW'],
  celebrity: ['RR', 'RR', 'RR', 'WW'],
  scene: ['WW'],
  landmark: ['RR', 'RW', 'WR'],
  artwork: ['RR', 'RR', 'RW'],
  OCR: ['OO', 'RR'],
  commonsense_reasoning: ['RR', 'RW', 'RR', 'RR'],
  numerical_calculation: ['RW'],
  text_translation: ['OO', 'OO'],
  code_reasoning: ['RR', 'RR', 'RR', 'RR', 'RW'],
};

const ANSWER = {
  R: (gt: string) => gt,
  W: (gt: string) => (gt === 'Yes' ? 'No' : 'Yes'),
  O: () => 'The picture is unclear.',
};

export function mmeSourcePath(category: string): string {
  return `coder-gx__DAMRO/evaluation/eval_mme/Your_Results/${category}.txt`;
}

/** One category's results file: image, question, ground truth and the pattern's output on every line. */
export function mmeResultsFile(category: MmeCategory): string {
  return MME_PATTERNS[category]
    .flatMap((pair, image) =>
      (['Yes', 'No'] as const).map((gt, q) =>
        formatMmeLine(
          `${category}_${image}.jpg`,
          `Question ${q + 1} about ${category} image ${image}? Please answer yes or no.`,
          gt,
          ANSWER[pair[q] as 'R' | 'W' | 'O'](gt),
        ),
      ),
    )
    .join('');
}

/** Every category's file keyed by the path a benchmark names it with. */
export function mmeSourceFiles(
  categories: readonly MmeCategory[] = [...MME_PERCEPTION, ...MME_COGNITION],
): Record<string, string> {
  return Object.fromEntries(categories.map((c) => [mmeSourcePath(c), mmeResultsFile(c)]));
}
