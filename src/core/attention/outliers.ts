// DAMRO step 1 (src/core/damro-spec.md §1.2): score the vision encoder's patches by how much attention the CLS token
// pays them at one layer, then take the top k as "outlier" tokens. Scorers work from the layer's raw q/k
// rows because the exact formula differs per model (one full-width softmax for CLIP, a head mean for EVA),
// and encoders without a CLS token get clearly labelled substitutes instead of a silent approximation.
import { LensError } from '../../protocol/errors';
import { topK } from '../tensor/topk';

/** One vision layer's raw q_proj / k_proj outputs (bias included, no query scaling), row-major [tokens, dModel]. */
export interface QkRows {
  readonly kind: 'qk';
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly tokens: number;
  readonly dModel: number;
  readonly heads: number;
  /**
   * The model's own per-head score scale (a fused op's explicit `scale` attribute); 1/√headDim when absent.
   * The single-head CLIP score keeps its full-width 1/√dModel, which is DAMRO's definition, not the model's.
   */
  readonly scale?: number;
}

/** Per-head attention probabilities, row-major [heads, tokens (queries), tokens (keys)]. */
export interface AttentionProbs {
  readonly kind: 'attention';
  readonly probs: Float32Array;
  readonly heads: number;
  readonly tokens: number;
}

/** Hidden states, row-major [tokens, dModel]. */
export interface HiddenStates {
  readonly kind: 'hidden';
  readonly hidden: Float32Array;
  readonly tokens: number;
  readonly dModel: number;
}

export type OutlierInput = QkRows | AttentionProbs | HiddenStates;

export interface OutlierScorer {
  /** True only for the paper's own computation. */
  readonly faithful: boolean;
  /** What the UI shows next to the scores. */
  readonly label: string;
  /** Whether token 0 is CLS (and therefore not scored). */
  readonly hasCls: boolean;
  /** One score per patch, in raster order. */
  readonly score: (input: OutlierInput) => Float32Array;
}

function checkQk(input: QkRows): number {
  const { q, k, tokens, dModel, heads } = input;
  if (q.length !== tokens * dModel || k.length !== tokens * dModel) {
    throw new LensError(
      'bad-request',
      `q/k rows hold ${q.length} and ${k.length} values but [tokens ${tokens}, dModel ${dModel}] needs ${tokens * dModel}; check the vision layer hook.`,
    );
  }
  if (!Number.isInteger(heads) || heads < 1 || dModel % heads !== 0) {
    throw new LensError('bad-request', `dModel ${dModel} does not split into ${heads} heads; check the model config.`);
  }
  return dModel / heads;
}

// Softmax over all keys of one query row within channel slice [from, from+width), scaled by scale.
function attentionRow(
  input: QkRows,
  query: number,
  from: number,
  width: number,
  scale: number,
  out: Float64Array,
): void {
  const { q, k, tokens, dModel } = input;
  const qBase = query * dModel + from;
  let max = -Infinity;
  for (let j = 0; j < tokens; j++) {
    const kBase = j * dModel + from;
    let dot = 0;
    for (let d = 0; d < width; d++) dot += q[qBase + d] * k[kBase + d];
    out[j] = dot * scale;
    if (out[j] > max) max = out[j];
  }
  let sum = 0;
  for (let j = 0; j < tokens; j++) {
    out[j] = Math.exp(out[j] - max);
    sum += out[j];
  }
  for (let j = 0; j < tokens; j++) out[j] /= sum;
}

function requireKind<K extends OutlierInput['kind']>(
  input: OutlierInput,
  name: string,
  kinds: readonly K[],
): Extract<OutlierInput, { kind: K }> {
  if (!(kinds as readonly string[]).includes(input.kind)) {
    throw new LensError(
      'bad-request',
      `Outlier scorer '${name}' needs ${kinds.join(' or ')} input, got ${input.kind}.`,
    );
  }
  return input as Extract<OutlierInput, { kind: K }>;
}

function clsRowScores(input: QkRows, name: string, perHead: boolean): Float32Array {
  const headDim = checkQk(input);
  if (input.tokens < 2)
    throw new LensError(
      'bad-request',
      `Outlier scorer '${name}' needs CLS plus at least one patch, got ${input.tokens} tokens.`,
    );
  const slices = perHead ? input.heads : 1;
  const width = perHead ? headDim : input.dModel;
  const scale = perHead ? (input.scale ?? 1 / Math.sqrt(headDim)) : 1 / Math.sqrt(width);
  const row = new Float64Array(input.tokens);
  const sum = new Float64Array(input.tokens);
  for (let h = 0; h < slices; h++) {
    attentionRow(input, 0, h * width, width, scale, row);
    for (let j = 0; j < input.tokens; j++) sum[j] += row[j];
  }
  // The CLS column is dropped without renormalising, as the released code does.
  const scores = new Float32Array(input.tokens - 1);
  for (let j = 1; j < input.tokens; j++) scores[j - 1] = sum[j] / slices;
  return scores;
}

