// A seeded percentile bootstrap of the difference of two means: each group is resampled with replacement on
// its own (the groups are independent samples), so the same seed gives the same interval everywhere.
import { LensError } from '../../protocol/errors';
import { createRng, type Rng } from '../decoding/rng';
import { percentile } from '../attention/normalize';

export interface BootstrapOptions {
  readonly resamples: number;
  readonly seed: number;
  /** Coverage, e.g. 0.95. */
  readonly level: number;
}

export const BOOTSTRAP_DEFAULTS: BootstrapOptions = { resamples: 2000, seed: 42, level: 0.95 };

export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length ? sum / values.length : Number.NaN;
}

function resampledMean(values: ArrayLike<number>, rng: Rng): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[Math.floor(rng() * values.length)];
  return sum / values.length;
}

/** mean(x) − mean(y) with its percentile interval; NaN bounds when a group is empty. */
export function bootstrapMeanDifference(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: BootstrapOptions = BOOTSTRAP_DEFAULTS,
): Interval {
  const { resamples, seed, level } = options;
  if (!(Number.isInteger(resamples) && resamples >= 1))
    throw new LensError('bad-request', `Bootstrap resamples must be a positive whole number, got ${resamples}.`);
  if (!(level > 0 && level < 1))
    throw new LensError('bad-request', `Bootstrap level must be between 0 and 1, got ${level}.`);
  const estimate = mean(x) - mean(y);
  if (x.length === 0 || y.length === 0) return { estimate, low: Number.NaN, high: Number.NaN };
  const rng = createRng(seed);
  const differences = new Float64Array(resamples);
  // x's draws then y's, resample by resample: the order is part of what the seed reproduces.
  for (let r = 0; r < resamples; r++) differences[r] = resampledMean(x, rng) - resampledMean(y, rng);
  const tail = (100 * (1 - level)) / 2;
  return { estimate, low: percentile(differences, tail), high: percentile(differences, 100 - tail) };
}
