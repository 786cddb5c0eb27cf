// Vision-encoder taps for DAMRO's outlier scores (src/core/damro-spec.md §1.2) at one layer (vision_feature_layer, the
// penultimate layer, for LLaVA). Per scorer: which tensors leave the graph, and how they become one score per
// token. The CLS scores come from the raw q_proj/k_proj rows through src/core, exactly as DAMRO's released code
// computes them; the head-mean CLS row and the received attention are reduced inside the graph, since a full
// [heads, tokens, tokens] map is tens of MB for a 729-token SigLIP. Where the attention is a fused
// MultiHeadAttention op, every attention scorer reads the op's q and k inputs (plus its bias) instead and
// recomputes the rows it needs on the CPU.
import { outlierScorer, scoreOutliers, type OutlierScorerName } from '../../core/attention/outliers';
import { LensError } from '../../protocol/errors';
import type { AttentionSite } from '../onnx/sites/site';
import type { TapNodes } from '../onnx/tap-nodes';
import { editForTaps, float32Of, type TapEdit, type TapTensor } from './edit';

export interface VisionTapRequest {
  /** Encoder layer (num_hidden_layers + vision_feature_layer for LLaVA); a negative one counts from the last. */
  readonly layer: number;
  readonly scorers: readonly OutlierScorerName[];
  /**
   * The tower encodes one image per pass and may keep no batch axis (Qwen2-VL's exports: probabilities [heads, T, T],
   * hidden states [T, hidden]); the exposed tensors are then given a batch axis of one, whatever the export's rank.
   */
  readonly oneImage?: boolean;
}

export interface VisionTap {
  readonly layer: number;
  /** Graph outputs to fetch, float32, on the CPU. */
  readonly outputs: readonly string[];
  /** The outputs each requested scorer reads, in order. */
  readonly reads: Readonly<Partial<Record<OutlierScorerName, readonly string[]>>>;
  /** Set when the layer's attention is a fused op, whose rows are recomputed with its head count. */
  readonly fused?: FusedLayout;
}

interface FusedLayout {
  readonly heads: number;
  readonly scale?: number;
}

type Exposed = { data: Float32Array; dims: readonly number[] };

export type VisionScores = Partial<Record<OutlierScorerName, Float32Array>>;

interface ScorerTap {
  expose(site: AttentionSite, nodes: TapNodes, oneImage: boolean): string[];
  /** Rank each exposed output must have, where the reduction depends on the [batch, heads, T, T] layout. */
  readonly ranks?: readonly number[];
  /** Scores of one image from the exposed tensors ([batch, …] each). */
  read(tensors: Exposed[], image: number, fused: FusedLayout | undefined): Float32Array;
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
  if (image < 0 || image >= t.dims[0]!)
    throw new LensError('bad-request', `Image ${image} is not in a batch of ${t.dims[0]}.`);
  return t.data.subarray(image * size, (image + 1) * size);
};

/** q and k of a fused op's inputs (and its packed bias), or the traced q_proj / k_proj outputs. */
function exposeQk(site: AttentionSite, nodes: TapNodes, scorer: string): string[] {
  if (site.fused)
    return [site.fused.query, site.fused.key, ...(site.fused.bias ? [site.fused.bias] : [])].map((t) =>
      nodes.float32(t),
    );
  return [
    nodes.float32(need(site, site.queryProjection, 'the q_proj output', scorer)),
    nodes.float32(need(site, site.keyProjection, 'the k_proj output', scorer)),
  ];
}

/** One image's q/k rows, with a fused op's bias added as the op adds it (Q|K|V packed in one vector). */
function qkInput([q, k, bias]: Exposed[], image: number, heads: number, scale?: number) {
  const [tokens, dModel] = lastTwo(q!.dims);
  const rows = { q: imageRows(q!, image), k: imageRows(k!, image) };
  if (bias) {
    const add = (x: Float32Array, from: number) => x.map((v, i) => v + bias.data[from + (i % dModel)]!);
    Object.assign(rows, { q: add(rows.q, 0), k: add(rows.k, dModel) });
  }
  return { kind: 'qk' as const, ...rows, tokens, dModel, heads, ...(scale !== undefined && { scale }) };
}

/** Probability reductions read from the graph where it has probabilities, recomputed from q/k where it does not. */
function probsOrQk(site: AttentionSite, nodes: TapNodes, scorer: string, reduce: (probs: string) => string): string[] {
  return site.probs ? [nodes.float32(reduce(site.probs))] : exposeQk(site, nodes, scorer);
}

