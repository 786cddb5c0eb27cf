// Where a family's prompt puts the image: the chat template's one placeholder, and the run of image ids the tokenizer
// must keep. Worked examples with image id 7 and 3 image tokens.
import { describe, expect, it } from 'vitest';
import { expandImagePlaceholder, locateImageTokens } from '../../../../src/engine/adapters/prompt-image';
import { LensError } from '../../../../src/protocol/errors';

const names = { token: '<image>', family: 'demo' };

describe('expandImagePlaceholder', () => {
  it('replaces the one placeholder by the expansion', () => {
    expect(expandImagePlaceholder('a <img> b', '<img>', '[x x]')).toBe('a [x x] b');
  });

  it.each([
    ['none', 'a b', 0],
    ['two', '<img> a <img>', 2],
  ])('refuses a prompt with %s', (_, text, placed) => {
    expect(() => expandImagePlaceholder(text, '<img>', '')).toThrow(
      `The chat template must place exactly one <img> in the prompt; it placed ${placed}.`,
    );
  });
});

describe('locateImageTokens', () => {
  it('finds three consecutive image ids after two text ids: start 2, count 3', () => {
    expect(locateImageTokens([1, 2, 7, 7, 7, 3], 7, 3, names)).toEqual({ ids: [1, 2, 7, 7, 7, 3], start: 2, count: 3 });
  });

  it.each([
    ['no image id', [1, 2, 3]],
    ['two image ids where three were written', [1, 7, 7, 2]],
    ['a text id inside a run of three', [7, 1, 7]],
  ])('refuses %s, naming the token, its id and the family', (_, ids) => {
    const error = (() => {
      try {
        locateImageTokens(ids, 7, 3, names);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(LensError);
    expect(error).toMatchObject({
      code: 'unsupported-model',
      message:
        "The tokenizer did not keep 3 consecutive <image> tokens (id 7); this demo export's tokenizer is not understood.",
    });
  });

  it('names where the id comes from when told', () => {
    expect(() => locateImageTokens([1], 7, 1, { ...names, idSource: "config.json's image_token_index" })).toThrow(
      "(config.json's image_token_index 7)",
    );
  });
});
