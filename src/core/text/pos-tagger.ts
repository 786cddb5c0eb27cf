// The part-of-speech step of CHAIR is injected: the evaluator only needs, per token, which WordNet index to
// search and whether the token is a real noun. The implementation is NLTK's tagger (perceptron-tagger.ts),
// whose 3.1 MB model is loaded only by code that asks for it (fetched by the UI when it labels captions).
import type { Token } from './tokenize';
import type { TaggedToken } from './wordnet-pos';

export interface PosTagger {
  /** One tag per token. `text` is the caption the tokens were cut from; spans index into it. */
  tag(text: string, tokens: readonly Token[]): TaggedToken[];
}
