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
export const PERCEPTRON_TEMPLATES = [
  'bias',
  'i suffix',
  'i pref1',
  'i-1 tag',
  'i-2 tag',
  'i tag+i-2 tag',
  'i word',
  'i-1 tag+i word',
  'i-1 word',
  'i-1 suffix',
  'i-2 word',
  'i+1 word',
  'i+1 suffix',
  'i+2 word',
] as const;

/** The model file's layout (see the converter): weights are stored as integers, weight × 1000. */
export interface PerceptronModelFile {
  readonly classes: readonly string[];
  readonly tagdict: Readonly<Record<string, string>>;
  readonly weights: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;
}

/** Rows of weights are runs of the flat arrays, named by one number: start × 64 + length (a row has ≤ 45 pairs). */
type Row = number;
const NONE = -1;

/** The weights a context word carries in each word-keyed template, found with one lookup per position. */
interface WordRows {
  readonly id: number;
  word: Row;
  prev1: Row;
  prev2: Row;
  next1: Row;
  next2: Row;
}

export interface PerceptronModel {
  readonly classes: readonly string[];
  readonly tagdict: ReadonlyMap<string, number>;
  readonly rowClass: Uint8Array;
  readonly rowWeight: Float64Array;
  readonly bias: Row;
  readonly suffix: ReadonlyMap<string, Row>;
  readonly pref1: ReadonlyMap<string, Row>;
  /** By tag id: the classes, then -START- and -START2-. */
  readonly prev1Tag: Int32Array;
  readonly prev2Tag: Int32Array;
  /** By prev id × tag ids + prev2 id. */
  readonly tagPair: Int32Array;
  readonly words: ReadonlyMap<string, WordRows>;
  /** "i-1 tag+i word" by word id × 64 + prev id. */
  readonly tagWord: ReadonlyMap<number, Row>;
  readonly prev1Suffix: ReadonlyMap<string, Row>;
  readonly next1Suffix: ReadonlyMap<string, Row>;
  /** What each word seen so far contributes, keyed by the raw word (see wordInfo). */
  readonly seen: Map<string, WordInfo>;
  /** The padding symbols as context words, and one score per class reused by every call (tagging is synchronous). */
  readonly padding: readonly WordInfo[];
  readonly scores: Float64Array;
}

/** Everything about one raw word that does not depend on its neighbours, computed once per distinct word. */
interface WordInfo {
  /** Its tag dictionary entry, if any. */
  readonly tag: number | undefined;
  /** "i suffix" and "i pref1" (from the raw word). */
  readonly suffix: Row;
  readonly pref1: Row;
  /** The word-keyed templates of its normalised form, and the suffix templates of that form as a neighbour. */
  readonly rows: WordRows;
  readonly asPrev1Suffix: Row;
  readonly asNext1Suffix: Row;
}

function badModel(what: string): LensError {
  return new LensError(
    'bad-request',
    `The part-of-speech model is not a converted NLTK averaged-perceptron model (${what}); regenerate it with test/tools/convert-perceptron-tagger.py.`,
  );
}

const START = ['-START-', '-START2-'] as const;
const END = ['-END-', '-END2-'] as const;