const SCORER_TAPS: Record<OutlierScorerName, ScorerTap> = {
  'clip-single-head': {
    expose: (site, nodes) => exposeQk(site, nodes, 'clip-single-head'),
    // One full-width "head": the head count only matters to the per-head scorers.
    read: (tensors, image) => scoreOutliers('clip-single-head', qkInput(tensors, image, 1)),
  },
  'head-mean': {
    // probs [B, H, T, T] → CLS query row [B, H, 1, T] → mean over heads [B, 1, T].
    expose: (site, nodes) =>
      probsOrQk(site, nodes, 'head-mean', (probs) => nodes.reduceMean(nodes.slice(probs, -2, 0, 1), [1], false)),
    ranks: [3],
    // The CLS column is dropped without renormalising, as the released code does.
    read: (tensors, image, fused) =>
      fused
        ? scoreOutliers('head-mean', qkInput(tensors, image, fused.heads, fused.scale))
        : imageRows(tensors[0]!, image).slice(1),
  },
  'mean-received-attention': {
    // probs [B, H, T, T] → mean over heads and queries [B, T]; one image's [(1,) H, T, T] → [1, T].
    expose: (site, nodes, oneImage) =>
      probsOrQk(site, nodes, 'mean-received-attention', (probs) =>
        oneImage
          ? nodes.op('Reshape', [nodes.reduceMean(probs, [-3, -2], false), nodes.ints([1, -1])])
          : nodes.reduceMean(probs, [1, 2], false),
      ),
    ranks: [2],
    read: (tensors, image, fused) =>
      fused
        ? scoreOutliers('mean-received-attention', qkInput(tensors, image, fused.heads, fused.scale))
        : imageRows(tensors[0]!, image).slice(),
  },
  'token-norm': {
    expose: (site, nodes, oneImage) => {
      const hidden = nodes.float32(need(site, site.layerOutput, 'the output hidden states', 'token-norm'));
      if (!oneImage) return [hidden];
      // [(1,) T, hidden] → [1, T, hidden].
      const width = nodes.slice(nodes.op('Shape', [hidden]), 0, -1);
      return [nodes.op('Reshape', [hidden, nodes.concat([nodes.ints([1, -1]), width], 0)])];
    },
    read: ([hidden], image) => {
      const [tokens, dModel] = lastTwo(hidden!.dims);
      return scoreOutliers('token-norm', { kind: 'hidden', hidden: imageRows(hidden!, image), tokens, dModel });
    },
  },
};

/** The vision encoder file with the requested scorers' tensors added as outputs. */
export function tapVisionEncoder(bytes: Uint8Array, request: VisionTapRequest): TapEdit<VisionTap> {
  if (request.scorers.length === 0)
    throw new LensError('bad-request', 'A vision tap needs at least one outlier scorer.');
  for (const name of request.scorers) outlierScorer(name);
  return editForTaps(bytes, 'vision encoder', `vision/layer${request.layer}`, (sites, nodes) => {
    const layer = request.layer < 0 ? sites.length + request.layer : request.layer;
    const site = sites[layer];
    if (!Number.isInteger(request.layer) || !site) {
      throw new LensError(
        'bad-request',
        `Vision layer ${request.layer} requested, but the encoder graph has attention in layers 0..${sites.length - 1}.`,
      );
    }
    const reads: Partial<Record<OutlierScorerName, string[]>> = {};
    for (const name of new Set(request.scorers))
      reads[name] = SCORER_TAPS[name].expose(site, nodes, request.oneImage ?? false);
    const fused = site.fused
      ? { fused: { heads: site.fused.heads, ...(site.fused.scale !== undefined && { scale: site.fused.scale }) } }
      : {};
    return {
      outputs: Object.values(reads).flat(),
      tap: { layer, outputs: Object.values(reads).flat(), reads, ...fused },
    };
  });
}

/** One score per token of image `image` for every scorer the tap was made for (CLS scorers: patches only). */
export function readVisionScores(
  tap: VisionTap,
  outputs: Readonly<Record<string, TapTensor>>,
  image = 0,
): VisionScores {
  const scores: VisionScores = {};
  for (const [name, names] of Object.entries(tap.reads) as [OutlierScorerName, readonly string[]][]) {
    const scorer = SCORER_TAPS[name];
    // The rank checks guard graph-side reductions over probabilities; recomputed rows have none.
    scores[name] = scorer.read(
      names.map((n, i) => float32Of(outputs, n, tap.fused ? undefined : scorer.ranks?.[i])),
      image,
      tap.fused,
    );
  }
  return scores;
}
