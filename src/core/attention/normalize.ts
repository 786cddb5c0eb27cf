// Attention maps are dominated by a couple of outlier patches (that is the paper's point), so the display
// offers several scalings; each is a pure Float32Array → Float32Array function chosen by name.
import { LensError } from '../../protocol/errors';

export interface NormalizeOptions {
  /** 'percentile-clip': values above this percentile (0–100, default 99) are clipped. */
  readonly percentile?: number;
  /** 'log': values below this floor (default 1e-6) are raised to it before the log. */
  readonly floor?: number;
}

function minMax(values: ArrayLike<number>): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  const range = max - min;
  // A flat map carries no contrast; all zeros says so instead of dividing by zero.
  return Float32Array.from(values, (v) => (range > 0 ? (v - min) / range : 0));
}

function sumToOne(values: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return Float32Array.from(values, (v) => (sum !== 0 ? v / sum : 0));
}

/** The p-th percentile (0–100) with linear interpolation between closest ranks (NumPy's default). */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) throw new LensError('bad-request', 'Percentile of an empty map.');
  if (!(p >= 0 && p <= 100)) throw new LensError('bad-request', `Percentile must be in [0, 100], got ${p}.`);
  const sorted = Float64Array.from(values).sort();
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
}

function percentileClip(values: ArrayLike<number>, options: NormalizeOptions): Float32Array {
  const ceiling = percentile(values, options.percentile ?? 99);
  return minMax(Float64Array.from(values, (v) => Math.min(v, ceiling)));
}

function logScale(values: ArrayLike<number>, options: NormalizeOptions): Float32Array {
  const floor = options.floor ?? 1e-6;
  if (!(floor > 0)) throw new LensError('bad-request', `The log floor must be positive, got ${floor}.`);
  return minMax(Float64Array.from(values, (v) => Math.log(Math.max(v, floor))));
}

export type Normalizer = (values: ArrayLike<number>, options: NormalizeOptions) => Float32Array;

export const NORMALIZERS = {
  'min-max': minMax,
  'sum-to-one': sumToOne,
  'percentile-clip': percentileClip,
  log: logScale,
} as const satisfies Record<string, Normalizer>;

export type NormalizerName = keyof typeof NORMALIZERS;

/** Rescales a map with the named normalizer; every one but 'sum-to-one' maps into [0, 1]. */
export function normalizeMap(name: string, values: ArrayLike<number>, options: NormalizeOptions = {}): Float32Array {
  const normalize: Normalizer | undefined = (NORMALIZERS as Record<string, Normalizer>)[name];
  if (!normalize)
    throw new LensError(
      'bad-request',
      `Unknown normalizer '${name}'; use one of ${Object.keys(NORMALIZERS).join(', ')}.`,
    );
  return normalize(values, options);
}
