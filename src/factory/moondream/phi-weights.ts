// Deterministic random weights of the synthetic Phi-1.5-like decoder: every linear layer has a bias, one LayerNorm
// (with bias) per layer feeds attention and MLP alike, and lm_head has a bias. The vocabulary's unused padding ids
// get a bias far below every other logit, so greedy and contrastive decodes never produce them (the real model's
// padding rows are as unreachable).
import { rotaryTables, WeightSource, type LayerNormWeights, type Linear } from '../llava/weights';
import { headDimOf, rotaryDimOf, type PhiDims } from './dims';
import { MOONDREAM_VOCABULARY } from './vocabulary';

export interface PhiLayerWeights {
  inputLayerNorm: LayerNormWeights;
  q: Linear;
  k: Linear;
  v: Linear;
  dense: Linear;
  fc1: Linear;
  fc2: Linear;
}

export interface PhiWeights {
  dims: PhiDims;
  /** [vocab, hidden] */
  embedTokens: Float32Array;
  layers: PhiLayerWeights[];
  finalLayerNorm: LayerNormWeights;
  lmHead: Linear;
  /** Rotary tables [maxPositions, rotaryDim], gathered by position_ids. */
  ropeCos: Float32Array;
  ropeSin: Float32Array;
}

const UNUSED_LOGIT_BIAS = -50;

export function makePhiWeights(t: PhiDims, seed: number): PhiWeights {
  const src = new WeightSource(seed, 'phi.');
  const linear = (name: string, inDim: number, outDim: number, std?: number) =>
    src.linear(name, inDim, outDim, true, std);
  const layerNorm = (name: string) => src.layerNorm(name, t.hidden);
  const h = t.hidden;
  const layers = Array.from({ length: t.layers }, (_, l): PhiLayerWeights => {
    const name = `layers.${l}`;
    return {
      inputLayerNorm: layerNorm(`${name}.input_layernorm`),
      q: linear(`${name}.self_attn.q_proj`, h, h),
      k: linear(`${name}.self_attn.k_proj`, h, h),
      v: linear(`${name}.self_attn.v_proj`, h, h),
      dense: linear(`${name}.self_attn.dense`, h, h),
      fc1: linear(`${name}.mlp.fc1`, h, t.intermediate),
      fc2: linear(`${name}.mlp.fc2`, t.intermediate, h),
    };
  });
  const lmHead = linear('lm_head', h, t.vocabSize, 3 / Math.sqrt(h));
  MOONDREAM_VOCABULARY.forEach((token, id) => {
    if (token.startsWith('<unused_')) lmHead.bias![id] = UNUSED_LOGIT_BIAS;
  });
  const rot = rotaryDimOf(t);
  if (!Number.isInteger(rot) || rot % 2 !== 0 || rot > headDimOf(t)) throw new Error('bad partial rotary dimension');
  const { cos: ropeCos, sin: ropeSin } = rotaryTables(rot, t);
  return {
    dims: t,
    embedTokens: src.normal('embed_tokens', t.vocabSize * h, 1),
    layers,
    finalLayerNorm: layerNorm('final_layernorm'),
    lmHead,
    ropeCos,
    ropeSin,
  };
}
