// The wink-nlp tagger returns one tag per token of OUR tokeniser even where wink cuts words differently.
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../../src/core/text/tokenize';
import { createWinkTagger } from '../../../../src/core/text/wink-tagger';

describe('createWinkTagger', () => {
  const tagger = createWinkTagger();

  it.each([
    ['An orange cat sits on a toilet.', ['n', 'a', 'n', 'v', 'n', 'n', 'n', 'n']],
    ["A man/woman can't see the t-shirt...", undefined],
    ['  Two  DOGS  ', ['n', 'n']],
  ] as const)('%s', (caption, want) => {
    const tokens = tokenize(caption);
    const tags = tagger.tag(caption, tokens);
    expect(tags).toHaveLength(tokens.length);
    if (want) expect(tags.map((t) => t.pos)).toEqual(want);
  });

  it('marks real nouns only', () => {
    const caption = 'The dog sleeps.';
    expect(tagger.tag(caption, tokenize(caption)).map((t) => t.noun)).toEqual([false, true, false, false]);
  });
});
