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

import { mmeResultsFile } from '../../../support/mme-results';

// Scores of the patterns in test/support/mme-results.ts, by hand: score = 100·(right answers / questions) +
// 100·(images with both right / images); a pair is (Yes-question, No-question), R right, W wrong, O other.
const EXPECTED: Record<MmeCategory, string> = {
  existence: '130.00', // RR RR RR RW WW: 7/10 right, 3/5 images → 70 + 60
  count: '125.00', // RR RW: 3/4, 1/2 → 75 + 50
  position: '50.00', // RO: 1/2, 0/1 → 50 + 0
  color: '200.00', // RR: 2/2, 1/1
  posters: '50.00', // RW RW RW: 3/6, 0/3
  celebrity: '150.00', // RR RR RR WW: 6/8, 3/4 → 75 + 75
  scene: '0.00', // WW
  landmark: '100.00', // RR RW WR: 4/6, 1/3 → 66.67 + 33.33
  artwork: '150.00', // RR RR RW: 5/6, 2/3 → 83.33 + 66.67
  OCR: '100.00', // OO RR: 2/4, 1/2 → 50 + 50
  commonsense_reasoning: '162.50', // RR RW RR RR: 7/8, 3/4 → 87.5 + 75
  numerical_calculation: '50.00', // RW: 1/2, 0/1
  text_translation: '0.00', // OO OO
  code_reasoning: '170.00', // RR RR RR RR RW: 9/10, 4/5 → 90 + 80
};

describe('MME on results files in the reference layout', () => {
  const scores: Partial<Record<MmeCategory, MmeCategoryScore>> = {};
  for (const category of [...MME_PERCEPTION, ...MME_COGNITION]) {
    scores[category] = scoreMmeCategory(parseMmeResults(mmeResultsFile(category)));
  }

  it('reproduces every category score', () => {
    const printed = Object.fromEntries(Object.entries(scores).map(([c, s]) => [c, s.score.toFixed(2)]));
    expect(printed).toEqual(EXPECTED);
  });

  it('gives existence acc 70 and acc+ 60 over 10 questions / 5 images', () => {
    const existence = scores.existence!;
    expect((100 * existence.acc).toFixed(2)).toBe('70.00');
    expect((100 * existence.accPlus).toFixed(2)).toBe('60.00');
    expect([existence.questions, existence.images]).toEqual([10, 5]);
  });

  it('sums the group totals: Perception 130+125+50+200+50+150+0+100+150+100, Cognition 162.5+50+0+170', () => {
    const totals = mmeTotals(scores);
    expect(totals.perception.toFixed(2)).toBe('1055.00');
    expect(totals.cognition.toFixed(2)).toBe('382.50');
    expect(totals.missing).toEqual([]);
  });

  it('counts all 4 text_translation answers as other', () => {
    expect(scores.text_translation!.other).toBe(4);
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
    const text =
      formatMmeLine('b.jpg', 'Q?', 'No', 'No.\nThere\tis none') + formatMmeLine('b.jpg', 'Q2?', 'Yes', 'Yes');
    const answers = parseMmeResults(text);
    expect(answers[0]).toEqual({ image: 'b.jpg', question: 'Q?', gt: 'No', output: 'No. There is none\n' });
    expect(scoreMmeCategory(answers)).toMatchObject({ acc: 1, accPlus: 1, score: 200, other: 0 });
  });

  it('scores acc+ per image pair', () => {
    const answers = parseMmeResults(
      [
        ['i1', 'Yes', 'yes'],
        ['i1', 'No', 'yes'],
        ['i2', 'Yes', 'yes'],
        ['i2', 'No', 'no'],
      ]
        .map(([img, gt, out]) => formatMmeLine(img, 'Q', gt, out))
        .join(''),
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
