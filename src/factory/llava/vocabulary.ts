// A small readable vocabulary: synthetic captions come out as words, and COCO object names give the CHAIR
// labeller something to match. Ids are positions in VOCABULARY.

import { COCO_OBJECTS } from '../../core/caption-objects/coco-objects';

export const SPECIAL_TOKENS = { unk: '<unk>', bos: '<s>', eos: '</s>', pad: '<pad>', image: '<image>' } as const;

const SPECIALS = [SPECIAL_TOKENS.unk, SPECIAL_TOKENS.bos, SPECIAL_TOKENS.eos, SPECIAL_TOKENS.pad, SPECIAL_TOKENS.image];

// The chat template's role words and punctuation, lower-cased by the tokenizer's normalizer.
const TEMPLATE = ['user', 'assistant', ':', '.', ',', '?', '!', "'"];

const FUNCTION_WORDS = [
  'a',
  'an',
  'the',
  'is',
  'are',
  'there',
  'in',
  'on',
  'of',
  'with',
  'and',
  'to',
  'at',
  'near',
  'next',
  'by',
  'this',
  'that',
  'it',
  'its',
  'some',
  'two',
  'three',
  'one',
  'no',
  'yes',
  'not',
  'image',
  'picture',
  'photo',
  'please',
  'answer',
  'question',
  'word',
  'describe',
  'generate',
  'short',
  'caption',
  'what',
  'who',
  'where',
  'front',
  'behind',
  'top',
  'under',
  'while',
  'or',
];

const DESCRIPTIVE = [
  'sitting',
  'standing',
  'walking',
  'holding',
  'parked',
  'lying',
  'playing',
  'eating',
  'looking',
  'riding',
  'white',
  'black',
  'red',
  'blue',
  'green',
  'brown',
  'small',
  'large',
  'old',
  'young',
  'wooden',
  'empty',
  'room',
  'street',
  'field',
  'kitchen',
  'grass',
  'water',
  'road',
  'floor',
  'wall',
  'sky',
  'snow',
  'beach',
];

// COCO categories, multi-word names split into words (traffic light → traffic, light), each word once; the words a
// caption uses for people follow "person".
const COCO_WORDS = [
  ...new Set(['person', 'people', 'man', 'woman', ...COCO_OBJECTS.flatMap((name) => name.split(' '))]),
];

export const VOCABULARY: readonly string[] = [
  ...SPECIALS,
  ...TEMPLATE,
  ...FUNCTION_WORDS,
  ...DESCRIPTIVE,
  ...COCO_WORDS,
];

/** SmolVLM's vocabulary size; the bench model fills the ids past the readable words with unused tokens. */
export const BENCH_VOCABULARY_SIZE = 49152;

/** The readable words, then `<unused_N>` up to `size` ids (a real vocabulary's size, for benchmarks). */
export function vocabularyOfSize(size: number): readonly string[] {
  if (size < VOCABULARY.length)
    throw new Error(`a vocabulary of ${size} cannot hold the ${VOCABULARY.length} readable words`);
  return [...VOCABULARY, ...Array.from({ length: size - VOCABULARY.length }, (_, i) => `<unused_${i}>`)];
}

export const tokenId = (token: string): number => {
  const id = VOCABULARY.indexOf(token);
  if (id < 0) throw new Error(`"${token}" is not in the synthetic vocabulary`);
  return id;
};

export const SPECIAL_IDS = {
  unk: tokenId(SPECIAL_TOKENS.unk),
  bos: tokenId(SPECIAL_TOKENS.bos),
  eos: tokenId(SPECIAL_TOKENS.eos),
  pad: tokenId(SPECIAL_TOKENS.pad),
  image: tokenId(SPECIAL_TOKENS.image),
} as const;
