// The synthetic llava's readable words under PaliGemma's special tokens, plus the task prefixes' language code "en".
// Ids are positions in the list; the image token comes last, as 257152 does in the real vocabulary.
import { SPECIAL_TOKENS as LLAVA_SPECIALS, VOCABULARY } from '../llava/vocabulary';

export const PALIGEMMA_SPECIALS = {
  pad: '<pad>',
  eos: '<eos>',
  bos: '<bos>',
  unk: '<unk>',
  image: '<image>',
} as const;

const llavaSpecials = new Set<string>(Object.values(LLAVA_SPECIALS));
const { image, ...textSpecials } = PALIGEMMA_SPECIALS;

export const PALIGEMMA_VOCABULARY: readonly string[] = [
  ...Object.values(textSpecials),
  'en',
  ...VOCABULARY.filter((t) => !llavaSpecials.has(t) && t !== 'en'),
  image,
];

export const PALIGEMMA_IDS = Object.fromEntries(
  Object.entries(PALIGEMMA_SPECIALS).map(([key, token]) => [key, PALIGEMMA_VOCABULARY.indexOf(token)]),
) as Record<keyof typeof PALIGEMMA_SPECIALS, number>;
