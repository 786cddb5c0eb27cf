// The paper's mode (src/core/damro-spec.md §1.3 step 5) is pure ancestral sampling from softmax(scores) at T = 1 with
// no other processors; temperature and top-p exist only as an opt-in extension for the playground.
import { LensError } from '../../protocol/errors';
import { argmax } from '../tensor/topk';
import { maxLogit } from '../tensor/softmax';
import type { Rng } from './rng';

export interface SamplingOptions {
  /** Divides the logits before the softmax; 1 reproduces the paper. */
  readonly temperature?: number;
  /** Nucleus mass in (0, 1]; 1 (the paper) disables it. */
  readonly topP?: number;
}

/** The highest-scoring token (lower id on ties). */
export function greedy(logits: ArrayLike<number>): number {
  return argmax(logits);
}

/** Draws a token id from softmax(logits / T), optionally restricted to the top-p nucleus; −∞ logits are never drawn. */
export function sampleFromLogits(logits: ArrayLike<number>, rng: Rng, options: SamplingOptions = {}): number {
  const temperature = options.temperature ?? 1;
  const topP = options.topP ?? 1;
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new LensError(
      'bad-request',
      `Temperature must be a positive finite number, got ${temperature}. Use greedy decoding for temperature 0.`,
    );
  }
  if (!(topP > 0 && topP <= 1)) throw new LensError('bad-request', `top-p must be in (0, 1], got ${topP}.`);
  const max = maxLogit(logits);
  return topP < 1 ? sampleNucleus(logits, rng, max, temperature, topP) : sampleFull(logits, rng, max, temperature);
}

function sampleFull(logits: ArrayLike<number>, rng: Rng, max: number, temperature: number): number {
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += Math.exp((logits[i] - max) / temperature);
  const target = rng() * total;
  let cumulative = 0;
  let lastPositive = -1;
  for (let i = 0; i < logits.length; i++) {
    const w = Math.exp((logits[i] - max) / temperature);
    if (w === 0) continue;
    cumulative += w;
    lastPositive = i;
    if (cumulative > target) return i;
  }
  // Only reachable when rounding makes rng()·total equal the total; the last token with mass is the right answer.
  return lastPositive;
}

// The nucleus needs tokens in probability order, hence one index array and a sort: the price of the extension.
function sampleNucleus(logits: ArrayLike<number>, rng: Rng, max: number, temperature: number, topP: number): number {
  let finite = 0;
  for (let i = 0; i < logits.length; i++) if (logits[i] !== -Infinity) finite++;
  const order = new Uint32Array(finite);
  let total = 0;
  for (let i = 0, j = 0; i < logits.length; i++) {
    if (logits[i] === -Infinity) continue;
    order[j++] = i;
    total += Math.exp((logits[i] - max) / temperature);
  }
  order.sort((a, b) => logits[b] - logits[a] || a - b);
  let size = 0;
  let kept = 0;
  while (size < order.length) {
    kept += Math.exp((logits[order[size]] - max) / temperature);
    size++;
    if (kept >= topP * total) break;
  }
  const target = rng() * kept;
  let cumulative = 0;
  for (let j = 0; j < size; j++) {
    cumulative += Math.exp((logits[order[j]] - max) / temperature);
    if (cumulative > target) return order[j];
  }
  return order[size - 1];
}
