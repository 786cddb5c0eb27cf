// The colour scale of a heatmap: as CSS gradient stops for the page, and drawn as a band under an exported
// image so the picture still says what its colours mean once it leaves the page.
import { colormapLut, LUT_SIZE } from './colormap';

/** `count` evenly spaced colours of a colormap, low to high, as CSS rgb() strings. */
export function legendStops(colormap: string, count = 9): string[] {
  const lut = colormapLut(colormap);
  return Array.from({ length: count }, (_, i) => {
    const at = Math.round((i / (count - 1)) * (LUT_SIZE - 1)) * 4;
    return `rgb(${lut[at]}, ${lut[at + 1]}, ${lut[at + 2]})`;
  });
}

export type LegendContext = Pick<
  CanvasRenderingContext2D,
  'fillRect' | 'fillText' | 'measureText' | 'fillStyle' | 'font' | 'textAlign' | 'textBaseline'
>;

const fontOf = (fontPx: number) => `${fontPx}px system-ui, sans-serif`;

/** The lines broken at spaces so each fits `width` in the band's font (a single long word stays whole). */
export function wrapLegendLines(ctx: LegendContext, lines: readonly string[], width: number, fontPx: number): string[] {
  ctx.font = fontOf(fontPx);
  const wrapped: string[] = [];
  for (const line of lines) {
    let current = '';
    for (const word of line.split(' ')) {
      const next = current ? `${current} ${word}` : word;
      if (current && ctx.measureText(next).width > width) {
        wrapped.push(current);
        current = word;
      } else current = next;
    }
    wrapped.push(current);
  }
  return wrapped;
}

export interface LegendBand {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  /** Text size in pixels; the band is about four lines of it tall. */
  readonly fontPx: number;
  readonly colormap: string;
  /** What the map shows (token, layers, model), already wrapped to the width (wrapLegendLines). */
  readonly lines: readonly string[];
  readonly low: string;
  readonly high: string;
}

/** The height drawLegendBand needs for these lines. */
export const legendBandHeight = (fontPx: number, lines: number): number => Math.round(fontPx * (1.5 * lines + 3));

/** A white band: the description lines, then the colour bar with its low and high ends named. */
export function drawLegendBand(ctx: LegendContext, band: LegendBand): void {
  const { x, y, width, fontPx, lines } = band;
  const pad = fontPx * 0.6;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(x, y, width, legendBandHeight(fontPx, lines.length));
  ctx.fillStyle = '#111111';
  ctx.font = fontOf(fontPx);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  lines.forEach((line, i) => ctx.fillText(line, x + pad, y + pad + i * fontPx * 1.5));
  const barY = y + pad + lines.length * fontPx * 1.5;
  const labelWidth = fontPx * 4;
  const barX = x + pad + labelWidth;
  const barWidth = Math.max(1, width - 2 * (pad + labelWidth));
  const lut = colormapLut(band.colormap);
  for (let i = 0; i < barWidth; i++) {
    const at = Math.round((i / Math.max(1, barWidth - 1)) * (LUT_SIZE - 1)) * 4;
    ctx.fillStyle = `rgb(${lut[at]}, ${lut[at + 1]}, ${lut[at + 2]})`;
    ctx.fillRect(barX + i, barY, 1, fontPx * 1.2);
  }
  ctx.fillStyle = '#111111';
  ctx.textBaseline = 'top';
  ctx.textAlign = 'right';
  ctx.fillText(band.low, barX - pad / 2, barY);
  ctx.textAlign = 'left';
  ctx.fillText(band.high, barX + barWidth + pad / 2, barY);
}
