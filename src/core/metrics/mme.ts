// MME (src/core/damro-spec.md §3.3), scored like the standard MME calculation tool DAMRO ships: answers are written as
// "image \t question \t gt \t output" lines, read back with their line ending attached, and paired per image.
import { LensError } from '../../protocol/errors';

export const MME_PERCEPTION = [
  'existence',
  'count',
  'position',
  'color',
  'posters',
  'celebrity',
  'scene',
  'landmark',
  'artwork',
  'OCR',
] as const;
export const MME_COGNITION = [
  'commonsense_reasoning',
  'numerical_calculation',
  'text_translation',
  'code_reasoning',
] as const;
/** The paper reports only these four, MME's hallucination subset. */
export const MME_HALLUCINATION_SUBSET = ['existence', 'count', 'position', 'color'] as const;

export type MmeCategory = (typeof MME_PERCEPTION)[number] | (typeof MME_COGNITION)[number];
export type MmeLabel = 'yes' | 'no' | 'other';

export interface MmeAnswer {
  readonly image: string;
  readonly question: string;
  readonly gt: string;
  /** The model output as read back from a results file, line ending included. */
  readonly output: string;
}

/** A results-file line for one answer; newlines and tabs in the output become spaces so the line stays one record. */
export function formatMmeLine(image: string, question: string, gt: string, output: string): string {
  return `${image}\t${question}\t${gt}\t${output.replace(/\r\n|[\r\n\t]/g, ' ')}\n`;
}

// Python's text-mode readlines(): \r\n and \r read as \n, and each line keeps its terminator.
function readLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Parses a results file; the output keeps its trailing newline because the reference parser sees it too. */
export function parseMmeResults(text: string): MmeAnswer[] {
  return readLines(text).map((line, i) => {
    const fields = line.split('\t');
    if (fields.length !== 4) {
      throw new LensError(
        'bad-request',
        `MME results line ${i + 1} has ${fields.length} tab-separated fields, not 4 (image, question, gt, output).`,
      );
    }
    const [image, question, gt, output] = fields;
    return { image, question, gt, output };
  });
}

/**
 * The reference answer parser. Lower-cased; exactly "yes"/"no"; else "yes" then "no" within the first 4
 * characters; else "other". Read back from a file, "yes\n" is not exactly "yes" but its first 4 characters
 * contain "yes", so the newline changes nothing for plain answers, yet it does occupy one of the 4 slots.
 */
export function parseMmeAnswer(output: string): MmeLabel {
  const answer = output.toLowerCase();
  if (answer === 'yes' || answer === 'no') return answer;
  // Python slices code points, not UTF-16 units.
  const prefix = Array.from(answer).slice(0, 4).join('');
  if (prefix.includes('yes')) return 'yes';
  if (prefix.includes('no')) return 'no';
  return 'other';
}

export interface MmeCategoryScore {
  readonly questions: number;
  readonly images: number;
  /** Share of questions answered right, in [0, 1]. */
  readonly acc: number;
  /** Share of images with both questions right, in [0, 1]. */
  readonly accPlus: number;
  /** 100·acc + 100·acc+, at most 200. */
  readonly score: number;
  /** Answers that parsed as neither yes nor no. */
  readonly other: number;
}

/** Scores one category; answers come in consecutive pairs, one pair per image, as in the results files. */
export function scoreMmeCategory(answers: readonly MmeAnswer[]): MmeCategoryScore {
  if (answers.length === 0 || answers.length % 2 !== 0) {
    throw new LensError(
      'bad-request',
      `An MME category needs its answers in pairs (two questions per image), got ${answers.length}.`,
    );
  }
  let correct = 0;
  let bothCorrect = 0;
  let other = 0;
  for (let i = 0; i < answers.length; i += 2) {
    let imageCorrect = 0;
    for (const answer of [answers[i], answers[i + 1]]) {
      const gt = answer.gt.toLowerCase();
      if (gt !== 'yes' && gt !== 'no')
        throw new LensError(
          'bad-request',
          `MME ground truth must be yes or no, got '${answer.gt}' for ${answer.image}.`,
        );
      const predicted = parseMmeAnswer(answer.output);
      if (predicted === 'other') other++;
      if (predicted === gt) imageCorrect++;
    }
    correct += imageCorrect;
    if (imageCorrect === 2) bothCorrect++;
  }
  const images = answers.length / 2;
  const acc = correct / answers.length;
  const accPlus = bothCorrect / images;
  return { questions: answers.length, images, acc, accPlus, score: 100 * acc + 100 * accPlus, other };
}

export interface MmeTotals {
  /** Sum of the scored perception categories (max 2000). */
  readonly perception: number;
  /** Sum of the scored cognition categories (max 800). */
  readonly cognition: number;
  /** Categories with no score yet, so a partial total is never mistaken for a full one. */
  readonly missing: MmeCategory[];
}

/** Group totals as MME defines them: sums of category scores. */
export function mmeTotals(scores: Partial<Record<MmeCategory, MmeCategoryScore>>): MmeTotals {
  const sum = (group: readonly MmeCategory[]) => group.reduce((total, c) => total + (scores[c]?.score ?? 0), 0);
  const missing = [...MME_PERCEPTION, ...MME_COGNITION].filter((c) => scores[c] === undefined);
  return { perception: sum(MME_PERCEPTION), cognition: sum(MME_COGNITION), missing };
}
