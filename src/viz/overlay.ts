import {
  inputRectInImage,
  intersect,
  patchAtImagePoint,
  patchRectInImage,
  rect,
  seenRectInImage,
} from '../core/geometry';
import type { DisplayPx, ImagePx, PatchGrid, PatchIndex, ProcessorPlan, Rect } from '../core/geometry';
import { invalidOption } from './errors';

// The composed view: the original image at its own aspect, the part the model never saw dimmed, the patch
// heatmap over the model's input region, and DAMRO's outliers outlined with their rank. Layout is pure data in
// display pixels; drawing goes through an injected 2D context so it runs in tests without a DOM.

export interface OverlayInput {
  /** The size of the view (CSS pixels). */
  readonly display: { readonly width: number; readonly height: number };
  readonly plan: ProcessorPlan;
  readonly grid: PatchGrid;
  /** Outlier patches, most attended first; drawn with ranks 1..k. */
  readonly outliers: readonly PatchIndex[];
}

export interface OutlierMark {
  readonly rank: number;
  readonly patch: PatchIndex;
  readonly rect: Rect<DisplayPx>;
  /** Centre of the patch, where the rank is written. */
  readonly labelX: DisplayPx;
  readonly labelY: DisplayPx;
  readonly fontPx: number;
}

export interface OverlayLayout {
  readonly display: { readonly width: number; readonly height: number };
  /** Where the original image is drawn. */
  readonly imageRect: Rect<DisplayPx>;
  /** Display pixels per original-image pixel (the same on both axes: the aspect is kept). */
  readonly scale: number;
  /** The model input (one heatmap pixel per patch stretches over it); larger than the image where it was padded. */
  readonly heatmapRect: Rect<DisplayPx>;
  /** The part of the image the model saw. */
  readonly cropRect: Rect<DisplayPx>;
  /** The parts of the image outside cropRect, to be dimmed: at most 4 bands. */
  readonly dimRects: readonly Rect<DisplayPx>[];
  readonly outliers: readonly OutlierMark[];
}

function union(a: Rect<ImagePx>, b: Rect<ImagePx>): Rect<ImagePx> {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return rect<ImagePx>(x, y, Math.max(a.x + a.width, b.x + b.width) - x, Math.max(a.y + a.height, b.y + b.height) - y);
}

/**
 * Bands of `outer` not covered by `inner` (inner lies within outer): full-width above and below, then left and right.
 */
function around(outer: Rect<DisplayPx>, inner: Rect<DisplayPx>): Rect<DisplayPx>[] {
  const innerBottom = inner.y + inner.height;
  const innerRight = inner.x + inner.width;
  const bands = [
    rect<DisplayPx>(outer.x, outer.y, outer.width, inner.y - outer.y),
    rect<DisplayPx>(outer.x, innerBottom, outer.width, outer.y + outer.height - innerBottom),
    rect<DisplayPx>(outer.x, inner.y, inner.x - outer.x, inner.height),
    rect<DisplayPx>(innerRight, inner.y, outer.x + outer.width - innerRight, inner.height),
  ];
  // Sub-pixel slivers come from float rounding of edges that coincide; they are not regions.
  return bands.filter((b) => b.width > 1e-6 && b.height > 1e-6);
}

export function overlayLayout(input: OverlayInput): OverlayLayout {
  const { display, plan, grid } = input;
  if (!(display.width > 0 && display.height > 0))
    throw invalidOption('display size', `${display.width}x${display.height}`, 'a positive width and height');
  const image = rect<ImagePx>(0, 0, plan.original.width, plan.original.height);
  const modelInImage = inputRectInImage(plan);
  // Fit everything that will be drawn: normally the image, plus the padding when the model input is larger.
  const content = union(image, modelInImage);
  const scale = Math.min(display.width / content.width, display.height / content.height);
  const originX = (display.width - content.width * scale) / 2 - content.x * scale;
  const originY = (display.height - content.height * scale) / 2 - content.y * scale;
  const toDisplay = (r: Rect<ImagePx>): Rect<DisplayPx> =>
    rect<DisplayPx>(originX + r.x * scale, originY + r.y * scale, r.width * scale, r.height * scale);

  const imageRect = toDisplay(image);
  const cropRect = toDisplay(seenRectInImage(plan));
  const outliers = input.outliers.map((patch, i): OutlierMark => {
    const r = toDisplay(patchRectInImage(plan, grid, patch));
    return {
      rank: i + 1,
      patch,
      rect: r,
      labelX: (r.x + r.width / 2) as DisplayPx,
      labelY: (r.y + r.height / 2) as DisplayPx,
      fontPx: Math.max(8, Math.min(14, Math.round(Math.min(r.width, r.height) * 0.6))),
    };
  });
  return {
    display,
    imageRect,
    scale,
    heatmapRect: toDisplay(modelInImage),
    cropRect,
    dimRects: around(imageRect, intersect(cropRect, imageRect)),
    outliers,
  };
}

