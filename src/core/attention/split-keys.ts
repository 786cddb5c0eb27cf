// A decoder row's attention over every key it sees, [layers·heads, keys], split into the image tokens' keys and the
// text keys (the prompt outside the image span, then the tokens generated so far), each still [layers·heads, n].
import { LensError } from '../../protocol/errors';

export interface SplitKeys {
  readonly image: Float32Array;
  readonly text: Float32Array;
}

/** `image` is the span of image-token keys inside the row's `keys`. */
export function splitKeys(
  row: Float32Array,
  stacked: number,
  keys: number,
  image: { readonly start: number; readonly length: number },
): SplitKeys {
  if (row.length !== stacked * keys)
    throw new LensError('internal', `A row of ${row.length} values is not ${stacked} stacked rows of ${keys} keys.`);
  if (image.start < 0 || image.length < 0 || image.start + image.length > keys)
    throw new LensError(
      'internal',
      `Image keys ${image.start}..${image.start + image.length} fall outside ${keys} keys.`,
    );
  const end = image.start + image.length;
  const textKeys = keys - image.length;
  const imagePart = new Float32Array(stacked * image.length);
  const textPart = new Float32Array(stacked * textKeys);
  for (let s = 0; s < stacked; s++) {
    const base = s * keys;
    imagePart.set(row.subarray(base + image.start, base + end), s * image.length);
    textPart.set(row.subarray(base, base + image.start), s * textKeys);
    textPart.set(row.subarray(base + end, base + keys), s * textKeys + image.start);
  }
  return { image: imagePart, text: textPart };
}
