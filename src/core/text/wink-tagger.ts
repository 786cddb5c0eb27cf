// POS tagging for CHAIR with wink-nlp 2.4 and wink-eng-lite-web-model 1.8 (both MIT, pure JavaScript, run in
// browsers and in Node 20, actively maintained). Why this library: it is the only maintained npm tagger whose
// model is trained statistically on annotated English (as NLTK's averaged perceptron is) and ships as plain
// JSON for the web; compromise is smaller but tags by hand-written rules with its own tag set, and the
// Brill-lexicon taggers (pos, en-pos, wink-pos-tagger) are unmaintained. Cost: the model is 3.4 MB minified,
// 1.0 MB gzipped, so import this module lazily. It speaks Universal Dependencies tags, mapped to WordNet's
// classes in wordnet-pos.ts. Lemmatisation is NOT wink's: morphy.ts reproduces NLTK's exactly.
//
// The caption is tagged as one lower-cased sequence without sentence splitting, as CHAIR passes all of a
// caption's tokens to one pos_tag call; wink's tokens are
// aligned to ours by character overlap: each of our tokens takes the tag of the wink token that overlaps it
// most, the first on a tie.
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import type { PosTagger } from './pos-tagger';
import { lowerKeepingLength, type Token } from './tokenize';
import { taggedFromUniversal, type TaggedToken } from './wordnet-pos';

export function createWinkTagger(): PosTagger {
  const nlp = winkNLP(model, ['pos']);
  const its = nlp.its;
  return {
    tag(text: string, tokens: readonly Token[]): TaggedToken[] {
      const doc = nlp.readDoc(lowerKeepingLength(text));
      const values = doc.tokens().out(its.value) as string[];
      const spaces = doc.tokens().out(its.precedingSpaces) as string[];
      const tags = doc.tokens().out(its.pos) as string[];
      const starts: number[] = [];
      let at = 0;
      for (let i = 0; i < values.length; i++) {
        at += spaces[i].length;
        starts.push(at);
        at += values[i].length;
      }
      let w = 0;
      return tokens.map((token) => {
        while (w < values.length && starts[w] + values[w].length <= token.start) w++;
        let best = -1;
        let bestOverlap = 0;
        for (let j = w; j < values.length && starts[j] < token.end; j++) {
          const overlap = Math.min(token.end, starts[j] + values[j].length) - Math.max(token.start, starts[j]);
          if (overlap > bestOverlap) { best = j; bestOverlap = overlap; }
        }
        return taggedFromUniversal(best >= 0 ? tags[best] : 'NOUN');
      });
    },
  };
}
