// The synthetic llava's readable words under SmolVLM's special tokens. Ids are positions in the list.
import { SPECIAL_TOKENS as LLAVA_SPECIALS, VOCABULARY } from '../llava/vocabulary';

export const IDEFICS3_SPECIALS = {
  unk: '<unk>',
  start: '<|im_start|>',
  end: '<end_of_utterance>',
  pad: '<pad>',
  image: '<image>',
  fake: '<fake_token_around_image>',
  global: '<global-img>',
} as const;

const llavaSpecials = new Set<string>(Object.values(LLAVA_SPECIALS));

export const IDEFICS3_VOCABULARY: readonly string[] = [
  ...Object.values(IDEFICS3_SPECIALS),
  ...VOCABULARY.filter((t) => !llavaSpecials.has(t)),
];

export const idefics3TokenId = (token: string): number => {
  const id = IDEFICS3_VOCABULARY.indexOf(token);
  if (id < 0) throw new Error(`"${token}" is not in the synthetic Idefics3 vocabulary`);
  return id;
};

export const IDEFICS3_IDS = Object.fromEntries(
  Object.entries(IDEFICS3_SPECIALS).map(([key, token]) => [key, idefics3TokenId(token)]),
) as Record<keyof typeof IDEFICS3_SPECIALS, number>;
