// The synthetic llava's readable words under LFM2-VL's special tokens, plus the chat template's role names.
// Ids are positions in the list.
import { SPECIAL_TOKENS as LLAVA_SPECIALS, VOCABULARY } from '../llava/vocabulary';

export const LFM2VL_SPECIALS = {
  pad: '<|pad|>',
  bos: '<|startoftext|>',
  eos: '<|im_end|>',
  start: '<|im_start|>',
  unk: '<|unk|>',
  image: '<image>',
  imageStart: '<|image_start|>',
  imageEnd: '<|image_end|>',
  thumbnail: '<|img_thumbnail|>',
} as const;

const llavaSpecials = new Set<string>(Object.values(LLAVA_SPECIALS));
const ROLES = ['user', 'assistant'];

export const LFM2VL_VOCABULARY: readonly string[] = [
  ...Object.values(LFM2VL_SPECIALS),
  ...ROLES,
  ...VOCABULARY.filter((t) => !llavaSpecials.has(t) && !ROLES.includes(t)),
];

export const LFM2VL_IDS = Object.fromEntries(
  Object.entries(LFM2VL_SPECIALS).map(([key, token]) => [key, LFM2VL_VOCABULARY.indexOf(token)]),
) as Record<keyof typeof LFM2VL_SPECIALS, number>;
