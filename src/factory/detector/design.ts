// What the synthetic detector computes, in numbers a test can redo by hand. The image is cut into four
// quadrants (one query each, row-major: top-left, top-right, bottom-left, bottom-right); each query looks at
// the mean colour c of its quadrant (RGB in [0, 1]) and gives every COCO category k the logit
// -SHARPNESS·|c - p_k|², where p_k is the category's prototype colour on a 5×4×4 RGB grid. The no-object
// class has the constant logit -SHARPNESS·BACKGROUND_RADIUS², so a quadrant is background unless its colour
// lies within BACKGROUND_RADIUS of some prototype; "N/A" ids get NA_LOGIT. Boxes do not move: each query's box
// is its quadrant shrunk to BOX_SIZE around the quadrant's centre.
import { COCO_OBJECTS } from '../../core/caption-objects/coco-objects';

export const SHARPNESS = 100;
export const BACKGROUND_RADIUS_SQ = 0.03;
export const NA_LOGIT = -1e4;
/** Box width and height as a fraction of the image (a quadrant is 0.5). */
export const BOX_SIZE = 0.4;
export const QUERIES = 4;

/** Category index in COCO_OBJECTS → prototype colour: red in 5 steps, green and blue in 4. */
export function prototypeColour(index: number): readonly [number, number, number] {
  return [(index % 5) / 4, (Math.floor(index / 5) % 4) / 3, Math.floor(index / 20) / 3];
}

/** The prototype colour of a COCO category name, as 0–255 bytes (rounded): paint a region this to see it. */
export function prototypeBytes(name: string): readonly [number, number, number] {
  const index = COCO_OBJECTS.indexOf(name);
  if (index < 0) throw new Error(`"${name}" is not a COCO category`);
  return prototypeColour(index).map((v) => Math.round(v * 255)) as unknown as readonly [number, number, number];
}

/** Query q's box, (cx, cy, w, h) normalised to the image. */
export function queryBox(q: number): readonly [number, number, number, number] {
  const row = Math.floor(q / 2);
  const col = q % 2;
  return [(col + 0.5) / 2, (row + 0.5) / 2, BOX_SIZE, BOX_SIZE];
}
