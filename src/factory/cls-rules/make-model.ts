// A llava whose vision tower is built so that DAMRO's two CLS scores (src/core/damro-spec.md §1.2) rank the patches
// differently: the paper's LLaVA-1.5 rule (one softmax over the full width) puts patch B first, its InstructBLIP
// rule (the mean of per-head softmaxes) puts patch A first. Everything but the scored layer's inputs is the tiny
// llava; the tower is rewired so that layer 1 (the scored one, vision_feature_layer −2 of 3) sees hand-set keys:
// - the patch embedding is zero and layer 0 adds nothing (its out_proj and fc2 are zero), so layer 1 reads
//   LayerNorm(position embedding) per token; both LayerNorms on the way are the identity affine;
// - each token's position embedding is 10 times one zero-mean unit direction: e1 (A), e1 + e2 (B), e2 + e3/2
//   (the C patches), e3 (CLS and the rest). LayerNorm turns direction e into √32·e;
// - k = x·Wk with Wk mapping e1 to channel 0 (head 0) and e2 to channel 16 (head 1), both with gain 1; every
//   query is the bias Q·(channel 0 + channel 16) with Q = 16/√32, so CLS's dots are A 16, B 16·√2, C 16/√1.25.
// Worked through in test/engine/cls-rules-engine.test.ts.
import { makeLlavaModel } from '../llava/make-model';
import { buildVisionGraph } from '../llava/vision-graph';
import type { LayerNormWeights, Linear, LlavaWeights } from '../llava/weights';

export const CLS_RULES = {
  /** First under the mean of per-head softmaxes: a key in head 0 only, twice B's there. */
  A: 5,
  /** First under one full-width softmax: the largest total dot product, split over both heads. */
  B: 10,
  /** Head-1 competitors of B, which the head mean splits B's share with. */
  C: [0, 3, 15],
  /** The CLS query's weight per head channel, Q = 16/√32 so that Q·√32 = 16. */
  query: 16 / Math.sqrt(32),
  /** Position-embedding length of every token (LayerNorm removes it; it only makes eps negligible). */
  length: 10,
} as const;

const identity = (n: LayerNormWeights) => (n.gamma.fill(1), n.beta.fill(0));
const zero = (l: Linear) => (l.weight.fill(0), l.bias?.fill(0));

/** Zero-mean unit vector on channels (2i, 2i+1) of a width-h space. */
function direction(h: number, i: number): Float32Array {
  const e = new Float32Array(h);
  e[2 * i] = Math.SQRT1_2;
  e[2 * i + 1] = -Math.SQRT1_2;
  return e;
}

function rewire(weights: LlavaWeights): void {
  const { vision } = weights;
  const h = weights.dims.vision.hidden;
  const headDim = h / weights.dims.vision.heads;
  if (vision.layers.length !== 2 || weights.dims.vision.heads !== 2)
    throw new Error('cls-rules: built for the tiny tower (2 graph layers, 2 heads).');
  const [e1, e2, e3] = [0, 1, 2].map((i) => direction(h, i)) as [Float32Array, Float32Array, Float32Array];
  const row = (token: number, parts: [Float32Array, number][]) => {
    const out = vision.positionEmbedding.subarray(token * h, (token + 1) * h);
    out.fill(0);
    const mix = parts.reduce((v, [e, w]) => v.map((x, i) => x + w * e[i]!), new Float32Array(h));
    const norm = Math.hypot(...mix);
    mix.forEach((x, i) => (out[i] = (CLS_RULES.length * x) / norm));
  };
  vision.patchEmbedding.fill(0);
  vision.classEmbedding.fill(0);
  identity(vision.preLayerNorm);
  const patches = vision.positionEmbedding.length / h - 1;
  for (let token = 0; token <= patches; token++) row(token, [[e3, 1]]);
  row(CLS_RULES.A + 1, [[e1, 1]]);
  row(CLS_RULES.B + 1, [
    [e1, 1],
    [e2, 1],
  ]);
  for (const c of CLS_RULES.C)
    row(c + 1, [
      [e2, 1],
      [e3, 0.5],
    ]);

  const [first, scored] = vision.layers as [(typeof vision.layers)[0], (typeof vision.layers)[0]];
  zero(first.out);
  zero(first.fc2);
  identity(scored.layerNorm1);
  zero(scored.q);
  scored.q.bias![0] = CLS_RULES.query;
  scored.q.bias![headDim] = CLS_RULES.query;
  zero(scored.k);
  // Linear weights are [in, out] row-major: input channel i feeds output channel o at i·h + o.
  for (let i = 0; i < h; i++) {
    scored.k.weight[i * h] = e1[i]!;
    scored.k.weight[i * h + headDim] = e2[i]!;
  }
}

export function makeClsRulesLlavaModel({ seed = 42 }: { seed?: number } = {}): Map<string, Uint8Array> {
  const llava = makeLlavaModel({ size: 'tiny', dtype: 'fp32', seed });
  rewire(llava.weights);
  const files = new Map(llava.files);
  files.set('onnx/vision_encoder.onnx', buildVisionGraph(llava.weights, 'fp32'));
  return files;
}
