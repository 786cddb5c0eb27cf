// The synthetic llava's readable words under Gemma 3's special tokens, plus the chat template's "model" role.
// Ids are positions in the list.
import { SPECIAL_TOKENS as LLAVA_SPECIALS, VOCABULARY } from '../llava/vocabulary';

export const GEMMA3_SPECIALS = {
  pad: '<pad>',
  eos: '<eos>',
  bos: '<bos>',
  unk: '<unk>',
  start: '<start_of_turn>',
  end: '<end_of_turn>',
  boi: '<start_of_image>',
  eoi: '<end_of_image>',
  image: '<image_soft_token>',
} as const;

const llavaSpecials = new Set<string>(Object.values(LLAVA_SPECIALS));

export const GEMMA3_VOCABULARY: readonly string[] = [
  ...Object.values(GEMMA3_SPECIALS),
  'model',
  ...VOCABULARY.filter((t) => !llavaSpecials.has(t) && t !== 'model'),
];

export const GEMMA3_IDS = Object.fromEntries(
  Object.entries(GEMMA3_SPECIALS).map(([key, token]) => [key, GEMMA3_VOCABULARY.indexOf(token)]),
) as Record<keyof typeof GEMMA3_SPECIALS, number>;
