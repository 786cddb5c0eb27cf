// morphy as NLTK runs it, on a hand-made lexicon where each rule of the algorithm decides the answer, and on
// the shipped WordNet subset against lemmas taken from NLTK 3.8 with WordNet 3.0.
import { describe, expect, it } from 'vitest';
import { createLemmatizer, type WordNetLexicon } from '../../../../src/core/text/morphy';
import { wordNetChairLexicon } from '../../../../src/core/text/wordnet-chair-lexicon';
import { byWordNetPos } from '../../../../src/core/text/wordnet-pos';

function lexicon(
  lemmas: Partial<Record<'n' | 'v' | 'a' | 'r', string[]>>,
  exceptions: Partial<Record<'n' | 'v' | 'a' | 'r', Record<string, string[]>>> = {},
): WordNetLexicon {
  return {
    lemmas: byWordNetPos((p) => new Set(lemmas[p] ?? [])),
    exceptions: byWordNetPos((p) => new Map(Object.entries(exceptions[p] ?? {}))),
  };
}

describe('createLemmatizer (algorithm)', () => {
  it('keeps the shortest match, the first on a tie', () => {
    const lem = createLemmatizer(lexicon({ n: ['men', 'man', 'glasses', 'glass', 'wa'] }));
    expect(lem('men', 'n')).toBe('men');
    expect(lem('glasses', 'n')).toBe('glass');
    expect(lem('was', 'n')).toBe('wa');
  });

  it('uses only the exception list for a listed word, and returns the word when none of its bases is known', () => {
    const lem = createLemmatizer(lexicon({ n: ['ox', 'oxen', 'oxe'] }, { n: { oxen: ['ox'], geese: ['goose'] } }));
    expect(lem('oxen', 'n')).toBe('ox');
    expect(lem('geese', 'n')).toBe('geese');
  });

  it('applies further rounds only while nothing matched, and searches the index of the given class', () => {
    const lem = createLemmatizer(lexicon({ n: ['dog'], v: ['ski'] }));
    expect(lem('dogss', 'n')).toBe('dog');
    expect(lem('skiing', 'v')).toBe('ski');
    expect(lem('skiing', 'n')).toBe('skiing');
    expect(lem('unknown', 'r')).toBe('unknown');
  });
});

describe('the shipped WordNet subset gives NLTK lemmas for CHAIR words', () => {
  const lem = createLemmatizer(wordNetChairLexicon());
  // (word, class, NLTK 3.8 + WordNet 3.0 lemma)
  const NLTK: [string, 'n' | 'v' | 'a' | 'r', string][] = [
    ['dogs', 'n', 'dog'],
    ['people', 'n', 'people'],
    ['men', 'n', 'men'],
    ['women', 'n', 'woman'],
    ['children', 'n', 'child'],
    ['buses', 'n', 'bus'],
    ['busses', 'n', 'bus'],
    ['bus', 'n', 'bus'],
    ['glasses', 'n', 'glass'],
    ['skis', 'n', 'ski'],
    ['skis', 'v', 'ski'],
    ['skiing', 'v', 'ski'],
    ['skiing', 'n', 'skiing'],
    ['seated', 'v', 'seat'],
    ['seated', 'a', 'seated'],
    ['knives', 'n', 'knife'],
    ['mice', 'n', 'mouse'],
    ['scissors', 'n', 'scissors'],
    ['oxen', 'n', 'ox'],
    ['geese', 'n', 'goose'],
    ['tied', 'v', 'tie'],
    ['ties', 'n', 'tie'],
    ['sports', 'n', 'sport'],
    ['bears', 'v', 'bear'],
    ['orange', 'a', 'orange'],
    ['remote', 'a', 'remote'],
    ['couches', 'n', 'couch'],
    ['benches', 'n', 'bench'],
    ['puppies', 'n', 'puppy'],
    ['trained', 'v', 'train'],
    ['skateboarding', 'v', 'skateboard'],
    ['biking', 'v', 'bike'],
    ['cellphones', 'n', 'cellphone'],
    ['televisions', 'n', 'television'],
  ];
  it.each(NLTK)('%s/%s → %s', (word, pos, want) => {
    expect(lem(word, pos)).toBe(want);
  });
});
