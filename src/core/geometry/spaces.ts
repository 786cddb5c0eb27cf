// Branded numbers keep index and pixel spaces apart at compile time: a patch index is not a token index, and a
// coordinate in the original image is not one on the screen. They cost nothing at run time.
declare const brand: unique symbol;
type Brand<B extends string> = number & { readonly [brand]: B };

/** Row-major index into a patch grid (0 = top-left), excluding CLS/register tokens. */
export type PatchIndex = Brand<'PatchIndex'>;
/** Position in a token sequence. */
export type TokenIndex = Brand<'TokenIndex'>;
/** Pixels of the original image, as the user supplied it. */
export type ImagePx = Brand<'ImagePx'>;
/** Pixels of the model input, after the processor's resize and crop. */
export type ModelPx = Brand<'ModelPx'>;
/** CSS pixels of the view the overlay is drawn in. */
export type DisplayPx = Brand<'DisplayPx'>;

export type Px = ImagePx | ModelPx | DisplayPx;

export interface Size<P extends Px> {
  readonly width: P;
  readonly height: P;
}

/** Axis-aligned rectangle; x, y is the top-left corner, edges are continuous (a pixel i spans [i, i + 1)). */
export interface Rect<P extends Px> {
  readonly x: P;
  readonly y: P;
  readonly width: P;
  readonly height: P;
}

export const size = <P extends Px>(width: number, height: number): Size<P> => ({
  width: width as P,
  height: height as P,
});

export const rect = <P extends Px>(x: number, y: number, width: number, height: number): Rect<P> => ({
  x: x as P,
  y: y as P,
  width: width as P,
  height: height as P,
});

/** The overlap of two rectangles; width or height 0 when they do not meet. */
export function intersect<P extends Px>(a: Rect<P>, b: Rect<P>): Rect<P> {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  return rect<P>(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
}
