import { normalizeMap } from '../core/attention/normalize';
import type { NormalizeOptions, NormalizerName } from '../core/attention/normalize';
import { patchCount } from '../core/geometry';
import type { PatchGrid } from '../core/geometry';
import { colormapLut, LUT_SIZE } from './colormap';
import type { ColormapName } from './colormap';
import { invalidOption } from './errors';

export interface HeatmapOptions {
  readonly normalize: NormalizerName;
  /** Parameters of the chosen normalizer (percentile for 'percentile-clip', floor for 'log'). */
  readonly normalizeOptions?: NormalizeOptions;
  readonly colormap: ColormapName;
  /** Alpha of every patch, 0–1. */
  readonly opacity: number;
  /**
   * Normalized values mapped to the ends of the colormap; values outside are clamped. Fix it to compare maps on
   * one scale (e.g. every generated token's attention with 'sum-to-one' and [0, 0.05]).
   */
  readonly domain?: readonly [number, number];
}

export const heatmapDefaults: HeatmapOptions = { normalize: 'min-max', colormap: 'viridis', opacity: 0.6 };

// Without an explicit domain: the normalizers that map into [0, 1] use all of it; 'sum-to-one' shares are tiny,
// so they are stretched from 0 (no attention) to the largest share.
const AUTO_DOMAIN: Record<NormalizerName, (normalized: Float32Array) => readonly [number, number]> = {
  'min-max': () => [0, 1],
  'percentile-clip': () => [0, 1],
  log: () => [0, 1],
  'sum-to-one': (normalized) => [0, finiteMax(normalized)],
};

function finiteMax(values: Float32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max && Number.isFinite(values[i])) max = values[i];
  return max;
}

function validate(values: Float32Array, grid: PatchGrid, o: HeatmapOptions): void {
  if (values.length !== patchCount(grid))
    throw invalidOption('values length', values.length, `${patchCount(grid)} (a ${grid.rows}×${grid.cols} grid)`);
  if (!(o.opacity >= 0 && o.opacity <= 1)) throw invalidOption('opacity', o.opacity, 'a number in [0, 1]');
  if (o.domain && !(Number.isFinite(o.domain[0]) && Number.isFinite(o.domain[1]) && o.domain[0] < o.domain[1])) {
    throw invalidOption('domain', o.domain, 'two finite numbers [low, high] with low < high');
  }
}

/**
 * One RGBA pixel per patch, row-major like the grid. Scale it up when drawing (see drawOverlay). Non-finite
 * values (masked patches) come out fully transparent.
 */
export function heatmap(
  values: Float32Array,
  grid: PatchGrid,
  options: Partial<HeatmapOptions> = {},
): Uint8ClampedArray {
  const o: HeatmapOptions = { ...heatmapDefaults, ...options };
  validate(values, grid, o);
  const lut = colormapLut(o.colormap);
  const normalized = normalizeMap(o.normalize, values, o.normalizeOptions);
  const [low, high] = o.domain ?? AUTO_DOMAIN[o.normalize](normalized);
  // A flat map (high = low) gets the bottom colour everywhere rather than NaN.
  const toIndex = high > low ? (LUT_SIZE - 1) / (high - low) : 0;
  const alpha = Math.round(o.opacity * 255);
  const out = new Uint8ClampedArray(normalized.length * 4);
  for (let i = 0; i < normalized.length; i++) {
    const v = normalized[i];
    if (!Number.isFinite(v)) continue;
    const index = Math.min(LUT_SIZE - 1, Math.max(0, Math.round((v - low) * toIndex))) * 4;
    const o4 = i * 4;
    out[o4] = lut[index];
    out[o4 + 1] = lut[index + 1];
    out[o4 + 2] = lut[index + 2];
    out[o4 + 3] = alpha;
  }
  return out;
}