/** The patch under a display point (hover, click), or null outside the model's view. */
export function patchAtDisplayPoint(
  layout: OverlayLayout,
  plan: ProcessorPlan,
  grid: PatchGrid,
  x: number,
  y: number,
): PatchIndex | null {
  const { imageRect, scale } = layout;
  return patchAtImagePoint(plan, grid, ((x - imageRect.x) / scale) as ImagePx, ((y - imageRect.y) / scale) as ImagePx);
}

export interface OverlayStyle {
  readonly dimFill: string;
  readonly outlineStroke: string;
  readonly outlineWidth: number;
  readonly labelFill: string;
  /** Drawn around the rank digits so they read on any colormap. */
  readonly labelHalo: string;
  readonly fontFamily: string;
}

export const overlayStyleDefaults: OverlayStyle = {
  dimFill: 'rgba(0, 0, 0, 0.6)',
  outlineStroke: '#ff2d55',
  outlineWidth: 2,
  labelFill: '#ffffff',
  labelHalo: 'rgba(0, 0, 0, 0.85)',
  fontFamily: 'system-ui, sans-serif',
};

export type OverlayContext = Pick<
  CanvasRenderingContext2D,
  | 'save'
  | 'restore'
  | 'clearRect'
  | 'drawImage'
  | 'fillRect'
  | 'strokeRect'
  | 'fillText'
  | 'strokeText'
  | 'fillStyle'
  | 'strokeStyle'
  | 'lineWidth'
  | 'lineJoin'
  | 'font'
  | 'textAlign'
  | 'textBaseline'
  | 'imageSmoothingEnabled'
>;

/** A canvas the heatmap pixels can be written into and then drawn from (OffscreenCanvas, HTMLCanvasElement). */
export type PixelCanvas = CanvasImageSource & {
  getContext(contextId: '2d'): Pick<CanvasRenderingContext2D, 'createImageData' | 'putImageData'> | null;
};

/** Puts a heatmap (one pixel per patch) on a canvas of grid size; keep it while only outlines or style change. */
export function heatmapSource(
  rgba: Uint8ClampedArray,
  grid: PatchGrid,
  createCanvas: (width: number, height: number) => PixelCanvas,
): CanvasImageSource {
  if (rgba.length !== grid.rows * grid.cols * 4)
    throw invalidOption(
      'heatmap length',
      rgba.length,
      `${grid.rows * grid.cols * 4} (RGBA of a ${grid.rows}×${grid.cols} grid)`,
    );
  const canvas = createCanvas(grid.cols, grid.rows);
  const context = canvas.getContext('2d');
  if (!context) throw invalidOption('canvas', '2d context', 'a canvas that provides a 2d context');
  const pixels = context.createImageData(grid.cols, grid.rows);
  pixels.data.set(rgba);
  context.putImageData(pixels, 0, 0);
  return canvas;
}

export interface OverlayLayers {
  readonly image?: CanvasImageSource;
  /** From heatmapSource; smooth = bilinear upscaling instead of crisp patch squares. */
  readonly heatmap?: { readonly source: CanvasImageSource; readonly smooth: boolean };
}

const drawAt = (ctx: OverlayContext, source: CanvasImageSource, r: Rect<DisplayPx>): void =>
  ctx.drawImage(source, r.x, r.y, r.width, r.height);

export function drawOverlay(
  ctx: OverlayContext,
  layout: OverlayLayout,
  layers: OverlayLayers,
  style: Partial<OverlayStyle> = {},
): void {
  const s: OverlayStyle = { ...overlayStyleDefaults, ...style };
  ctx.save();
  ctx.clearRect(0, 0, layout.display.width, layout.display.height);
  if (layers.image) drawAt(ctx, layers.image, layout.imageRect);
  ctx.fillStyle = s.dimFill;
  for (const r of layout.dimRects) ctx.fillRect(r.x, r.y, r.width, r.height);
  if (layers.heatmap) {
    ctx.imageSmoothingEnabled = layers.heatmap.smooth;
    drawAt(ctx, layers.heatmap.source, layout.heatmapRect);
  }
  ctx.strokeStyle = s.outlineStroke;
  ctx.lineWidth = s.outlineWidth;
  // Inset by half the line so an outline stays inside its own patch and does not cover the neighbours.
  const inset = s.outlineWidth / 2;
  for (const { rect: r } of layout.outliers)
    ctx.strokeRect(r.x + inset, r.y + inset, r.width - s.outlineWidth, r.height - s.outlineWidth);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  for (const mark of layout.outliers) {
    ctx.font = `600 ${mark.fontPx}px ${s.fontFamily}`;
    ctx.strokeStyle = s.labelHalo;
    ctx.lineWidth = 3;
    ctx.strokeText(String(mark.rank), mark.labelX, mark.labelY);
    ctx.fillStyle = s.labelFill;
    ctx.fillText(String(mark.rank), mark.labelX, mark.labelY);
  }
  ctx.restore();
}
