// Caption → CHAIR object mentions, step for step as the reference evaluator (spec §3.2): tokenise the
// lower-cased caption, tag, lemmatise with the tag's WordNet class (anything but J/V/N/R goes to the noun
// index), merge two-word phrases left to right, drop every "seat" when "toilet" also occurs, keep the words
// of the synonym vocabulary and map them to node words. Unlike the reference we keep where each mention came
// from: its token range and its [start, end) span in the original caption.
import type { Lemmatizer } from '../text/morphy';
import type { PosTagger } from '../text/pos-tagger';
import { tokenize, type Token } from '../text/tokenize';
import type { TaggedToken } from '../text/wordnet-pos';
import { CHAIR_DOUBLE_WORDS } from './chair-double-words';
import type { SynonymTable } from './chair-synonyms';

export interface ChairMention {
  /** The vocabulary word after lemmatising and phrase merging: "dog", "teddy bear", "tv". */
  readonly word: string;
  /** Its node word (the COCO category CHAIR counts): "dog", "teddy bear", "tv". */
  readonly node: string;
  /** First token and one past the last token of the mention (2 tokens for a merged phrase). */
  readonly tokenStart: number;
  readonly tokenEnd: number;
  /** Span in the original caption, [start, end), covering the whole phrase. */
  readonly start: number;
  readonly end: number;
}

export interface ChairParse {
  readonly caption: string;
  readonly tokens: readonly Token[];
  readonly tags: readonly TaggedToken[];
  readonly lemmas: readonly string[];
  readonly mentions: readonly ChairMention[];
}

export interface ChairExtractorDeps {
  readonly synonyms: SynonymTable;
  readonly tagger: PosTagger;
  readonly lemmatize: Lemmatizer;
}

export type ChairExtractor = (caption: string) => ChairParse;

export function createChairExtractor({ synonyms, tagger, lemmatize }: ChairExtractorDeps): ChairExtractor {
  const lemmaCache = new Map<string, string>();
  const lemmaOf = (word: string, tag: TaggedToken): string => {
    const key = `${tag.pos}:${word}`;
    let lemma = lemmaCache.get(key);
    if (lemma === undefined) {
      lemma = lemmatize(word, tag.pos);
      lemmaCache.set(key, lemma);
    }
    return lemma;
  };

  return (caption) => {
    const tokens = tokenize(caption);
    const tags = tagger.tag(caption, tokens);
    const lemmas = tokens.map((t, i) => lemmaOf(t.text, tags[i]));

    const merged: { word: string; first: number; last: number }[] = [];
    for (let i = 0; i < lemmas.length;) {
      const phrase = i + 1 < lemmas.length ? CHAIR_DOUBLE_WORDS.get(`${lemmas[i]} ${lemmas[i + 1]}`) : undefined;
      if (phrase !== undefined) {
        merged.push({ word: phrase, first: i, last: i + 1 });
        i += 2;
      } else {
        merged.push({ word: lemmas[i], first: i, last: i });
        i += 1;
      }
    }
    const hasToilet = merged.some((m) => m.word === 'toilet');
    const kept = hasToilet && merged.some((m) => m.word === 'seat') ? merged.filter((m) => m.word !== 'seat') : merged;

    const mentions: ChairMention[] = [];
    for (const m of kept) {
      if (!synonyms.vocabulary.has(m.word)) continue;
      mentions.push({
        word: m.word,
        node: synonyms.nodeOf.get(m.word) as string,
        tokenStart: m.first,
        tokenEnd: m.last + 1,
        start: tokens[m.first].start,
        end: tokens[m.last].end,
      });
    }
    return { caption, tokens, tags, lemmas, mentions };
  };
}
