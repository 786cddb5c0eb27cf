// The synthetic llava's readable words under Moondream 2's CodeGen specials: <|endoftext|> is BOS, EOS and unknown at
// once, and <image> is an added token with the id −200 (outside the vocabulary, as in the real tokenizer). Ids are
// positions in the list, padded with unused tokens to 256 so that id −200 indexes the embedding table.
import { SPECIAL_TOKENS as LLAVA_SPECIALS, VOCABULARY } from '../llava/vocabulary';

export const MOONDREAM_SPECIALS = { text: '<|endoftext|>', image: '<image>' } as const;

export const MOONDREAM_IMAGE_ID = -200;

const llavaSpecials = new Set<string>(Object.values(LLAVA_SPECIALS));
const words = [MOONDREAM_SPECIALS.text, ...VOCABULARY.filter((t) => !llavaSpecials.has(t))];

export const MOONDREAM_VOCABULARY: readonly string[] = [
  ...words,
  ...Array.from({ length: 256 - words.length }, (_, i) => `<unused_${i}>`),
];

export const MOONDREAM_IDS = { text: 0, image: MOONDREAM_IMAGE_ID } as const;
