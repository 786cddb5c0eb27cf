// NLTK 3.8's English part-of-speech tagger (nltk.pos_tag, the averaged perceptron of nltk/tag/perceptron.py)
// re-implemented from its published algorithm, so CHAIR lemmatises with the tags the reference evaluator sees.
// Inference only: the weights are NLTK's own model, converted once to JSON by
// test/tools/convert-perceptron-tagger.py (public/data/PROVENANCE.md has the source and licence).
//
// What must match the reference bit for bit, and how it does:
// - normalisation of the context words: a hyphen anywhere but first → !HYPHEN, four digits → !YEAR, a leading
//   digit → !DIGITS, else lower case (Python's str.isdigit, which also counts superscripts and circled digits);
// - the 14 feature templates, built from the raw word (suffix, first letter, tag dictionary) and the normalised
//   context padded with -START-/-START2- and -END-/-END2-, with the two previous PREDICTED tags;
// - the tag dictionary shortcut (a word listed there takes its tag without scoring);
// - the scores: each class sums its weights in template order (the order Python's feature dict iterates),
//   in doubles, so equal sums are equal here too; the highest score wins, a tie goes to the greater tag name.
// Python slices strings by code point (word[-3:], word[0]); JavaScript by UTF-16 unit, hence the astral care.
import { LensError } from '../../protocol/errors';
import type { PosTagger } from './pos-tagger';
import type { Token } from './tokenize';
import { taggedFromPenn, type TaggedToken } from './wordnet-pos';

/** NLTK's feature templates, in the order _get_features adds them (and Python sums them). */
export const PERCEPTRON_TEMPLATES = ['bias', 'i suffix', 'i pref1', 'i-1 tag', 'i-2 tag', 'i tag+i-2 tag', 'i word', 'i-1 tag+i word', 'i-1 word', 'i-1 suffix', 'i-2 word', 'i+1 word', 'i+1 suffix', 'i+2 word'] as const;

/** The model file's layout (see the converter): weights are stored as integers, weight × 1000. */
export interface PerceptronModelFile {
  readonly classes: readonly string[];
  readonly tagdict: Readonly<Record<string, string>>;
  readonly weights: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;
}

export interface PerceptronModel {
  readonly classes: readonly string[];
  readonly tagdict: ReadonlyMap<string, number>;
  /** Per template (PERCEPTRON_TEMPLATES order): feature argument → [class, weight, class, weight, …]. */
  readonly weights: ReadonlyArray<ReadonlyMap<string, Float64Array>>;
}

function badModel(what: string): LensError {
  return new LensError('bad-request', `The part-of-speech model is not a converted NLTK averaged-perceptron model (${what}); regenerate it with test/tools/convert-perceptron-tagger.py.`);
}

export function parsePerceptronModel(file: PerceptronModelFile): PerceptronModel {
  const { classes } = file;
  if (!Array.isArray(classes) || classes.length === 0) throw badModel('no classes');
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const tagdict = new Map<string, number>();
  for (const [word, tag] of Object.entries(file.tagdict ?? {})) {
    const index = classIndex.get(tag);
    if (index === undefined) throw badModel(`tag dictionary entry "${word}" has unknown tag "${tag}"`);
    tagdict.set(word, index);
  }
  const weights = PERCEPTRON_TEMPLATES.map((template) => {
    const rows = file.weights?.[template];
    if (!rows) throw badModel(`no weights for the feature template "${template}"`);
    const byArg = new Map<string, Float64Array>();
    for (const [arg, pairs] of Object.entries(rows)) {
      const row = new Float64Array(pairs.length);
      for (let k = 0; k < pairs.length; k += 2) {
        if (!(pairs[k] >= 0 && pairs[k] < classes.length)) throw badModel(`feature "${template} ${arg}" names class ${pairs[k]}`);
        row[k] = pairs[k];
        // NLTK's weights are multiples of 0.001; the correctly rounded quotient is the double Python holds.
        row[k + 1] = pairs[k + 1] / 1000;
      }
      byArg.set(arg, row);
    }
    return byArg;
  });
  return { classes, tagdict, weights };
}