export function parsePerceptronModel(file: PerceptronModelFile): PerceptronModel {
  const { classes } = file;
  if (!Array.isArray(classes) || classes.length === 0 || classes.length > 63)
    throw badModel('it needs 1 to 63 classes');
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const tagIds = new Map([...classIndex, [START[0], classes.length], [START[1], classes.length + 1]]);
  const tagCount = classes.length + 2;
  const tagdict = new Map<string, number>();
  for (const [word, tag] of Object.entries(file.tagdict ?? {})) {
    const index = classIndex.get(tag);
    if (index === undefined) throw badModel(`tag dictionary entry "${word}" has unknown tag "${tag}"`);
    tagdict.set(word, index);
  }

  // for…in over the parsed objects (all own, plain data) rather than Object.entries: no pair arrays to build.
  const templates = PERCEPTRON_TEMPLATES.map((template) => {
    const rows = file.weights?.[template];
    if (!rows) throw badModel(`no weights for the feature template "${template}"`);
    return rows;
  });
  let pairs = 0;
  for (const rows of templates) for (const arg in rows) pairs += rows[arg].length / 2;
  const rowClass = new Uint8Array(pairs);
  const rowWeight = new Float64Array(pairs);
  let at = 0;
  const toRow = (template: string, arg: string, row: readonly number[]): Row => {
    const start = at;
    for (let k = 0; k < row.length; k += 2) {
      if (!(row[k] >= 0 && row[k] < classes.length))
        throw badModel(`feature "${template} ${arg}" names class ${row[k]}`);
      rowClass[at] = row[k];
      // NLTK's weights are multiples of 0.001; the correctly rounded quotient is the double Python holds.
      rowWeight[at] = row[k + 1] / 1000;
      at++;
    }
    if (at - start > classes.length)
      throw badModel(`feature "${template} ${arg}" has more weights than there are classes`);
    return start * 64 + (at - start);
  };

  const words = new Map<string, WordRows>();
  const wordRows = (word: string): WordRows => {
    let rows = words.get(word);
    if (!rows) {
      rows = { id: words.size, word: NONE, prev1: NONE, prev2: NONE, next1: NONE, next2: NONE };
      words.set(word, rows);
    }
    return rows;
  };
  const tagArray = () => new Int32Array(tagCount).fill(NONE);
  const byArg = (t: number) => {
    const out = new Map<string, Row>();
    for (const arg in templates[t]) out.set(arg, toRow(PERCEPTRON_TEMPLATES[t], arg, templates[t][arg]));
    return out;
  };
  const byTag = (t: number) => {
    const out = tagArray();
    for (const arg in templates[t]) {
      const id = tagIds.get(arg);
      // A tag-keyed feature naming no tag can never fire: the previous tags are always tags or START symbols.
      if (id !== undefined) out[id] = toRow(PERCEPTRON_TEMPLATES[t], arg, templates[t][arg]);
    }
    return out;
  };
  const byWord = (t: number, role: 'word' | 'prev1' | 'prev2' | 'next1' | 'next2') => {
    for (const arg in templates[t]) wordRows(arg)[role] = toRow(PERCEPTRON_TEMPLATES[t], arg, templates[t][arg]);
  };

  const biasRow = templates[0][''];
  const bias = biasRow ? toRow('bias', '', biasRow) : NONE;
  const suffix = byArg(1);
  const pref1 = byArg(2);
  const prev1Tag = byTag(3);
  const prev2Tag = byTag(4);
  const tagPair = new Int32Array(tagCount * tagCount).fill(NONE);
  for (const arg in templates[5]) {
    const [prev, prev2] = arg.split(' ');
    const a = tagIds.get(prev);
    const b = tagIds.get(prev2);
    if (a !== undefined && b !== undefined)
      tagPair[a * tagCount + b] = toRow(PERCEPTRON_TEMPLATES[5], arg, templates[5][arg]);
  }
  byWord(6, 'word');
  const tagWord = new Map<number, Row>();
  for (const arg in templates[7]) {
    const space = arg.indexOf(' ');
    const id = tagIds.get(arg.slice(0, space));
    if (id !== undefined)
      tagWord.set(wordRows(arg.slice(space + 1)).id * 64 + id, toRow(PERCEPTRON_TEMPLATES[7], arg, templates[7][arg]));
  }
  byWord(8, 'prev1');
  const prev1Suffix = byArg(9);
  byWord(10, 'prev2');
  byWord(11, 'next1');
  const next1Suffix = byArg(12);
  byWord(13, 'next2');
  const model = {
    classes,
    tagdict,
    rowClass,
    rowWeight,
    bias,
    suffix,
    pref1,
    prev1Tag,
    prev2Tag,
    tagPair,
    words,
    tagWord,
    prev1Suffix,
    next1Suffix,
    seen: new Map(),
    padding: [],
    scores: new Float64Array(classes.length),
  };
  // The padding symbols enter the context as they are (they are not normalised).
  return { ...model, padding: [...START, ...END].map((symbol) => infoOf(model, symbol, symbol)) };
}

