// Logit vectors are ~50k long and go through these every decoding step, so each function makes a fixed
// number of passes, accumulates in float64, and allocates nothing but its output.
import { LensError } from '../../protocol/errors';

/** Largest finite-or-(−∞) value; throws on NaN/+∞ and on an all-(−∞) vector, which has no distribution. */
export function maxLogit(logits: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (Number.isNaN(v) || v === Infinity) {
      throw new LensError(
        'bad-request',
        `Logit ${i} is ${v}; logits must be finite or −Infinity. Check the model output for overflow.`,
      );
    }
    if (v > max) max = v;
  }
  if (max === -Infinity)
    throw new LensError(
      'bad-request',
      'Every logit is −Infinity, so no token can be chosen. Check the masking that produced these logits.',
    );
  return max;
}

function checkTemperature(temperature: number): void {
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new LensError(
      'bad-request',
      `Temperature must be a positive finite number, got ${temperature}. Use greedy decoding for temperature 0.`,
    );
  }
}

/**
 * The two halves of softmax's normaliser: max and Σ exp((l − max)/T), so p_i = exp((l_i − max)/T) / sum. They stay
 * apart because folding them into one log-sum-exp loses the sum beside a huge max (1e17 + ln 4 is 1e17 in float64,
 * and four tied tokens would each get p = 1). −∞ entries contribute exactly zero mass.
 */
export function softmaxNormaliser(logits: ArrayLike<number>, temperature = 1): { max: number; sum: number } {
  checkTemperature(temperature);
  const max = maxLogit(logits);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] - max) / temperature);
  return { max, sum };
}

/** log Σ exp(l/T), stable. */
export function logSumExp(logits: ArrayLike<number>, temperature = 1): number {
  const { max, sum } = softmaxNormaliser(logits, temperature);
  return max / temperature + Math.log(sum);
}

/** softmax(l/T) as float32 probabilities, exp((l − max)/T) / Σ (−∞ → exactly 0); writes into `out` when given. */
export function softmax(
  logits: ArrayLike<number>,
  temperature = 1,
  out = new Float32Array(logits.length),
): Float32Array {
  const { max, sum } = softmaxNormaliser(logits, temperature);
  for (let i = 0; i < logits.length; i++) out[i] = Math.exp((logits[i] - max) / temperature) / sum;
  return out;
}

/** log softmax(l/T) = (l − max)/T − ln Σ (−∞ stays −∞); writes into `out` when given. */
export function logSoftmax(
  logits: ArrayLike<number>,
  temperature = 1,
  out = new Float32Array(logits.length),
): Float32Array {
  const { max, sum } = softmaxNormaliser(logits, temperature);
  const logSum = Math.log(sum);
  for (let i = 0; i < logits.length; i++) out[i] = (logits[i] - max) / temperature - logSum;
  return out;
}
