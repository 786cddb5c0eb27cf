// Per-token and per-image evidence records: each object word of a caption with its label and the measures of
// the step that wrote its first character; each image with how concentrated and where its outliers are.
import { LensError } from '../../protocol/errors';
import type { CaptionEvidence, ImageEvidence, StepAttentionMeasures } from '../../protocol/evidence';
import type { Method } from '../eval/benchmark';
import { spearman } from '../stats/spearman';

export type EvidenceLabel = 'grounded' | 'hallucinated' | 'unverifiable';
export const EVIDENCE_LABELS: readonly EvidenceLabel[] = ['grounded', 'hallucinated', 'unverifiable'];

/** A labelled span of a caption (core/labels WordLabel fits). */
export interface LabelledSpan {
  readonly kind: EvidenceLabel;
  readonly start: number;
  readonly end: number;
}

/**
 * The labels that carry a verdict: a word still being checked (its image's ground truth not known yet) is no record.
 */
export function verdictSpans(
  labels: readonly { readonly kind: EvidenceLabel | 'unchecked'; readonly start: number; readonly end: number }[],
): LabelledSpan[] {
  return labels.filter((label): label is LabelledSpan => label.kind !== 'unchecked');
}

export interface TokenRecord {
  readonly image: string;
  /** The caption (baseline, DAMRO) or compared method whose decoder row wrote the word. */
  readonly method: Method;
  readonly step: number;
  readonly word: string;
  readonly label: EvidenceLabel;
  /** Per decoder layer. */
  readonly share: readonly number[];
  readonly overlap: readonly number[];
  readonly entropy: readonly number[];
}

/** The step whose token holds caption character `at`: the first whose text end is past it. */
export function stepAt(stepEnds: readonly number[], at: number): number | undefined {
  let lo = 0;
  let hi = stepEnds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stepEnds[mid] > at) hi = mid;
    else lo = mid + 1;
  }
  return lo < stepEnds.length ? lo : undefined;
}

/**
 * One record per labelled word, at the step that began it (the step where the model chose the object), with
 * that step's measures. A span beyond the caption's steps (a caption cut short by a cancel) is skipped.
 */
export function tokenRecordsAt(
  image: string,
  method: Method,
  caption: string,
  labels: readonly LabelledSpan[],
  stepEnds: readonly number[],
  measuresAt: (step: number) => StepAttentionMeasures,
): TokenRecord[] {
  return labels.flatMap((label) => {
    const step = stepAt(stepEnds, label.start);
    if (step === undefined) return [];
    const { share, overlap, entropy } = measuresAt(step);
    return [
      { image, method, step, word: caption.slice(label.start, label.end), label: label.kind, share, overlap, entropy },
    ];
  });
}

/** tokenRecordsAt over a caption whose every step was measured (a benchmark answer's evidence). */
export function tokenRecords(
  image: string,
  method: Method,
  caption: string,
  labels: readonly LabelledSpan[],
  evidence: CaptionEvidence,
): TokenRecord[] {
  if (evidence.stepEnds.length !== evidence.steps.length) {
    throw new LensError(
      'bad-request',
      `The ${method} caption of ${image} has ${evidence.stepEnds.length} step ends but ${evidence.steps.length} steps of attention; the records file is damaged.`,
    );
  }
  return tokenRecordsAt(image, method, caption, labels, evidence.stepEnds, (step) => evidence.steps[step]);
}

export interface ImageRecord {
  readonly image: string;
  readonly k: number;
  /** The encoder's score mass on its top-k (of a CLS row: the CLS attention they take). */
  readonly topKMass: number;
  /** Spearman's ρ between score and token norm over the image tokens. */
  readonly scoreNormSpearman: number;
  /** Fraction of the outliers on the grid's outer ring, and that ring's share of all tokens (chance level). */
  readonly outliersOnBorder: number;
  readonly borderChance: number;
  /** With detections: fraction of outliers on no detected object, and the uncovered share of tokens. */
  readonly outliersOnBackground?: number;
  readonly backgroundChance?: number;
}

/** `objectCells` are the image tokens a detected object covers (absent when no detector ran). */
export function imageRecord(image: string, evidence: ImageEvidence, objectCells?: ReadonlySet<number>): ImageRecord {
  const { grid, scores, norms, outliers } = evidence;
  const cells = grid.rows * grid.cols;
  if (scores.length !== cells || norms.length !== cells) {
    throw new LensError(
      'bad-request',
      `${image}: ${scores.length} scores and ${norms.length} norms for a ${grid.rows}×${grid.cols} token grid; the records file is damaged.`,
    );
  }
  const onBorder = (cell: number) => {
    const row = Math.floor(cell / grid.cols);
    const col = cell % grid.cols;
    return row === 0 || col === 0 || row === grid.rows - 1 || col === grid.cols - 1;
  };
  let borderCells = 0;
  for (let c = 0; c < cells; c++) if (onBorder(c)) borderCells++;
  const fraction = (test: (cell: number) => boolean) => outliers.filter(test).length / outliers.length;
  return {
    image,
    k: outliers.length,
    topKMass: outliers.reduce((s, i) => s + scores[i], 0),
    scoreNormSpearman: spearman(scores, norms),
    outliersOnBorder: fraction(onBorder),
    borderChance: borderCells / cells,
    ...(objectCells && {
      outliersOnBackground: fraction((c) => !objectCells.has(c)),
      backgroundChance: 1 - objectCells.size / cells,
    }),
  };
}