const SURROGATE = /[\uD800-\uDFFF]/;
// Python's str.isdigit: decimal digits plus the Unicode digits that are not decimal (superscripts, circled…).
const PY_DIGIT =
  '\\p{Nd}\\u{B2}-\\u{B3}\\u{B9}\\u{1369}-\\u{1371}\\u{19DA}\\u{2070}\\u{2074}-\\u{2079}\\u{2080}-\\u{2089}\\u{2460}-\\u{2468}\\u{2474}-\\u{247C}\\u{2488}-\\u{2490}\\u{24EA}\\u{24F5}-\\u{24FD}\\u{24FF}\\u{2776}-\\u{277E}\\u{2780}-\\u{2788}\\u{278A}-\\u{2792}\\u{10A40}-\\u{10A43}\\u{10E60}-\\u{10E68}\\u{11052}-\\u{1105A}\\u{1F100}-\\u{1F10A}';
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

const NO_WORD: WordRows = { id: -1, word: NONE, prev1: NONE, prev2: NONE, next1: NONE, next2: NONE };
// Caption vocabularies are small; the bound only keeps an endless stream of new words from growing the memo.
const SEEN_LIMIT = 200_000;

function infoOf(model: PerceptronModel, word: string, norm: string): WordInfo {
  const normSuffix = lastThree(norm);
  return {
    tag: model.tagdict.get(word),
    suffix: model.suffix.get(lastThree(word)) ?? NONE,
    pref1: model.pref1.get(firstChar(word)) ?? NONE,
    rows: model.words.get(norm) ?? NO_WORD,
    asPrev1Suffix: model.prev1Suffix.get(normSuffix) ?? NONE,
    asNext1Suffix: model.next1Suffix.get(normSuffix) ?? NONE,
  };
}

function wordInfo(model: PerceptronModel, word: string): WordInfo {
  let info = model.seen.get(word);
  if (info === undefined) {
    if (model.seen.size >= SEEN_LIMIT) model.seen.clear();
    info = infoOf(model, word, normalizePerceptronWord(word));
    model.seen.set(word, info);
  }
  return info;
}

function add(model: PerceptronModel, row: Row): void {
  if (row === NONE) return;
  const { scores, rowClass, rowWeight } = model;
  const first = (row - (row % 64)) / 64;
  const end = first + (row % 64);
  for (let k = first; k < end; k++) scores[rowClass[k]] += rowWeight[k];
}

/** Penn Treebank tags of `words`, as NLTK 3.8's pos_tag gives them for the same token list. */
export function perceptronTags(model: PerceptronModel, words: readonly string[]): string[] {
  const { classes, tagWord, scores, padding } = model;
  const tagCount = classes.length + 2;
  const context: WordInfo[] = [padding[0], padding[1]];
  for (const word of words) context.push(wordInfo(model, word));
  context.push(padding[2], padding[3]);
  const out: string[] = [];
  let prev = classes.length; // -START-
  let prev2 = classes.length + 1; // -START2-
  for (let c = 2; c < context.length - 2; c++) {
    const here = context[c];
    let tag = here.tag;
    if (tag === undefined) {
      scores.fill(0);
      // The templates in NLTK's order: each class sums its weights in this order, as Python does.
      add(model, model.bias);
      add(model, here.suffix);
      add(model, here.pref1);
      add(model, model.prev1Tag[prev]);
      add(model, model.prev2Tag[prev2]);
      add(model, model.tagPair[prev * tagCount + prev2]);
      add(model, here.rows.word);
      add(model, here.rows.id < 0 ? NONE : (tagWord.get(here.rows.id * 64 + prev) ?? NONE));
      add(model, context[c - 1].rows.prev1);
      add(model, context[c - 1].asPrev1Suffix);
      add(model, context[c - 2].rows.prev2);
      add(model, context[c + 1].rows.next1);
      add(model, context[c + 1].asNext1Suffix);
      add(model, context[c + 2].rows.next2);
      let best = 0;
      for (let k = 1; k < classes.length; k++) {
        if (scores[k] > scores[best] || (scores[k] === scores[best] && classes[k] > classes[best])) best = k;
      }
      tag = best;
    }
    out.push(classes[tag]);
    prev2 = prev;
    prev = tag;
  }
  return out;
}

export function createPerceptronTagger(model: PerceptronModel): PosTagger {
  const tagged = new Map(model.classes.map((c) => [c, taggedFromPenn(c)]));
  return {
    tag(_text: string, tokens: readonly Token[]): TaggedToken[] {
      return perceptronTags(
        model,
        tokens.map((t) => t.text),
      ).map((tag) => tagged.get(tag) as TaggedToken);
    },
  };
}
