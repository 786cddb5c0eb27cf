// WordNet's morphy as NLTK's WordNetLemmatizer runs it, written from the published algorithm: exception
// list first (and nothing else when the word is listed), then one round of suffix rules checked against the
// lemma index together with the word itself, then further rounds only while nothing has matched; among the
// matches NLTK keeps the SHORTEST (the first one on a tie), which is why "men" stays "men" and "was" becomes
// "wa". The lexicon is injected so callers choose how much of WordNet to ship.

import type { WordNetPos } from './wordnet-pos';

export interface WordNetLexicon {
  /** Single-token lemmas of the index, per part of speech. */
  readonly lemmas: Readonly<Record<WordNetPos, ReadonlySet<string>>>;
  /** The `*.exc` exception lists: inflected form → base forms. */
  readonly exceptions: Readonly<Record<WordNetPos, ReadonlyMap<string, readonly string[]>>>;
}

type Rule = readonly [suffix: string, replacement: string];

/** WordNet's detachment rules (morph(7WN)), in the order morphy tries them. */
export const MORPHY_RULES: Readonly<Record<WordNetPos, readonly Rule[]>> = {
  n: [
    ['s', ''],
    ['ses', 's'],
    ['ves', 'f'],
    ['xes', 'x'],
    ['zes', 'z'],
    ['ches', 'ch'],
    ['shes', 'sh'],
    ['men', 'man'],
    ['ies', 'y'],
  ],
  v: [
    ['s', ''],
    ['ies', 'y'],
    ['es', 'e'],
    ['es', ''],
    ['ed', 'e'],
    ['ed', ''],
    ['ing', 'e'],
    ['ing', ''],
  ],
  a: [
    ['er', ''],
    ['est', ''],
    ['er', 'e'],
    ['est', 'e'],
  ],
  r: [],
};

export function applyMorphyRules(forms: readonly string[], pos: WordNetPos): string[] {
  const out: string[] = [];
  for (const form of forms) {
    for (const [suffix, replacement] of MORPHY_RULES[pos]) {
      if (form.endsWith(suffix)) out.push(form.slice(0, form.length - suffix.length) + replacement);
    }
  }
  return out;
}

export type Lemmatizer = (word: string, pos: WordNetPos) => string;

export function createLemmatizer(lexicon: WordNetLexicon): Lemmatizer {
  const known = (forms: readonly string[], pos: WordNetPos): string[] => {
    const index = lexicon.lemmas[pos];
    return [...new Set(forms.filter((f) => index.has(f)))];
  };
  const shortest = (forms: readonly string[]): string | undefined =>
    forms.reduce<string | undefined>((best, f) => (best === undefined || f.length < best.length ? f : best), undefined);

  return (word, pos) => {
    const listed = lexicon.exceptions[pos].get(word);
    if (listed) return shortest(known([word, ...listed], pos)) ?? word;
    let forms = applyMorphyRules([word], pos);
    let found = known([word, ...forms], pos);
    while (found.length === 0 && forms.length > 0) {
      forms = applyMorphyRules(forms, pos);
      found = known(forms, pos);
    }
    return shortest(found) ?? word;
  };
}
