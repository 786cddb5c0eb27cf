// The image-token selections the decoder rows of DAMRO and the compared methods are built from.
import type { EncodedImage } from '../model';

/** The features of the given image tokens, in the given order, [tokens.length, hidden]. */
export function gatherTokens(image: EncodedImage, tokens: ArrayLike<number>): Float32Array {
  const { hidden } = image;
  const out = new Float32Array(tokens.length * hidden);
  for (let i = 0; i < tokens.length; i++)
    out.set(image.features.subarray(tokens[i] * hidden, (tokens[i] + 1) * hidden), i * hidden);
  return out;
}

/** Every image token's features, with all but the `kept` tokens set to zero (AvisC's "zeros" masking). */
export function zeroAllBut(image: EncodedImage, kept: ArrayLike<number>): Float32Array {
  const { hidden } = image;
  const out = new Float32Array(image.features.length);
  for (let i = 0; i < kept.length; i++)
    out.set(image.features.subarray(kept[i] * hidden, (kept[i] + 1) * hidden), kept[i] * hidden);
  return out;
}
