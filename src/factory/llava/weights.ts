// Deterministic random weights for the synthetic LLaVA, with the structure that makes DAMRO meaningful:
// a few patches become high-norm outliers in the vision tower and draw most of the attention, as in real
// CLIP ViTs (Darcet et al., "Vision Transformers Need Registers"; src/core/damro-spec.md §1.1).
//
// How the outliers arise: the position embedding of the chosen patches carries a large component along a
// unit direction u; layer 0's MLP has one hidden unit that fires only on tokens dominated by u and writes a
// large multiple of u back into the residual stream (the high norm); every layer's key projection maps u onto
// a direction that all queries share through the query bias, so every query (CLS included) attends to them.
import { Rng } from '../rng';
import { headDim, patchCount, usedVisionLayers, type LlavaDims } from './dims';

/** A linear layer stored as the MatMul B operand: weight is [inDim, outDim] row-major. */
export interface Linear {
  weight: Float32Array;
  bias: Float32Array | null;
  inDim: number;
  outDim: number;
}

export interface LayerNormWeights {
  gamma: Float32Array;
  beta: Float32Array;
}

export interface VisionLayerWeights {
  layerNorm1: LayerNormWeights;
  q: Linear;
  k: Linear;
  v: Linear;
  out: Linear;
  layerNorm2: LayerNormWeights;
  fc1: Linear;
  fc2: Linear;
}

export interface VisionWeights {
  /** Conv weight [hidden, 3, patch, patch], no bias (as CLIP). */
  patchEmbedding: Float32Array;
  classEmbedding: Float32Array;
  /** [patches + 1, hidden]; row 0 is CLS. */
  positionEmbedding: Float32Array;
  preLayerNorm: LayerNormWeights;
  /** Only the layers the graph runs (0 .. L-2). */
  layers: VisionLayerWeights[];
  projector1: Linear;
  projector2: Linear;
}

export interface TextLayerWeights {
  inputNorm: Float32Array;
  q: Linear;
  k: Linear;
  v: Linear;
  o: Linear;
  postAttentionNorm: Float32Array;
  gate: Linear;
  up: Linear;
  down: Linear;
}

export interface TextWeights {
  /** [vocab, hidden] */
  embedTokens: Float32Array;
  layers: TextLayerWeights[];
  norm: Float32Array;
  lmHead: Linear;
  /** Rotary tables [maxPositions, headDim], gathered by position_ids (WebGPU sin/cos are imprecise). */
  ropeCos: Float32Array;
  ropeSin: Float32Array;
}

export interface LlavaWeights {
  dims: LlavaDims;
  seed: number;
  vision: VisionWeights;
  text: TextWeights;
  /** Patch indices (0-based, raster order, CLS excluded) built to be outliers. */
  outlierPatches: number[];
}

// Strengths of the outlier mechanism, in units of a typical activation. An outlier's LayerNorm output is about
// √hidden·u, so its key gains keyGain·√hidden along the shared direction and every query's bias (norm
// queryBias) adds about queryBias·keyGain ≈ 5 to its attention logit, whatever the width: the outliers take
// roughly 60–90% of the CLS attention at layer L-2 (checked by the factory tests).
const OUTLIER = { positionGain: 4, mlpRead: 2.5, mlpThreshold: 7, mlpWrite: 12, keyGain: 1, queryBias: 5.5 };

/**
 * Seeded tensors, each from its own stream: the stream of tensor `name` is `${prefix}${name}`, so a family's own
 * tensors (prefix "phi.", "lfm2vl.") never share a stream with the llava generator's.
 */
export class WeightSource {
  constructor(
    private readonly seed: number,
    private readonly prefix = '',
  ) {}

  normal(name: string, size: number, std: number, mean = 0): Float32Array {
    const rng = new Rng(this.seed, `${this.prefix}${name}`);
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = mean + std * rng.normal();
    return out;
  }

  linear(name: string, inDim: number, outDim: number, bias: boolean, std = 1 / Math.sqrt(inDim)): Linear {
    return {
      weight: this.normal(`${name}.weight`, inDim * outDim, std),
      bias: bias ? this.normal(`${name}.bias`, outDim, 0.1) : null,
      inDim,
      outDim,
    };
  }

  /** A linear layer without bias whose weight's stream is `name` itself (no ".weight"), as the projectors use. */
  projection(name: string, inDim: number, outDim: number): Linear {
    return { weight: this.normal(name, inDim * outDim, 1 / Math.sqrt(inDim)), bias: null, inDim, outDim };
  }

  layerNorm(name: string, dim: number): LayerNormWeights {
    return { gamma: this.normal(`${name}.weight`, dim, 0.1, 1), beta: this.normal(`${name}.bias`, dim, 0.1) };
  }

  /** A zero-mean unit vector, so LayerNorm's centring keeps it. */
  direction(name: string, dim: number): Float32Array {
    const u = this.normal(name, dim, 1);
    const mean = u.reduce((s, x) => s + x, 0) / dim;
    for (let i = 0; i < dim; i++) u[i]! -= mean;
    const norm = Math.hypot(...u);
    for (let i = 0; i < dim; i++) u[i]! /= norm;
    return u;
  }
}

/** weight[r, c] += scale · a[r] · b[c] for a [rows, cols] matrix. */
function addOuter(weight: Float32Array, cols: number, a: Float32Array, b: Float32Array, scale: number): void {
  for (let r = 0; r < a.length; r++) for (let c = 0; c < cols; c++) weight[r * cols + c]! += scale * a[r]! * b[c]!;
}

