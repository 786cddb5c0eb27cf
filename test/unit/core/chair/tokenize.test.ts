// Token texts as NLTK's word_tokenize gives them for these captions (checked against NLTK 3.8's
// NLTKWordTokenizer, sentence by sentence), and spans that always index the original characters.
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../../src/core/text/tokenize';

const CASES: [string, string[]][] = [
  ['A man and two dogs.', ['a', 'man', 'and', 'two', 'dogs', '.']],
  ["The dog's bowl isn't full.", ['the', 'dog', "'s", 'bowl', 'is', "n't", 'full', '.']],
  ['He said "hi."', ['he', 'said', '``', 'hi', '.', "''"]],
  [
    'I cannot see 1,000 dogs, 2 cats: none.',
    ['i', 'can', 'not', 'see', '1,000', 'dogs', ',', '2', 'cats', ':', 'none', '.'],
  ],
  ['A cat...a dog (maybe)!', ['a', 'cat', '...', 'a', 'dog', '(', 'maybe', ')', '!']],
  ['Mr. Smith sat. Then a dog came.', ['mr.', 'smith', 'sat', '.', 'then', 'a', 'dog', 'came', '.']],
  ["The dogs' toys & a t-shirt; why?", ['the', 'dogs', "'", 'toys', '&', 'a', 't-shirt', ';', 'why', '?']],
  ['A dog’s bed', ['a', 'dog', '’', 's', 'bed']],
  ['We can’t -- no', ['we', 'can', '’', 't', '--', 'no']],
];

describe('tokenize', () => {
  it.each(CASES)('%s', (caption, want) => {
    const tokens = tokenize(caption);
    expect(tokens.map((t) => t.text)).toEqual(want);
    const QUOTES = new Set(['``', "''"]);
    for (const t of tokens) {
      const original = caption.slice(t.start, t.end).toLowerCase();
      if (QUOTES.has(t.text)) expect(original).toBe('"');
      else expect(t.text).toBe(original);
    }
  });

  it('keeps spans on the original string when lower-casing would change a length', () => {
    const caption = 'İ saw A DOG';
    const tokens = tokenize(caption);
    expect(tokens.map((t) => caption.slice(t.start, t.end))).toEqual(['İ', 'saw', 'A', 'DOG']);
    expect(tokens[3].text).toBe('dog');
  });
});
