import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  MME_COGNITION,
  MME_PERCEPTION,
  formatMmeLine,
  mmeTotals,
  parseMmeAnswer,
  parseMmeResults,
  scoreMmeCategory,
  type MmeCategory,
  type MmeCategoryScore,
} from '../../../../src/core/metrics/mme';

const RESULTS = new URL('../../../../../shared/data/coder-gx__DAMRO/evaluation/eval_mme/Your_Results/', import.meta.url);

// damro-spec §3.3 test vector, printed to 2 decimals as the reference prints them.
const EXPECTED: Record<MmeCategory, string> = {
  existence: '190.00', count: '126.67', position: '133.33', color: '150.00', posters: '109.86', celebrity: '135.59',
  scene: '153.25', landmark: '80.25', artwork: '42.50', OCR: '110.00',
  commonsense_reasoning: '40.71', numerical_calculation: '55.00', text_translation: '0.00', code_reasoning: '45.00',
};

describe('MME on the sample results shipped with DAMRO', () => {
  const scores: Partial<Record<MmeCategory, MmeCategoryScore>> = {};
  for (const category of [...MME_PERCEPTION, ...MME_COGNITION]) {
    scores[category] = scoreMmeCategory(parseMmeResults(readFileSync(new URL(`${category}.txt`, RESULTS), 'utf8')));
  }

  it('reproduces every category score', () => {
    const printed = Object.fromEntries(Object.entries(scores).map(([c, s]) => [c, s.score.toFixed(2)]));
    expect(printed).toEqual(EXPECTED);
  });

  it('reproduces existence acc 96.67 and acc+ 93.33 over 60 questions / 30 images', () => {
    const existence = scores.existence!;
    expect((100 * existence.acc).toFixed(2)).toBe('96.67');
    expect((100 * existence.accPlus).toFixed(2)).toBe('93.33');
    expect([existence.questions, existence.images]).toEqual([60, 30]);
  });

  it('reproduces the group totals 1231.45 and 140.71', () => {
    const totals = mmeTotals(scores);
    expect(totals.perception.toFixed(2)).toBe('1231.45');
    expect(totals.cognition.toFixed(2)).toBe('140.71');
    expect(totals.missing).toEqual([]);
  });

  it('counts all 40 text_translation answers as other', () => {
    expect(scores.text_translation!.other).toBe(40);
  });
});

describe('parseMmeAnswer', () => {
  it('follows the reference order: exact, then "yes", then "no" in the first 4 characters', () => {
    expect(parseMmeAnswer('Yes')).toBe('yes');
    expect(parseMmeAnswer('yes\n')).toBe('yes');
    expect(parseMmeAnswer('No, there is none.\n')).toBe('no');
    expect(parseMmeAnswer('Not really\n')).toBe('no');
    expect(parseMmeAnswer(' yes\n')).toBe('yes');
    expect(parseMmeAnswer('The answer is yes\n')).toBe('other');
    expect(parseMmeAnswer('nyes')).toBe('yes');
    expect(parseMmeAnswer('\n')).toBe('other');
  });

  it('keeps the line ending on parsed outputs (Python readlines) and none on an unterminated last line', () => {
    const answers = parseMmeResults('a.jpg\tQ1?\tYes\tYes.\r\na.jpg\tQ2?\tNo\tno');
    expect(answers.map((a) => a.output)).toEqual(['Yes.\n', 'no']);
    expect(scoreMmeCategory(answers)).toMatchObject({ acc: 1, accPlus: 1, score: 200 });
  });
});

describe('results files', () => {
  it('round-trips generated answers, flattening newlines and tabs in the output', () => {
    const text = formatMmeLine('b.jpg', 'Q?', 'No', 'No.\nThere\tis none') + formatMmeLine('b.jpg', 'Q2?', 'Yes', 'Yes');
    const answers = parseMmeResults(text);
    expect(answers[0]).toEqual({ image: 'b.jpg', question: 'Q?', gt: 'No', output: 'No. There is none\n' });
    expect(scoreMmeCategory(answers)).toMatchObject({ acc: 1, accPlus: 1, score: 200, other: 0 });
  });

  it('scores acc+ per image pair', () => {
    const answers = parseMmeResults(
      [['i1', 'Yes', 'yes'], ['i1', 'No', 'yes'], ['i2', 'Yes', 'yes'], ['i2', 'No', 'no']].map(([img, gt, out]) => formatMmeLine(img, 'Q', gt, out)).join(''),
    );
    expect(scoreMmeCategory(answers)).toMatchObject({ acc: 0.75, accPlus: 0.5, score: 125 });
  });

  it('reports partial totals with the missing categories and refuses malformed input', () => {
    const totals = mmeTotals({ existence: { questions: 2, images: 1, acc: 1, accPlus: 1, score: 200, other: 0 } });
    expect(totals.perception).toBe(200);
    expect(totals.missing).toHaveLength(13);
    expect(() => parseMmeResults('a\tb\tc\n')).toThrow(/3 tab-separated fields/);
    expect(() => scoreMmeCategory(parseMmeResults('a\tq\tYes\tyes\n'))).toThrow(/in pairs/);
    expect(() => scoreMmeCategory(parseMmeResults('a\tq\tMaybe\tyes\na\tq\tNo\tno\n'))).toThrow(/yes or no/);
  });
});
