import { LensError } from '../../protocol/errors';
import { size } from './spaces';
import type { ImagePx, ModelPx, Size } from './spaces';

// The chain of geometric steps an image processor applies before the vision encoder, replayed on sizes only so
// that every patch maps back to the exact region of the original image it came from. Rounding follows
// transformers.js 4.3.2 (ImageProcessor.get_resize_output_image_size and RawImage.center_crop), because that is
// the code that prepares the pixels in this app.

export type ProcessorStep =
  /**
   * Keep the aspect: scale so the shorter side becomes shortestEdge (up or down; unscaled when absent), then, if
   * longestEdge is set, rescale so the longer side is at most longestEdge. transformers.js applies that second
   * factor even when it is above 1 (HF Python only shrinks), so the longer side then becomes exactly longestEdge.
   */
  | { readonly op: 'resize-aspect'; readonly shortestEdge?: number; readonly longestEdge?: number }
  /** Stretch to exactly width × height, aspect not kept (SigLIP and similar). */
  | { readonly op: 'resize'; readonly width: number; readonly height: number }
  /** Cut a centred width × height window, padding with black where the image is smaller. */
  | { readonly op: 'center-crop'; readonly width: number; readonly height: number; readonly align: CropAlign };

/**
 * Where a centre crop starts when the size difference is odd. In the browser transformers.js crops with
 * canvas drawImage at the fractional offset (the image is resampled half a pixel over); in Node it uses sharp,
 * which truncates the offset to whole pixels (as HF Python does for crops).
 */
export type CropAlign = 'canvas' | 'sharp';

const CROP_OFFSET: Record<CropAlign, (excess: number) => number> = {
  canvas: (excess) => excess / 2,
  sharp: (excess) => Math.trunc(excess / 2),
};

/** Per-axis affine map out = scale · in + offset, from original-image pixels to model-input pixels. */
export interface AxisAffine {
  readonly scaleX: number;
  readonly offsetX: number;
  readonly scaleY: number;
  readonly offsetY: number;
}

export interface ProcessorPlan {
  readonly original: Size<ImagePx>;
  /** The size of the tensor the vision encoder sees. */
  readonly input: Size<ModelPx>;
  readonly toModel: AxisAffine;
}

type Dims = { width: number; height: number };
type StepResult = { out: Dims; map: AxisAffine };

// transformers.js rounds to 2 decimals before flooring so that 335.99999999999994 becomes 336; keep that quirk,
// it decides the resized size (e.g. 675×337 at shortest edge 336 gives 673×336 here but 672×336 in HF Python).
const floorAfter2Decimals = (value: number): number => Math.floor(Number(value.toFixed(2)));

function resizeAspect(inp: Dims, step: Extract<ProcessorStep, { op: 'resize-aspect' }>): Dims {
  const up =
    step.shortestEdge === undefined ? 1 : Math.max(step.shortestEdge / inp.width, step.shortestEdge / inp.height);
  const width = inp.width * up;
  const height = inp.height * up;
  const down = step.longestEdge === undefined ? 1 : Math.min(step.longestEdge / width, step.longestEdge / height);
  return { width: floorAfter2Decimals(width * down), height: floorAfter2Decimals(height * down) };
}

// A resize stretches the whole image onto the new size, so each axis scales by its own integer ratio.
const stretch = (inp: Dims, out: Dims): StepResult => ({
  out,
  map: { scaleX: out.width / inp.width, offsetX: 0, scaleY: out.height / inp.height, offsetY: 0 },
});

const STEPS: { [K in ProcessorStep['op']]: (inp: Dims, step: Extract<ProcessorStep, { op: K }>) => StepResult } = {
  'resize-aspect': (inp, step) => stretch(inp, resizeAspect(inp, step)),
  resize: (inp, step) => stretch(inp, { width: step.width, height: step.height }),
  'center-crop': (inp, step) => {
    const offset = CROP_OFFSET[step.align];
    return {
      out: { width: step.width, height: step.height },
      map: {
        scaleX: 1,
        offsetX: -offset(inp.width - step.width),
        scaleY: 1,
        offsetY: -offset(inp.height - step.height),
      },
    };
  },
};

const compose = (first: AxisAffine, then: AxisAffine): AxisAffine => ({
  scaleX: then.scaleX * first.scaleX,
  offsetX: then.scaleX * first.offsetX + then.offsetX,
  scaleY: then.scaleY * first.scaleY,
  offsetY: then.scaleY * first.offsetY + then.offsetY,
});

const IDENTITY: AxisAffine = { scaleX: 1, offsetX: 0, scaleY: 1, offsetY: 0 };

function checkPositive(what: string, dims: Dims): void {
  if (!(dims.width > 0 && dims.height > 0 && Number.isFinite(dims.width) && Number.isFinite(dims.height))) {
    throw new LensError(
      'bad-request',
      `${what} must have a positive width and height, got ${dims.width}×${dims.height}.`,
      { option: what, value: `${dims.width}x${dims.height}` },
    );
  }
}

export function planProcessor(original: Size<ImagePx> | Dims, steps: readonly ProcessorStep[]): ProcessorPlan {
  checkPositive('image size', original);
  let dims: Dims = { width: original.width, height: original.height };
  let toModel = IDENTITY;
  for (const step of steps) {
    const run = STEPS[step.op] as (inp: Dims, s: ProcessorStep) => StepResult;
    const { out, map } = run(dims, step);
    checkPositive(`output of ${step.op}`, out);
    dims = out;
    toModel = compose(toModel, map);
  }
  return {
    original: size<ImagePx>(original.width, original.height),
    input: size<ModelPx>(dims.width, dims.height),
    toModel,
  };
}
