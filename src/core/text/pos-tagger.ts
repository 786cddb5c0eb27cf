// The part-of-speech step of CHAIR is injected: the evaluator only needs, per token, which WordNet index to
// search and whether the token is a real noun. The wink-nlp implementation lives in wink-tagger.ts so that
// its 3.4 MB model is loaded only by code that asks for it (dynamic import in the UI).
import type { Token } from './tokenize';
import type { TaggedToken } from './wordnet-pos';

export interface PosTagger {
  /** One tag per token. `text` is the caption the tokens were cut from; spans index into it. */
  tag(text: string, tokens: readonly Token[]): TaggedToken[];
}