const SURROGATE = /[\uD800-\uDFFF]/;
// Python's str.isdigit: decimal digits plus the Unicode digits that are not decimal (superscripts, circled…).
const PY_DIGIT = '\\p{Nd}\\u{B2}-\\u{B3}\\u{B9}\\u{1369}-\\u{1371}\\u{19DA}\\u{2070}\\u{2074}-\\u{2079}\\u{2080}-\\u{2089}\\u{2460}-\\u{2468}\\u{2474}-\\u{247C}\\u{2488}-\\u{2490}\\u{24EA}\\u{24F5}-\\u{24FD}\\u{24FF}\\u{2776}-\\u{277E}\\u{2780}-\\u{2788}\\u{278A}-\\u{2792}\\u{10A40}-\\u{10A43}\\u{10E60}-\\u{10E68}\\u{11052}-\\u{1105A}\\u{1F100}-\\u{1F10A}';
const ALL_DIGITS = new RegExp(`^[${PY_DIGIT}]+$`, 'u');
const LEADING_DIGIT = new RegExp(`^[${PY_DIGIT}]`, 'u');

/** Python's s[-3:]. */
function lastThree(s: string): string {
  return SURROGATE.test(s) ? Array.from(s).slice(-3).join('') : s.slice(-3);
}

/** Python's s[0] if s else "". */
function firstChar(s: string): string {
  return s === '' ? '' : String.fromCodePoint(s.codePointAt(0) as number);
}

/** PerceptronTagger.normalize. */
export function normalizePerceptronWord(word: string): string {
  if (word.includes('-') && word[0] !== '-') return '!HYPHEN';
  if (ALL_DIGITS.test(word) && Array.from(word).length === 4) return '!YEAR';
  if (LEADING_DIGIT.test(word)) return '!DIGITS';
  return word.toLowerCase();
}

/** Penn Treebank tags of `words`, as NLTK 3.8's pos_tag gives them for the same token list. */
export function perceptronTags(model: PerceptronModel, words: readonly string[]): string[] {
  const { classes, tagdict, weights } = model;
  const context = ['-START-', '-START2-', ...words.map(normalizePerceptronWord), '-END-', '-END2-'];
  const scores = new Float64Array(classes.length);
  const out: string[] = [];
  let prev = '-START-';
  let prev2 = '-START2-';
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    let tag = tagdict.get(word);
    if (tag === undefined) {
      const c = i + 2;
      const args = [
        '', lastThree(word), firstChar(word), prev, prev2, `${prev} ${prev2}`, context[c], `${prev} ${context[c]}`,
        context[c - 1], lastThree(context[c - 1]), context[c - 2], context[c + 1], lastThree(context[c + 1]), context[c + 2],
      ];
      scores.fill(0);
      for (let t = 0; t < args.length; t++) {
        const row = weights[t].get(args[t]);
        if (row === undefined) continue;
        for (let k = 0; k < row.length; k += 2) scores[row[k]] += row[k + 1];
      }
      let best = 0;
      for (let k = 1; k < classes.length; k++) {
        if (scores[k] > scores[best] || (scores[k] === scores[best] && classes[k] > classes[best])) best = k;
      }
      tag = best;
    }
    out.push(classes[tag]);
    prev2 = prev;
    prev = classes[tag];
  }
  return out;
}

export function createPerceptronTagger(model: PerceptronModel): PosTagger {
  const tagged = new Map(model.classes.map((c) => [c, taggedFromPenn(c)]));
  return {
    tag(_text: string, tokens: readonly Token[]): TaggedToken[] {
      return perceptronTags(model, tokens.map((t) => t.text)).map((tag) => tagged.get(tag) as TaggedToken);
    },
  };
}
