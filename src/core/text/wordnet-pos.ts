// The coarse word classes that decide which WordNet index the lemmatiser searches. NLTK's CHAIR maps Penn
// tags by their first letter (J, V, N, R) and sends every other tag to the noun index.

export type WordNetPos = 'n' | 'v' | 'a' | 'r';

export const WORDNET_POSES: readonly WordNetPos[] = ['n', 'v', 'a', 'r'];

export function byWordNetPos<T>(make: (pos: WordNetPos) => T): Record<WordNetPos, T> {
  return { n: make('n'), v: make('v'), a: make('a'), r: make('r') };
}

/** What a tagger reports for one token. `noun` is true only for real nouns (not for the noun fallback). */
export interface TaggedToken {
  readonly pos: WordNetPos;
  readonly noun: boolean;
}

export function wordNetPosFromPenn(tag: string): WordNetPos {
  switch (tag[0]) {
    case 'J':
      return 'a';
    case 'V':
      return 'v';
    case 'R':
      return 'r';
    default:
      return 'n';
  }
}

/** What CHAIR needs of a Penn tag: the WordNet class it lemmatises with, and whether it is a noun (NN*). */
export function taggedFromPenn(tag: string): TaggedToken {
  return { pos: wordNetPosFromPenn(tag), noun: tag.startsWith('NN') };
}
