// Vision-encoder taps for DAMRO's outlier scores (damro-spec §1.2) at one layer (vision_feature_layer, the
// penultimate layer, for LLaVA). Per scorer: which tensors leave the graph, and how they become one score per
// token. The CLS scores come from the raw q_proj/k_proj rows through src/core, exactly as DAMRO's released code
// computes them; the head-mean CLS row and the received attention are reduced inside the graph, since a full
// [heads, tokens, tokens] map is tens of MB for a 729-token SigLIP.
import { OUTLIER_SCORERS, scoreOutliers, type OutlierScorerName } from '../../core/attention/outliers';
import { LensError } from '../../protocol/errors';
import type { AttentionSite } from '../onnx/sites/site';
import type { TapNodes } from '../onnx/tap-nodes';
import { editForTaps, float32Of, type TapEdit, type TapTensor } from './edit';

export interface VisionTapRequest {
  /** Absolute encoder layer (num_hidden_layers + vision_feature_layer for LLaVA). */
  readonly layer: number;
  readonly scorers: readonly OutlierScorerName[];
}

export interface VisionTap {
  readonly layer: number;
  /** Graph outputs to fetch, float32, on the CPU. */
  readonly outputs: readonly string[];
  /** The outputs each requested scorer reads, in order. */
  readonly reads: Readonly<Partial<Record<OutlierScorerName, readonly string[]>>>;
}

export type VisionScores = Partial<Record<OutlierScorerName, Float32Array>>;

interface ScorerTap {
  expose(site: AttentionSite, nodes: TapNodes): string[];
  /** Rank each exposed output must have, where the reduction depends on the [batch, heads, T, T] layout. */
  readonly ranks?: readonly number[];
  /** Scores of one image from the exposed tensors ([batch, …] each). */
  read(tensors: { data: Float32Array; dims: readonly number[] }[], image: number): Float32Array;
}

function need(site: AttentionSite, tensor: string | undefined, what: string, scorer: string): string {
  if (tensor) return tensor;
  throw new LensError(
    'attention-unavailable',
    `Outlier scorer '${scorer}' needs ${what} of vision layer ${site.layer}, but it could not be traced from the attention node '${site.node.name}'. Choose another outlier scorer for this model.`,
  );
}

/** [tokens, width] from the last two dims of a [batch, …, tokens, width] tensor. */
const lastTwo = (dims: readonly number[]) => [dims[dims.length - 2]!, dims[dims.length - 1]!] as const;

const imageRows = (t: { data: Float32Array; dims: readonly number[] }, image: number) => {
  const size = t.dims.slice(1).reduce((a, b) => a * b, 1);
  if (image < 0 || image >= t.dims[0]!) throw new LensError('bad-request', `Image ${image} is not in a batch of ${t.dims[0]}.`);
  return t.data.subarray(image * size, (image + 1) * size);
};

const SCORER_TAPS: Record<OutlierScorerName, ScorerTap> = {
  'clip-single-head': {
    expose: (site, nodes) => [
      nodes.float32(need(site, site.queryProjection, 'the q_proj output', 'clip-single-head')),
      nodes.float32(need(site, site.keyProjection, 'the k_proj output', 'clip-single-head')),
    ],
    read: ([q, k], image) => {
      const [tokens, dModel] = lastTwo(q!.dims);
      // One full-width "head": the head count only matters to the per-head scorers.
      return scoreOutliers('clip-single-head', { kind: 'qk', q: imageRows(q!, image), k: imageRows(k!, image), tokens, dModel, heads: 1 });
    },
  },
  'head-mean': {
    // probs [B, H, T, T] → CLS query row [B, H, 1, T] → mean over heads [B, 1, T].
    expose: (site, nodes) => [nodes.float32(nodes.reduceMean(nodes.slice(site.probs, -2, 0, 1), [1], false))],
    ranks: [3],
    // The CLS column is dropped without renormalising, as the released code does.
    read: ([row], image) => imageRows(row!, image).slice(1),
  },
  'mean-received-attention': {
    // probs [B, H, T, T] → mean over heads and queries [B, T].
    expose: (site, nodes) => [nodes.float32(nodes.reduceMean(site.probs, [1, 2], false))],
    ranks: [2],
    read: ([received], image) => imageRows(received!, image).slice(),
  },
  'token-norm': {
    expose: (site, nodes) => [nodes.float32(need(site, site.layerOutput, 'the output hidden states', 'token-norm'))],
    read: ([hidden], image) => {
      const [tokens, dModel] = lastTwo(hidden!.dims);
      return scoreOutliers('token-norm', { kind: 'hidden', hidden: imageRows(hidden!, image), tokens, dModel });
    },
  },
};

/** The vision encoder file with the requested scorers' tensors added as outputs. */
export function tapVisionEncoder(bytes: Uint8Array, request: VisionTapRequest): TapEdit<VisionTap> {
  if (request.scorers.length === 0) throw new LensError('bad-request', 'A vision tap needs at least one outlier scorer.');
  for (const name of request.scorers) {
    if (!(name in SCORER_TAPS)) throw new LensError('bad-request', `Unknown outlier scorer '${name}'; use one of ${Object.keys(OUTLIER_SCORERS).join(', ')}.`);
  }
  return editForTaps(bytes, 'vision encoder', `vision/layer${request.layer}`, (sites, nodes) => {
    const site = sites[request.layer];
    if (!Number.isInteger(request.layer) || !site) {
      throw new LensError('bad-request', `Vision layer ${request.layer} requested, but the encoder graph has attention in layers 0..${sites.length - 1}.`);
    }
    const reads: Partial<Record<OutlierScorerName, string[]>> = {};
    for (const name of new Set(request.scorers)) reads[name] = SCORER_TAPS[name].expose(site, nodes);
    return { outputs: Object.values(reads).flat(), tap: { layer: request.layer, outputs: Object.values(reads).flat(), reads } };
  });
}

/** One score per token of image `image` for every scorer the tap was made for (CLS scorers: patches only). */
export function readVisionScores(tap: VisionTap, outputs: Readonly<Record<string, TapTensor>>, image = 0): VisionScores {
  const scores: VisionScores = {};
  for (const [name, names] of Object.entries(tap.reads) as [OutlierScorerName, readonly string[]][]) {
    const scorer = SCORER_TAPS[name];
    scores[name] = scorer.read(
      names.map((n, i) => float32Of(outputs, n, scorer.ranks?.[i])),
      image,
    );
  }
  return scores;
}