function visionWeights(src: WeightSource, d: LlavaDims, outliers: number[]): VisionWeights {
  const v = d.vision;
  const h = v.hidden;
  const u = src.direction('outlier.direction', h);
  const shared = src.direction('outlier.key_direction', h);
  const sqrtH = Math.sqrt(h);
  const positionEmbedding = src.normal('vision.position_embedding', (patchCount(v) + 1) * h, 0.5);
  for (const p of outliers)
    for (let i = 0; i < h; i++) positionEmbedding[(p + 1) * h + i]! += OUTLIER.positionGain * sqrtH * u[i]!;

  const layers = Array.from({ length: usedVisionLayers(v) }, (_, l): VisionLayerWeights => {
    const name = `vision.layers.${l}`;
    const layer = {
      layerNorm1: src.layerNorm(`${name}.layer_norm1`, h),
      q: src.linear(`${name}.q_proj`, h, h, true),
      k: src.linear(`${name}.k_proj`, h, h, true),
      v: src.linear(`${name}.v_proj`, h, h, true),
      out: src.linear(`${name}.out_proj`, h, h, true),
      layerNorm2: src.layerNorm(`${name}.layer_norm2`, h),
      fc1: src.linear(`${name}.fc1`, h, v.intermediate, true),
      fc2: src.linear(`${name}.fc2`, v.intermediate, h, true),
    };
    // k += keyGain · (u · x) · shared; every query gets a bias along the same shared direction.
    addOuter(layer.k.weight, h, u, shared, OUTLIER.keyGain);
    for (let i = 0; i < h; i++) layer.q.bias![i]! += OUTLIER.queryBias * shared[i]!;
    if (l === 0) {
      // Hidden unit 0 of the MLP detects u-dominated tokens and writes a large u back (the high norm).
      const inter = v.intermediate;
      for (let i = 0; i < h; i++) layer.fc1.weight[i * inter]! = OUTLIER.mlpRead * u[i]!;
      layer.fc1.bias![0] = -OUTLIER.mlpThreshold;
      for (let i = 0; i < h; i++) layer.fc2.weight[i]! = OUTLIER.mlpWrite * u[i]!;
    }
    return layer;
  });

  return {
    patchEmbedding: src.normal('vision.patch_embedding', h * 3 * v.patchSize ** 2, 1 / Math.sqrt(3 * v.patchSize ** 2)),
    classEmbedding: src.normal('vision.class_embedding', h, 1),
    positionEmbedding,
    preLayerNorm: src.layerNorm('vision.pre_layrnorm', h),
    layers,
    projector1: src.linear('projector.linear_1', h, d.text.hidden, true),
    projector2: src.linear('projector.linear_2', d.text.hidden, d.text.hidden, true),
  };
}

/** Rotary tables [maxPositions, dim]: cos and sin of position · θ^(−2i/dim), each half repeated, for `dim` channels. */
export function rotaryTables(
  dim: number,
  t: { readonly maxPositions: number; readonly ropeTheta: number },
): { cos: Float32Array; sin: Float32Array } {
  const half = dim / 2;
  const cos = new Float32Array(t.maxPositions * dim);
  const sin = new Float32Array(t.maxPositions * dim);
  for (let p = 0; p < t.maxPositions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p * t.ropeTheta ** (-(2 * i) / dim);
      cos[p * dim + i] = cos[p * dim + i + half] = Math.cos(angle);
      sin[p * dim + i] = sin[p * dim + i + half] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

function textWeights(src: WeightSource, d: LlavaDims): TextWeights {
  const t = d.text;
  const h = t.hidden;
  const layers = Array.from({ length: t.layers }, (_, l): TextLayerWeights => {
    const name = `text.layers.${l}`;
    return {
      inputNorm: src.normal(`${name}.input_layernorm`, h, 0.1, 1),
      q: src.linear(`${name}.q_proj`, h, h, false),
      k: src.linear(`${name}.k_proj`, h, h, false),
      v: src.linear(`${name}.v_proj`, h, h, false),
      o: src.linear(`${name}.o_proj`, h, h, false),
      postAttentionNorm: src.normal(`${name}.post_attention_layernorm`, h, 0.1, 1),
      gate: src.linear(`${name}.gate_proj`, h, t.intermediate, false),
      up: src.linear(`${name}.up_proj`, h, t.intermediate, false),
      down: src.linear(`${name}.down_proj`, t.intermediate, h, false),
    };
  });
  const { cos, sin } = rotaryTables(headDim(t.hidden, t.heads), t);
  return {
    embedTokens: src.normal('text.embed_tokens', t.vocabSize * h, 1),
    layers,
    norm: src.normal('text.norm', h, 0.1, 1),
    lmHead: {
      ...src.linear('text.lm_head', h, t.vocabSize, false),
      weight: src.normal('text.lm_head.weight', h * t.vocabSize, 3 / Math.sqrt(h)),
    },
    ropeCos: cos,
    ropeSin: sin,
  };
}

export function makeWeights(dims: LlavaDims, seed: number): LlavaWeights {
  const src = new WeightSource(seed);
  const outlierPatches = new Rng(seed, 'outlier.patches').pick(patchCount(dims.vision), dims.outlierPatches);
  return { dims, seed, vision: visionWeights(src, dims, outlierPatches), text: textWeights(src, dims), outlierPatches };
}
