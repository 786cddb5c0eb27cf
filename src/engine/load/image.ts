import { checkedImageHeader, decodeSize } from '../../core/image/header';
import { LensError } from '../../protocol/errors';
import type { ImageInput } from '../../protocol/messages';
import { RawImage } from '../runtime/hf';

/** Larger files are refused before decoding: they cost memory and the processor shrinks them anyway. */
export const MAX_IMAGE_BYTES = 40 * 1024 * 1024;

export interface DecodedImage {
  /** RGB, at most MAX_DECODE_SIDE on its longest side. */
  readonly image: RawImage;
  /** The picture's own size (after any EXIF rotation), which boxes and patches are reported in. */
  readonly width: number;
  readonly height: number;
}

function checkRgba(input: Extract<ImageInput, { kind: 'rgba' }>): void {
  if (input.width < 1 || input.height < 1)
    throw new LensError(
      'bad-image',
      `The image is ${input.width}×${input.height} pixels; it has no pixels to look at.`,
    );
  if (input.data.length !== input.width * input.height * 4) {
    throw new LensError(
      'bad-image',
      `The pixel buffer has ${input.data.length} bytes but a ${input.width}×${input.height} RGBA image needs ${input.width * input.height * 4}.`,
    );
  }
}

/**
 * In a browser the decoder scales while decoding (createImageBitmap's resize), so a large photo never exists at
 * full size in the worker; elsewhere (Node's sharp) it is decoded, then resized.
 */
async function decodeAtMost(blob: Blob, width: number, height: number): Promise<RawImage> {
  const target = decodeSize(width, height);
  const shrink = target.width < width;
  if (typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function') {
    if (!shrink) return RawImage.fromBlob(blob);
    // Only the width is given, so an EXIF rotation keeps its aspect.
    const bitmap = await createImageBitmap(blob, { resizeWidth: target.width, resizeQuality: 'high' });
    const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    bitmap.close();
    const { data } = context.getImageData(0, 0, context.canvas.width, context.canvas.height);
    return new RawImage(data, context.canvas.width, context.canvas.height, 4);
  }
  const image = await RawImage.fromBlob(blob);
  return shrink ? image.resize(target.width, target.height) : image;
}

/** Turns what the page sent into the RGB image the processor wants, with errors a person can act on. */
export async function decodeImageSized(input: ImageInput): Promise<DecodedImage> {
  if (input.kind === 'rgba') {
    checkRgba(input);
    return {
      image: new RawImage(new Uint8ClampedArray(input.data), input.width, input.height, 4).rgb(),
      width: input.width,
      height: input.height,
    };
  }
  if (input.bytes.byteLength > MAX_IMAGE_BYTES) {
    throw new LensError(
      'image-too-large',
      `The file is ${(input.bytes.byteLength / 1048576).toFixed(1)} MB; the limit is ${MAX_IMAGE_BYTES / 1048576} MB. Save it smaller (e.g. as JPEG) and try again.`,
    );
  }
  if (!input.mime.startsWith('image/'))
    throw new LensError(
      'bad-image',
      `This file is "${input.mime || 'of unknown type'}", not an image. Drop a PNG, JPEG, WebP or GIF.`,
    );
  const header = checkedImageHeader(new Uint8Array(input.bytes), `The ${input.mime} file`);
  let image: RawImage;
  try {
    image = await decodeAtMost(new Blob([input.bytes], { type: input.mime }), header.width, header.height);
  } catch (error) {
    throw new LensError(
      'bad-image',
      `This ${input.mime} file could not be decoded (${error instanceof Error ? error.message : String(error)}); it may be corrupt or truncated, or in a format this decoder lacks. Save it as PNG or JPEG.`,
    );
  }
  // An EXIF rotation shows a stored landscape as a portrait: the decoded aspect says which way it stands.
  const turned = image.width > image.height !== header.width > header.height && header.width !== header.height;
  return {
    image: image.rgb(),
    width: turned ? header.height : header.width,
    height: turned ? header.width : header.height,
  };
}

export async function decodeImage(input: ImageInput): Promise<RawImage> {
  return (await decodeImageSized(input)).image;
}
