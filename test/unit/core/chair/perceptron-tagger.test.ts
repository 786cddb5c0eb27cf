// The port of NLTK 3.8's averaged-perceptron tagger: hand-worked tiny models for each rule of the algorithm,
// then the real model against tags NLTK 3.8 itself produced (test/cases/perceptron-tagger-parity.json, written by
// test/tools/make-tagger-fixture.py) — every tag must match.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createPerceptronTagger,
  normalizePerceptronWord,
  parsePerceptronModel,
  perceptronTags,
  PERCEPTRON_TEMPLATES,
  type PerceptronModelFile,
} from '../../../../src/core/text/perceptron-tagger';
import { tokenize } from '../../../../src/core/text/tokenize';
import { perceptronModel } from './setup';

type Weights = Partial<Record<(typeof PERCEPTRON_TEMPLATES)[number], Record<string, number[]>>>;

/** Classes A, B, C; a bias of 0.5 for B (the default answer) plus the given weights (class index, weight × 1000). */
function tiny(weights: Weights, tagdict: Record<string, string> = {}) {
  const file: PerceptronModelFile = {
    classes: ['A', 'B', 'C'],
    tagdict,
    weights: Object.fromEntries(
      PERCEPTRON_TEMPLATES.map((t) => [t, { ...(t === 'bias' ? { '': [1, 500] } : {}), ...weights[t] }]),
    ),
  };
  return (sentence: string) => perceptronTags(parsePerceptronModel(file), sentence.split(' '));
}

describe('perceptronTags on hand-worked models', () => {
  it('scores from the bias alone when no other feature is known', () => {
    expect(tiny({})('x y')).toEqual(['B', 'B']);
  });

  it('takes a tag dictionary word without scoring it, case-sensitively', () => {
    // "the" is listed as C; its features (C would lose to B's bias 0.5) are never consulted. "The" is not listed.
    expect(tiny({}, { the: 'C' })('the The')).toEqual(['C', 'B']);
  });

  it('reads the suffix and first letter from the raw word, the word features from the lower-cased one', () => {
    // i suffix "ing" → C +1.0 (1.0 > 0.5); "SKIING" ends in "ING": no match → B. i word "skiing" → A +2.0 for both.
    const tag = tiny({ 'i suffix': { ing: [2, 1000] }, 'i pref1': { S: [0, 700] } });
    expect(tag('skiing SKIING')).toEqual(['C', 'A']); // SKIING: pref1 "S" → A 0.7 > B 0.5
    expect(tiny({ 'i word': { skiing: [0, 2000] } })('SKIING')).toEqual(['A']);
  });

  it('normalises hyphenated words, four-digit years and other numbers in the context', () => {
    const tag = tiny({ 'i word': { '!HYPHEN': [0, 1000], '!YEAR': [2, 1000], '!DIGITS': [2, 2000] } });
    // "-x" starts with the hyphen: stays itself → B. 1990 → !YEAR → C; 19900 and 3rd → !DIGITS → C; "²³⁴⁵" is
    // four Python digits (superscripts count) → !YEAR → C.
    expect(tag('t-shirt -x 1990 19900 3rd ²³⁴⁵')).toEqual(['A', 'B', 'C', 'C', 'C', 'C']);
    expect(normalizePerceptronWord('t-shirt')).toBe('!HYPHEN');
    expect(normalizePerceptronWord('-x')).toBe('-x');
    expect(normalizePerceptronWord('1990')).toBe('!YEAR');
    expect(normalizePerceptronWord('²³⁴⁵')).toBe('!YEAR');
    expect(normalizePerceptronWord('19900')).toBe('!DIGITS');
    expect(normalizePerceptronWord('Dog')).toBe('dog');
  });

  it('pads the context with -START-, -START2- before and -END-, -END2- after the words', () => {
    // Context: -START- -START2- w x y z -END- -END2-. The first word's previous word is -START2- (A +1); no word
    // has -START- as its previous word (A +5 never fires). Two after y is -END- (C +1); two after z is -END2-.
    const tag = tiny({
      'i-1 word': { '-START2-': [0, 1000], '-START-': [0, 5000] },
      'i+2 word': { '-END-': [2, 1000] },
    });
    expect(tag('w x y z')).toEqual(['A', 'B', 'C', 'B']);
  });

  it('conditions on the two previous PREDICTED tags', () => {
    // "the" → C from the dictionary; i-1 tag C → A +1 for "dog"; then i tag+i-2 tag "A C" → C +2 for "runs".
    const tag = tiny({ 'i-1 tag': { C: [0, 1000] }, 'i tag+i-2 tag': { 'A C': [2, 2000] } }, { the: 'C' });
    expect(tag('the dog runs')).toEqual(['C', 'A', 'C']);
    // At the start the previous tags are -START- and -START2-.
    expect(tiny({ 'i tag+i-2 tag': { '-START- -START2-': [0, 1000] } })('x y')).toEqual(['A', 'B']);
  });

  it('breaks a tie towards the greater tag name', () => {
    // B has the bias 0.5, C gets 0.5 from i word: equal scores, "C" > "B".
    expect(tiny({ 'i word': { x: [2, 500] } })('x')).toEqual(['C']);
  });

  it('sums each class in template order, in doubles', () => {
    // B: bias 0.1 + suffix 0.2 + word 0.3 = (0.1 + 0.2) + 0.3 = 0.6000000000000001; C: word 0.6 = 0.6. B wins
    // by one ulp; summed in another order (0.3 + 0.2 + 0.1 = 0.6) it would tie and C would win.
    const file: PerceptronModelFile = {
      classes: ['A', 'B', 'C'],
      tagdict: {},
      weights: Object.fromEntries(PERCEPTRON_TEMPLATES.map((t) => [t, {}])),
    };
    const weights = file.weights as Record<string, Record<string, number[]>>;
    weights.bias = { '': [1, 100] };
    weights['i suffix'] = { x: [1, 200] };
    weights['i word'] = { x: [1, 300, 2, 600] };
    expect(0.1 + 0.2 + 0.3).toBeGreaterThan(0.6);
    expect(perceptronTags(parsePerceptronModel(file), ['x'])).toEqual(['B']);
  });

  it('takes the last three and the first characters by code point, as Python slices', () => {
    // "a😀b" ends in the three code points a,😀,b (4 UTF-16 units); its first character is "a".
    expect(tiny({ 'i suffix': { 'a😀b': [0, 1000] } })('xa😀b')).toEqual(['A']);
    expect(tiny({ 'i pref1': { '😀': [2, 1000] } })('😀x')).toEqual(['C']);
  });

  it('rejects a file that is not a converted model, naming the converter', () => {
    expect(() => parsePerceptronModel({ classes: ['A'], tagdict: { x: 'Z' }, weights: {} })).toThrow(
      /convert-perceptron-tagger\.py/,
    );
    expect(() => parsePerceptronModel({ classes: ['A'], tagdict: {}, weights: {} })).toThrow(/"bias"/);
  });
});

