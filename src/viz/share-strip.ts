// A caption's per-token share of attention on the outlier patches as one row of coloured cells, so the tokens
// that looked mostly at the outliers (the paper's hallucination-prone ones) stand out at a glance. Shares are
// absolute (0 = none on the outliers, 1 = all), not normalised per caption, so two captions compare directly.
import { colormapLut, LUT_SIZE } from './colormap';

/** RGBA for `shares.length` × 1 pixels; a token without attention is transparent. */
export function shareStripPixels(shares: readonly number[], colormap: string): Uint8ClampedArray {
  const lut = colormapLut(colormap);
  const rgba = new Uint8ClampedArray(shares.length * 4);
  shares.forEach((share, i) => {
    if (!Number.isFinite(share)) return;
    const at = Math.round(Math.max(0, Math.min(1, share)) * (LUT_SIZE - 1)) * 4;
    rgba.set(lut.subarray(at, at + 4), i * 4);
  });
  return rgba;
}
