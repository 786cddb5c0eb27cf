// The synthetic llava's readable words under Qwen2-VL's special tokens, plus the chat template's role words. Ids are
// positions in the list.
import { SPECIAL_TOKENS as LLAVA_SPECIALS, VOCABULARY } from '../llava/vocabulary';

export const QWEN2VL_SPECIALS = {
  endOfText: '<|endoftext|>',
  start: '<|im_start|>',
  end: '<|im_end|>',
  visionStart: '<|vision_start|>',
  visionEnd: '<|vision_end|>',
  image: '<|image_pad|>',
  video: '<|video_pad|>',
  unk: '<unk>',
} as const;

const llavaSpecials = new Set<string>(Object.values(LLAVA_SPECIALS));
const ROLES = ['system', 'user', 'assistant'];

export const QWEN2VL_VOCABULARY: readonly string[] = [
  ...Object.values(QWEN2VL_SPECIALS),
  ...ROLES,
  ...VOCABULARY.filter((t) => !llavaSpecials.has(t) && !ROLES.includes(t)),
];

export const QWEN2VL_IDS = Object.fromEntries(
  Object.entries(QWEN2VL_SPECIALS).map(([key, token]) => [key, QWEN2VL_VOCABULARY.indexOf(token)]),
) as Record<keyof typeof QWEN2VL_SPECIALS, number>;
