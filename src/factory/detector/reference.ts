// The synthetic detector's forward pass and the pipeline's post-processing in float64, written from
// design.ts rather than from the graph: the oracle the ONNX file and the engine are checked against.
import { COCO_OBJECTS } from '../../core/caption-objects/coco-objects';
import { BACKGROUND_RADIUS_SQ, prototypeColour, QUERIES, queryBox, SHARPNESS } from './design';

export interface ReferenceQuery {
  /** Mean RGB of the query's quadrant, in [0, 1]. */
  readonly colour: readonly [number, number, number];
  /** Best COCO category, or undefined when the no-object class wins. */
  readonly label?: string;
  /** Softmax probability of that winner over all 92 classes (N/A ids add nothing). */
  readonly probability: number;
  /** (cx, cy, w, h) normalised. */
  readonly box: readonly [number, number, number, number];
}

/** `pixels` is RGB or RGBA, row-major, of an image the processor does not resize (longest side 64). */
export function referenceDetector(
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  channels: 3 | 4,
): ReferenceQuery[] {
  const halfW = Math.floor(width / 2);
  const halfH = Math.floor(height / 2);
  return Array.from({ length: QUERIES }, (_, q) => {
    const row = Math.floor(q / 2);
    const col = q % 2;
    const [x0, x1] = col === 0 ? [0, halfW] : [halfW, width];
    const [y0, y1] = row === 0 ? [0, halfH] : [halfH, height];
    const sum = [0, 0, 0];
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++)
        for (let ch = 0; ch < 3; ch++) sum[ch] += pixels[(y * width + x) * channels + ch] / 255;
    const n = (x1 - x0) * (y1 - y0);
    const colour = sum.map((s) => s / n) as unknown as readonly [number, number, number];
    const logits = COCO_OBJECTS.map((_, k) => {
      const p = prototypeColour(k);
      return -SHARPNESS * ((colour[0] - p[0]) ** 2 + (colour[1] - p[1]) ** 2 + (colour[2] - p[2]) ** 2);
    });
    const background = -SHARPNESS * BACKGROUND_RADIUS_SQ;
    const best = logits.indexOf(Math.max(...logits));
    const top = Math.max(logits[best], background);
    const total = logits.reduce((s, l) => s + Math.exp(l - top), 0) + Math.exp(background - top);
    const winsBackground = background >= logits[best];
    return {
      colour,
      label: winsBackground ? undefined : COCO_OBJECTS[best],
      probability: Math.exp((winsBackground ? background : logits[best]) - top) / total,
      box: queryBox(q),
    };
  });
}
