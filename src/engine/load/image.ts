import { LensError } from '../../protocol/errors';
import type { ImageInput } from '../../protocol/messages';
import { RawImage } from '../runtime/hf';

/** Larger images are refused before decoding: they cost memory and the processor shrinks them anyway. */
export const MAX_IMAGE_BYTES = 40 * 1024 * 1024;
export const MAX_IMAGE_SIDE = 8192;

function checkSize(width: number, height: number): void {
  if (width < 1 || height < 1) throw new LensError('bad-image', `The image is ${width}×${height} pixels; it has no pixels to look at.`);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw new LensError('image-too-large', `The image is ${width}×${height} pixels; the limit is ${MAX_IMAGE_SIDE} on each side. Downscale it and try again.`);
  }
}

/** Turns what the page sent into the RGB image the processor wants, with errors a person can act on. */
export async function decodeImage(input: ImageInput): Promise<RawImage> {
  if (input.kind === 'rgba') {
    checkSize(input.width, input.height);
    if (input.data.length !== input.width * input.height * 4) {
      throw new LensError('bad-image', `The pixel buffer has ${input.data.length} bytes but a ${input.width}×${input.height} RGBA image needs ${input.width * input.height * 4}.`);
    }
    return new RawImage(new Uint8ClampedArray(input.data), input.width, input.height, 4).rgb();
  }
  if (input.bytes.byteLength > MAX_IMAGE_BYTES) {
    throw new LensError('image-too-large', `The file is ${(input.bytes.byteLength / 1048576).toFixed(1)} MB; the limit is ${MAX_IMAGE_BYTES / 1048576} MB. Save it smaller (e.g. as JPEG) and try again.`);
  }
  if (!input.mime.startsWith('image/')) throw new LensError('bad-image', `This file is "${input.mime || 'of unknown type'}", not an image. Drop a PNG, JPEG, WebP or GIF.`);
  let image: RawImage;
  try {
    image = await RawImage.fromBlob(new Blob([input.bytes], { type: input.mime }));
  } catch (error) {
    throw new LensError('bad-image', `The browser could not decode this ${input.mime} file (${error instanceof Error ? error.message : String(error)}); it may be corrupt or truncated.`);
  }
  checkSize(image.width, image.height);
  return image.rgb();
}
