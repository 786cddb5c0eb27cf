// Detector boxes over the original image: the layout (image fitted into the view at its own aspect, boxes
// mapped from image pixels) is pure data; drawing goes through an injected 2D context so it runs in tests
// without a DOM. Highlighted boxes (the evidence of the word under the pointer) are drawn last, thicker, with
// their label and score.
import { rect, type DisplayPx, type Rect } from '../core/geometry';
import { invalidOption } from './errors';
import type { OverlayContext } from './overlay';

export interface BoxInput {
  readonly label: string;
  readonly score: number;
  /** Original-image pixels. */
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly highlighted: boolean;
}

export interface BoxMark extends BoxInput {
  readonly rect: Rect<DisplayPx>;
}

export interface BoxLayout {
  readonly display: { readonly width: number; readonly height: number };
  readonly imageRect: Rect<DisplayPx>;
  /** Highlighted boxes last, so they are drawn on top. */
  readonly boxes: readonly BoxMark[];
}

export function boxLayout(
  display: { width: number; height: number },
  image: { width: number; height: number },
  boxes: readonly BoxInput[],
): BoxLayout {
  if (!(display.width > 0 && display.height > 0))
    throw invalidOption('display size', `${display.width}x${display.height}`, 'a positive width and height');
  if (!(image.width > 0 && image.height > 0))
    throw invalidOption('image size', `${image.width}x${image.height}`, 'a positive width and height');
  const scale = Math.min(display.width / image.width, display.height / image.height);
  const x0 = (display.width - image.width * scale) / 2;
  const y0 = (display.height - image.height * scale) / 2;
  const marks = boxes.map((b): BoxMark => ({
    ...b,
    rect: rect<DisplayPx>(x0 + b.box.x * scale, y0 + b.box.y * scale, b.box.width * scale, b.box.height * scale),
  }));
  return {
    display,
    imageRect: rect<DisplayPx>(x0, y0, image.width * scale, image.height * scale),
    boxes: [...marks.filter((m) => !m.highlighted), ...marks.filter((m) => m.highlighted)],
  };
}

export interface BoxStyle {
  readonly stroke: string;
  readonly highlightStroke: string;
  readonly lineWidth: number;
  readonly highlightLineWidth: number;
  readonly labelFill: string;
  readonly labelBackground: string;
  readonly fontFamily: string;
}

export const boxStyleDefaults: BoxStyle = {
  stroke: 'rgba(255, 255, 255, 0.75)',
  highlightStroke: '#1fd17a',
  lineWidth: 1,
  highlightLineWidth: 3,
  labelFill: '#000000',
  labelBackground: '#1fd17a',
  fontFamily: 'system-ui, sans-serif',
};

export function drawBoxes(
  ctx: OverlayContext,
  layout: BoxLayout,
  image: CanvasImageSource | undefined,
  style: Partial<BoxStyle> = {},
): void {
  const s: BoxStyle = { ...boxStyleDefaults, ...style };
  ctx.save();
  ctx.clearRect(0, 0, layout.display.width, layout.display.height);
  const { imageRect: ir } = layout;
  if (image) ctx.drawImage(image, ir.x, ir.y, ir.width, ir.height);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.font = `600 12px ${s.fontFamily}`;
  for (const mark of layout.boxes) {
    const r = mark.rect;
    ctx.strokeStyle = mark.highlighted ? s.highlightStroke : s.stroke;
    ctx.lineWidth = mark.highlighted ? s.highlightLineWidth : s.lineWidth;
    ctx.strokeRect(r.x, r.y, r.width, r.height);
    if (!mark.highlighted) continue;
    const text = `${mark.label} ${mark.score.toFixed(2)}`;
    ctx.fillStyle = s.labelBackground;
    ctx.fillRect(r.x, Math.max(ir.y, r.y - 16), Math.min(r.width, text.length * 7 + 6), 16);
    ctx.fillStyle = s.labelFill;
    ctx.fillText(text, r.x + 3, Math.max(ir.y, r.y - 16) + 2);
  }
  ctx.restore();
}
