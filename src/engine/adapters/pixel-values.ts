import type { Processor, RawImage } from '../runtime/hf';
import { tensor, type OrtTensor } from '../runtime/sessions';

/** FamilyPlan.preprocess for a vision encoder whose one input is the image processor's pixel_values as they come. */
export function pixelValuesOnly(processor: Processor): (image: RawImage) => Promise<Record<string, OrtTensor>> {
  return async (image) => {
    const { pixel_values: pixels } = (await processor.image_processor!(image)) as {
      pixel_values: { data: Float32Array; dims: number[] };
    };
    return { pixel_values: tensor('float32', pixels.data, pixels.dims) };
  };
}
