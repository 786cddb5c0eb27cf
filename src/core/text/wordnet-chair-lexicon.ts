// The WordNet subset the CHAIR lemmatiser needs (built by test/tools/build-wordnet-lexicon.ts, which proves on
// every WordNet word that the subset gives NLTK's lemma whenever that lemma is a CHAIR-relevant word). For a
// word whose lemma cannot be CHAIR-relevant the subset may return another non-relevant form; CHAIR never sees
// the difference. A few kilobytes instead of WordNet's megabytes.
import type { WordNetLexicon } from './morphy';
import { byWordNetPos } from './wordnet-pos';
import { WORDNET_CHAIR_LEXICON_DATA } from './wordnet-chair-lexicon.data';

function unpack(data: { readonly lemmas: string; readonly exceptions: string }) {
  const lemmas = new Set(data.lemmas === '' ? [] : data.lemmas.split(' '));
  const exceptions = new Map<string, readonly string[]>();
  if (data.exceptions !== '') {
    for (const item of data.exceptions.split(' ')) {
      const [form, bases] = item.split(':');
      exceptions.set(form, bases.split(','));
    }
  }
  return { lemmas, exceptions };
}

let cached: WordNetLexicon | undefined;

export function wordNetChairLexicon(): WordNetLexicon {
  if (!cached) {
    const parts = byWordNetPos((p) => unpack(WORDNET_CHAIR_LEXICON_DATA[p]));
    cached = { lemmas: byWordNetPos((p) => parts[p].lemmas), exceptions: byWordNetPos((p) => parts[p].exceptions) };
  }
  return cached;
}
