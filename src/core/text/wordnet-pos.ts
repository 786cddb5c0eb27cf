// The coarse word classes that decide which WordNet index the lemmatiser searches. NLTK's CHAIR maps Penn
// tags by their first letter (J, V, N, R) and sends every other tag to the noun index; a tagger with another
// tag set (wink-nlp speaks Universal Dependencies) maps into the same four classes.

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
    case 'J': return 'a';
    case 'V': return 'v';
    case 'R': return 'r';
    default: return 'n';
  }
}

const UD_TO_WORDNET: Readonly<Record<string, WordNetPos>> = { ADJ: 'a', VERB: 'v', AUX: 'v', ADV: 'r' };

export function taggedFromUniversal(tag: string): TaggedToken {
  return { pos: UD_TO_WORDNET[tag] ?? 'n', noun: tag === 'NOUN' || tag === 'PROPN' };
}
