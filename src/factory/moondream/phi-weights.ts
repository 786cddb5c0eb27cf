// Deterministic random weights of the synthetic Phi-1.5-like decoder: every linear layer has a bias, one LayerNorm
// (with bias) per layer feeds attention and MLP alike, and lm_head has a bias. The vocabulary's unused padding ids
// get a bias far below every other logit, so greedy and contrastive decodes never produce them (the real model's
// padding rows are as unreachable).
import type { LayerNormWeights, Linear } from '../llava/weights';
import { Rng } from '../rng';
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
  const normal = (name: string, size: number, std: number, mean = 0) => {
    const rng = new Rng(seed, `phi.${name}`);
    return Float32Array.from({ length: size }, () => mean + std * rng.normal());
  };
  const linear = (name: string, inDim: number, outDim: number, std = 1 / Math.sqrt(inDim)): Linear => ({
    weight: normal(`${name}.weight`, inDim * outDim, std),
    bias: normal(`${name}.bias`, outDim, 0.1),
    inDim,
    outDim,
  });
  const layerNorm = (name: string): LayerNormWeights => ({
    gamma: normal(`${name}.weight`, t.hidden, 0.1, 1),
    beta: normal(`${name}.bias`, t.hidden, 0.1),
  });
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
  const half = rot / 2;
  const ropeCos = new Float32Array(t.maxPositions * rot);
  const ropeSin = new Float32Array(t.maxPositions * rot);
  for (let p = 0; p < t.maxPositions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p * t.ropeTheta ** (-(2 * i) / rot);
      ropeCos[p * rot + i] = ropeCos[p * rot + i + half] = Math.cos(angle);
      ropeSin[p * rot + i] = ropeSin[p * rot + i + half] = Math.sin(angle);
    }
  }
  if (!Number.isInteger(rot) || rot % 2 !== 0 || rot > headDimOf(t)) throw new Error('bad partial rotary dimension');
  return {
    dims: t,
    embedTokens: normal('embed_tokens', t.vocabSize * h, 1),
    layers,
    finalLayerNorm: layerNorm('final_layernorm'),
    lmHead,
    ropeCos,
    ropeSin,
  };
}