describe('NLTK 3.8 parity on the real model', () => {
  const fixture = JSON.parse(
    readFileSync(new URL('../../../cases/perceptron-tagger-parity.json', import.meta.url), 'utf8'),
  ) as { rows: [string, string][] };
  const model = perceptronModel();

  it('reproduces every tag of the fixture', () => {
    let tokens = 0;
    const differences: string[] = [];
    for (const [words, tags] of fixture.rows) {
      const got = perceptronTags(model, words.split(' ')).join(' ');
      tokens += tags.split(' ').length;
      if (got !== tags) differences.push(`${words}\n  NLTK: ${tags}\n  port: ${got}`);
    }
    expect(tokens).toBeGreaterThanOrEqual(10_000);
    expect(differences).toEqual([]);
  });

  it('tags the words that decide CHAIR objects as NLTK does', () => {
    // NLTK 3.8: [('a','DT'),('man','NN'),('skiing','VBG'),('down','RP'),('a','DT'),('snowy','NN'),('hill','NN'),
    // ('next','IN'),('to','TO'),('a','DT'),('potted','JJ'),('plant','NN'),('and','CC'),('bowling','NN'),('ball','NN')]
    expect(
      perceptronTags(model, 'a man skiing down a snowy hill next to a potted plant and bowling ball'.split(' ')),
    ).toEqual(['DT', 'NN', 'VBG', 'RP', 'DT', 'NN', 'NN', 'IN', 'TO', 'DT', 'JJ', 'NN', 'CC', 'NN', 'NN']);
  });

  it('gives CHAIR the WordNet class of each tag and marks only Penn nouns as nouns', () => {
    const caption = 'The dog sleeps quickly on a red couch.';
    const tags = createPerceptronTagger(model).tag(caption, tokenize(caption));
    expect(tags.map((t) => t.pos)).toEqual(['n', 'n', 'v', 'r', 'n', 'n', 'a', 'n', 'n']);
    expect(tags.map((t) => t.noun)).toEqual([false, true, false, false, false, false, false, true, false]);
  });
});