function meanReceived(input: OutlierInput): Float32Array {
  const source = requireKind(input, 'mean-received-attention', ['attention', 'qk']);
  const { tokens, heads } = source;
  const total = new Float64Array(tokens);
  if (source.kind === 'attention') {
    if (source.probs.length !== heads * tokens * tokens) {
      throw new LensError(
        'bad-request',
        `Attention holds ${source.probs.length} values but [heads ${heads}, ${tokens}, ${tokens}] needs ${heads * tokens * tokens}.`,
      );
    }
    for (let r = 0; r < heads * tokens; r++) for (let j = 0; j < tokens; j++) total[j] += source.probs[r * tokens + j];
  } else {
    const headDim = checkQk(source);
    const row = new Float64Array(tokens);
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < tokens; i++) {
        attentionRow(source, i, h * headDim, headDim, source.scale ?? 1 / Math.sqrt(headDim), row);
        for (let j = 0; j < tokens; j++) total[j] += row[j];
      }
    }
  }
  return Float32Array.from(total, (t) => t / (heads * tokens));
}

function tokenNorm(input: OutlierInput): Float32Array {
  const { hidden, tokens, dModel } = requireKind(input, 'token-norm', ['hidden']);
  if (hidden.length !== tokens * dModel) {
    throw new LensError(
      'bad-request',
      `Hidden states hold ${hidden.length} values but [tokens ${tokens}, dModel ${dModel}] needs ${tokens * dModel}.`,
    );
  }
  const norms = new Float32Array(tokens);
  for (let t = 0; t < tokens; t++) {
    let sq = 0;
    for (let d = 0; d < dModel; d++) sq += hidden[t * dModel + d] ** 2;
    norms[t] = Math.sqrt(sq);
  }
  return norms;
}

const NO_CLS = 'adapted outlier score: this encoder has no CLS token';

export const OUTLIER_SCORERS = {
  'clip-single-head': {
    faithful: true,
    label: 'DAMRO outlier score: CLS attention, one softmax over the full width (LLaVA-1.5 / CLIP)',
    hasCls: true,
    score: (input) => clsRowScores(requireKind(input, 'clip-single-head', ['qk']), 'clip-single-head', false),
  },
  'head-mean': {
    faithful: true,
    label: 'DAMRO outlier score: CLS attention, mean of per-head softmaxes (InstructBLIP / EVA)',
    hasCls: true,
    score: (input) => clsRowScores(requireKind(input, 'head-mean', ['qk']), 'head-mean', true),
  },
  'mean-received-attention': {
    faithful: false,
    label: `${NO_CLS} (mean attention each patch receives over all queries and heads)`,
    hasCls: false,
    score: meanReceived,
  },
  'token-norm': {
    faithful: false,
    label: `${NO_CLS} (L2 norm of each patch's hidden state)`,
    hasCls: false,
    score: tokenNorm,
  },
} as const satisfies Record<string, OutlierScorer>;

export type OutlierScorerName = keyof typeof OUTLIER_SCORERS;

/** The named scorer; throws a LensError naming the scorers when the name is unknown. */
export function outlierScorer(name: string): OutlierScorer {
  const scorer: OutlierScorer | undefined = (OUTLIER_SCORERS as Record<string, OutlierScorer>)[name];
  if (!scorer)
    throw new LensError(
      'bad-request',
      `Unknown outlier scorer '${name}'; use one of ${Object.keys(OUTLIER_SCORERS).join(', ')}.`,
    );
  return scorer;
}

/** Scores every patch with the named scorer (see outlierScorer for an unknown name). */
export function scoreOutliers(name: string, input: OutlierInput): Float32Array {
  return outlierScorer(name).score(input);
}

/**
 * DAMRO's k outliers: the k highest-scoring patches in descending order, lower index on ties, as DAMRO's torch.topk
 * returns them. A k outside 1…patches is refused rather than clamped, so a caption is never labelled with a k it was
 * not decoded with.
 */
export function selectOutliers(scores: ArrayLike<number>, k: number, setting = "DAMRO's k"): number[] {
  if (!Number.isInteger(k) || k < 1 || k > scores.length) {
    throw new LensError(
      'bad-request',
      `${setting} must be between 1 and the ${scores.length} image tokens of this model; got ${k}.`,
    );
  }
  return topK(scores, k);
}
