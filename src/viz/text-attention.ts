// The selected token's attention over the text it could see (the prompt and the caption before it): one colour per
// text token, scaled by the same rules as the image heatmaps, with the ink (black or white) that stays readable on it.
import type { NormalizerName } from '../core/attention/normalize';
import type { ColormapName } from './colormap';
import { heatmap } from './heatmap';

export interface TextCell {
  /** CSS colour of the token's background. */
  readonly background: string;
  readonly ink: '#000' | '#fff';
}

/** Relative luminance (sRGB, WCAG 2) of 0–255 channels. */
function luminance(r: number, g: number, b: number): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** Black ink where it contrasts more than white: L ≥ √(1.05 · 0.05) − 0.05 ≈ 0.179. */
const inkOn = (r: number, g: number, b: number): TextCell['ink'] =>
  luminance(r, g, b) >= Math.sqrt(1.05 * 0.05) - 0.05 ? '#000' : '#fff';

export function textAttentionCells(
  values: Float32Array,
  options: { readonly colormap: ColormapName; readonly normalize: NormalizerName },
): TextCell[] {
  if (values.length === 0) return [];
  const rgba = heatmap(values, { rows: 1, cols: values.length }, { ...options, opacity: 1 });
  return Array.from({ length: values.length }, (_, i) => {
    const [r, g, b] = rgba.subarray(i * 4, i * 4 + 3);
    return { background: `rgb(${r}, ${g}, ${b})`, ink: inkOn(r, g, b) };
  });
}
