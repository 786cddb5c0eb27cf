// POPE (src/core/damro-spec.md §3.1). DAMRO scores answers with the VCD substring rule, which is asymmetric and
// lenient ("i don't know" contains "no"); the official POPE rule is offered for comparison.
import { LensError } from '../../protocol/errors';
import { addCount, zeroCounts, type Counts } from './accumulate';

export const POPE_OUTCOMES = ['tp', 'fn', 'tn', 'fp', 'unknown'] as const;
export type PopeOutcome = (typeof POPE_OUTCOMES)[number];
export type PopeCounts = Counts<PopeOutcome>;

export interface PopeRule {
  readonly label: string;
  /** Where one answer to a question with GT `label` lands in the confusion matrix. */
  readonly classify: (label: string, output: string) => PopeOutcome;
}

function damroRule(label: string, output: string): PopeOutcome {
  const gt = label.toLowerCase().trim();
  const answer = output.toLowerCase().trim();
  if (gt === 'yes') return answer.includes('yes') ? 'tp' : 'fn';
  if (gt === 'no') return answer.includes('no') ? 'tn' : 'fp';
  return 'unknown';
}

// Official rule: first sentence, commas removed, split on single spaces, case-sensitive "No"/"no"/"not".
function officialRule(label: string, output: string): PopeOutcome {
  const firstSentence = output.split('.')[0].replaceAll(',', '');
  const saysNo = firstSentence.split(' ').some((w) => w === 'No' || w === 'no' || w === 'not');
  if (label === 'no') return saysNo ? 'tn' : 'fp';
  return saysNo ? 'fn' : 'tp';
}

export const POPE_RULES = {
  damro: { label: 'DAMRO/VCD rule: "yes" / "no" substring of the lower-cased answer', classify: damroRule },
  official: {
    label: 'official POPE rule: "No", "no" or "not" as a word of the first sentence',
    classify: officialRule,
  },
} as const satisfies Record<string, PopeRule>;

export type PopeRuleName = keyof typeof POPE_RULES;

/** Confusion-matrix cell of one answer under the named rule (default: DAMRO's). */
export function classifyPope(label: string, output: string, rule: PopeRuleName = 'damro'): PopeOutcome {
  const entry: PopeRule | undefined = (POPE_RULES as Record<string, PopeRule>)[rule];
  if (!entry)
    throw new LensError(
      'bad-request',
      `Unknown POPE rule '${rule}'; use one of ${Object.keys(POPE_RULES).join(', ')}.`,
    );
  return entry.classify(label, output);
}

/** Empty POPE counts, the start of a streaming tally. */
export function emptyPopeCounts(): PopeCounts {
  return zeroCounts(POPE_OUTCOMES);
}

/** Counts with one more answer tallied; merge shards with mergeCounts. */
export function tallyPope(counts: PopeCounts, label: string, output: string, rule: PopeRuleName = 'damro'): PopeCounts {
  return addCount(counts, classifyPope(label, output, rule));
}

export interface PopeMetrics {
  readonly total: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly accuracy: number;
  readonly yesRatio: number;
  readonly unknownRatio: number;
}

/** The reference formulas over all N questions (unknown labels included in N); NaN where a denominator is 0. */
export function popeMetrics(counts: PopeCounts): PopeMetrics {
  const { tp, fn, tn, fp, unknown } = counts;
  const total = tp + fn + tn + fp + unknown;
  const ratio = (a: number, b: number) => (b === 0 ? Number.NaN : a / b);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    total,
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    accuracy: ratio(tp + tn, total),
    yesRatio: ratio(tp + fp, total),
    unknownRatio: ratio(unknown, total),
  };
}

export interface PopeQuestion {
  readonly questionId: number;
  readonly image: string;
  readonly text: string;
  readonly label: string;
}

/** Parses a POPE question file (JSON lines of {question_id, image, text, label}); blank lines are skipped. */
export function parsePopeQuestions(jsonl: string): PopeQuestion[] {
  const questions: PopeQuestion[] = [];
  jsonl.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new LensError(
        'bad-request',
        `POPE file line ${i + 1} is not valid JSON; the file may be truncated or not JSON lines.`,
      );
    }
    const r = record as Record<string, unknown>;
    if (
      typeof r.question_id !== 'number' ||
      typeof r.image !== 'string' ||
      typeof r.text !== 'string' ||
      typeof r.label !== 'string'
    ) {
      throw new LensError(
        'bad-request',
        `POPE file line ${i + 1} lacks question_id (number), image, text or label (strings); is this a POPE question file?`,
      );
    }
    questions.push({ questionId: r.question_id, image: r.image, text: r.text, label: r.label });
  });
  return questions;
}

export interface PopeAnswer {
  readonly questionId: number;
  readonly output: string;
}

/** Tallies answers against the leading questions line by line; like the reference, ids must match in order. */
export function countPopeAnswers(
  questions: readonly PopeQuestion[],
  answers: readonly PopeAnswer[],
  rule: PopeRuleName = 'damro',
): PopeCounts {
  if (answers.length > questions.length) {
    throw new LensError(
      'bad-request',
      `There are ${answers.length} answers for ${questions.length} questions; use the answers of this question file.`,
    );
  }
  let counts = emptyPopeCounts();
  answers.forEach((answer, i) => {
    if (answer.questionId !== questions[i].questionId) {
      throw new LensError(
        'bad-request',
        `Answer ${i + 1} is for question ${answer.questionId} but question ${i + 1} is ${questions[i].questionId}; answers must follow the question file's order.`,
      );
    }
    counts = tallyPope(counts, questions[i].label, answer.output, rule);
  });
  return counts;
}
