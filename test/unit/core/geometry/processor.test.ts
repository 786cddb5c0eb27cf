import { describe, expect, it } from 'vitest';
import { LensError } from '../../../../src/protocol/errors';
import {
  inputRectInImage,
  planProcessor,
  processorStepsFromHfConfig,
  seenRectInImage,
} from '../../../../src/core/geometry';
import type { HfImageProcessorConfig, Rect } from '../../../../src/core/geometry';

// LLaVA-1.5's CLIP processor (preprocessor_config.json of llava-hf/llava-1.5-7b-hf).
const CLIP_336: HfImageProcessorConfig = {
  do_resize: true,
  size: { shortest_edge: 336 },
  do_center_crop: true,
  crop_size: { height: 336, width: 336 },
};

function expectRect(
  actual: Rect<never> | { x: number; y: number; width: number; height: number },
  expected: [number, number, number, number],
): void {
  const got = [actual.x, actual.y, actual.width, actual.height];
  got.forEach((v, i) => expect(v, `component ${i} of ${JSON.stringify(got)}`).toBeCloseTo(expected[i], 9));
}

describe('planProcessor (CLIP resize shortest edge + centre crop)', () => {
  it('landscape 640×480: resized to 448×336, crop keeps x 80..560 of the original', () => {
    const plan = planProcessor({ width: 640, height: 480 }, processorStepsFromHfConfig(CLIP_336));
    expect(plan.input).toEqual({ width: 336, height: 336 });
    // scale 336/480 = 0.7 on both axes; crop offset (448 − 336)/2 = 56 resized px = 80 original px.
    expect(plan.toModel.scaleX).toBeCloseTo(0.7, 12);
    expect(plan.toModel.offsetX).toBe(-56);
    expectRect(inputRectInImage(plan), [80, 0, 480, 480]);
    expectRect(seenRectInImage(plan), [80, 0, 480, 480]);
  });

  it('portrait 480×640: crop keeps y 80..560', () => {
    const plan = planProcessor({ width: 480, height: 640 }, processorStepsFromHfConfig(CLIP_336));
    expectRect(inputRectInImage(plan), [0, 80, 480, 480]);
  });

  it('675×337 resizes to 673×336 as transformers.js rounds (HF Python gets 672), and the odd excess crops at 168.5', () => {
    // 337 · (336/337)… exact width 672.997… → toFixed(2) = "673.00" → 673.
    const canvas = planProcessor({ width: 675, height: 337 }, processorStepsFromHfConfig(CLIP_336, 'canvas'));
    expect(canvas.toModel.scaleX).toBeCloseTo(673 / 675, 12);
    expect(canvas.toModel.scaleY).toBeCloseTo(336 / 337, 12);
    expect(canvas.toModel.offsetX).toBe(-168.5);
    expectRect(inputRectInImage(canvas), [(168.5 * 675) / 673, 0, (336 * 675) / 673, 337]);
    // In Node, sharp extracts at the truncated offset 168.
    const sharp = planProcessor({ width: 675, height: 337 }, processorStepsFromHfConfig(CLIP_336, 'sharp'));
    expectRect(inputRectInImage(sharp), [(168 * 675) / 673, 0, (336 * 675) / 673, 337]);
  });

  it('79×79 becomes 336×336, not 335 (79 · 336/79 is 335.99999999999994 in floating point)', () => {
    const plan = planProcessor({ width: 79, height: 79 }, [{ op: 'resize-aspect', shortestEdge: 336 }]);
    expect(plan.input).toEqual({ width: 336, height: 336 });
    expectRect(inputRectInImage(plan), [0, 0, 79, 79]);
  });

  it('an image smaller than the crop (no resize) is padded: the input rect extends past the image', () => {
    const steps = processorStepsFromHfConfig({ do_resize: false, do_center_crop: true, crop_size: 336 });
    // Excess 201 − 336 = −135 → the image sits 67.5 px in from the left of the model input (canvas) …
    const canvas = planProcessor({ width: 201, height: 101 }, steps);
    expectRect(inputRectInImage(canvas), [-67.5, -117.5, 336, 336]);
    expectRect(seenRectInImage(canvas), [0, 0, 201, 101]);
    // … or floor(67.5) = 67 px with sharp's padding.
    const sharp = planProcessor(
      { width: 201, height: 101 },
      processorStepsFromHfConfig({ do_center_crop: true, crop_size: 336 }, 'sharp'),
    );
    expectRect(inputRectInImage(sharp), [-67, -117, 336, 336]);
  });

  it('SigLIP-style plain resize stretches each axis on its own', () => {
    const plan = planProcessor(
      { width: 640, height: 480 },
      processorStepsFromHfConfig({ size: { height: 384, width: 384 } }),
    );
    expect(plan.toModel).toEqual({ scaleX: 384 / 640, offsetX: 0, scaleY: 384 / 480, offsetY: 0 });
    expectRect(inputRectInImage(plan), [0, 0, 640, 480]);
  });

  it('a bare-number size fits the image inside size × size, as transformers.js does without max_size', () => {
    const plan = planProcessor({ width: 640, height: 480 }, processorStepsFromHfConfig({ size: 224 }));
    expect(plan.input).toEqual({ width: 224, height: 168 });
    // With max_size the second factor min(1000/298.67, 1000/224) > 1 scales back up until the long side is 1000.
    const capped = planProcessor(
      { width: 640, height: 480 },
      processorStepsFromHfConfig({ size: 224, max_size: 1000 }),
    );
    expect(capped.input).toEqual({ width: 1000, height: 750 });
  });

  it('longest_edge alone sets the long side, enlarging small images too (transformers.js, unlike HF Python)', () => {
    const steps = processorStepsFromHfConfig({ size: { longest_edge: 320 } });
    expect(planProcessor({ width: 640, height: 480 }, steps).input).toEqual({ width: 320, height: 240 });
    expect(planProcessor({ width: 100, height: 50 }, steps).input).toEqual({ width: 320, height: 160 });
  });

  it('refuses what it does not model, with a LensError naming the option', () => {
    expect(() => processorStepsFromHfConfig({ ...CLIP_336, do_pad: true })).toThrow(/do_pad/);
    expect(() => processorStepsFromHfConfig({ ...CLIP_336, do_pad: true })).toThrow(LensError);
    expect(() => processorStepsFromHfConfig({ do_center_crop: true })).toThrow(/crop_size/);
    expect(() => planProcessor({ width: 0, height: 10 }, [])).toThrow(/positive width and height/);
  });
});
