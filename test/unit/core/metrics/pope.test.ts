import { describe, expect, it } from 'vitest';
import { repoData } from '../../../support/repo-data';
import { mergeCounts } from '../../../../src/core/metrics/accumulate';
import {
  classifyPope,
  countPopeAnswers,
  emptyPopeCounts,
  parsePopeQuestions,
  popeMetrics,
  tallyPope,
  type PopeCounts,
} from '../../../../src/core/metrics/pope';

// src/core/damro-spec.md §3.1 worked example.
const labels = ['yes', 'yes', 'yes', 'no', 'no', 'no'];
const outputs = ['Yes.', 'No', 'yes, there is', 'No.', 'Yes', "I don't know"];

function tallyAll(rule: 'damro' | 'official'): PopeCounts {
  return labels.reduce((counts, label, i) => tallyPope(counts, label, outputs[i], rule), emptyPopeCounts());
}

describe('POPE, DAMRO/VCD rule (default)', () => {
  it('reproduces the spec example: TP 2, FN 1, TN 2 ("know" contains "no"), FP 1', () => {
    expect(labels.map((l, i) => classifyPope(l, outputs[i]))).toEqual(['tp', 'fn', 'tp', 'tn', 'fp', 'tn']);
    const counts = tallyAll('damro');
    expect(counts).toEqual({ tp: 2, fn: 1, tn: 2, fp: 1, unknown: 0 });
    const m = popeMetrics(counts);
    for (const v of [m.precision, m.recall, m.f1, m.accuracy]) expect(v).toBeCloseTo(2 / 3, 12);
    expect(m.yesRatio).toBe(0.5);
    expect(m.unknownRatio).toBe(0);
    expect(m.total).toBe(6);
  });

  it('lower-cases and strips the label; other labels are unknown and still count in N', () => {
    expect(classifyPope(' YES ', 'yes')).toBe('tp');
    const counts = tallyPope(tallyAll('damro'), 'maybe', 'yes');
    expect(counts.unknown).toBe(1);
    const m = popeMetrics(counts);
    expect(m.accuracy).toBeCloseTo(4 / 7, 12);
    expect(m.unknownRatio).toBeCloseTo(1 / 7, 12);
  });
});

describe('POPE, official rule', () => {
  it('classifies the spec example by words of the first sentence (computed by hand)', () => {
    // "Yes." → yes; "No" → no; "yes there is" → yes; "No." → no; "Yes" → yes; "I don't know" has no no-word → yes.
    expect(labels.map((l, i) => classifyPope(l, outputs[i], 'official'))).toEqual(['tp', 'fn', 'tp', 'tn', 'fp', 'fp']);
    const m = popeMetrics(tallyAll('official'));
    expect(m.precision).toBe(0.5);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo(4 / 7, 12);
    expect(m.accuracy).toBe(0.5);
    expect(m.yesRatio).toBeCloseTo(4 / 6, 12);
  });

  it('is case-sensitive, splits on single spaces and ignores later sentences', () => {
    expect(classifyPope('no', 'NO', 'official')).toBe('fp');
    expect(classifyPope('no', 'There is not a dog', 'official')).toBe('tn');
    expect(classifyPope('no', 'Yes. No dog though', 'official')).toBe('fp');
    expect(classifyPope('no', 'no, none', 'official')).toBe('tn');
  });
});

describe('streaming and files', () => {
  it('merging shard counts equals counting everything at once', () => {
    const first = labels.slice(0, 4).reduce((c, l, i) => tallyPope(c, l, outputs[i]), emptyPopeCounts());
    const second = labels.slice(4).reduce((c, l, i) => tallyPope(c, l, outputs[4 + i]), emptyPopeCounts());
    expect(mergeCounts(first, second)).toEqual(tallyAll('damro'));
  });

  it('parses the real coco_pope_random.jsonl and scores answers in file order', () => {
    const questions = parsePopeQuestions(repoData('coder-gx__DAMRO/data/pope/coco/coco_pope_random.jsonl'));
    expect(questions.length).toBe(3000);
    expect(questions[0]).toEqual({
      questionId: 1,
      image: 'COCO_val2014_000000310196.jpg',
      text: 'Is there a snowboard in the image?',
      label: 'yes',
    });
    expect(questions[1]).toEqual({
      questionId: 2,
      image: 'COCO_val2014_000000310196.jpg',
      text: 'Is there a car in the image?',
      label: 'no',
    });
    expect(questions.filter((q) => q.label === 'yes').length).toBe(1500);
    // An always-"Yes" model: every positive is TP, every negative FP.
    const always = countPopeAnswers(
      questions,
      questions.map((q) => ({ questionId: q.questionId, output: 'Yes' })),
    );
    expect(always).toEqual({ tp: 1500, fn: 0, tn: 0, fp: 1500, unknown: 0 });
    expect(popeMetrics(always).yesRatio).toBe(1);
    expect(() => countPopeAnswers(questions, [{ questionId: 2, output: 'No' }])).toThrow(/question 1 is 1/);
  });

  it('says which line of a broken file is wrong', () => {
    expect(() => parsePopeQuestions('{"question_id": 1, "image": "a", "text": "t", "label": "yes"}\n{oops')).toThrow(
      /line 2 is not valid JSON/,
    );
    expect(() => parsePopeQuestions('{"question_id": "1"}')).toThrow(/line 1 lacks/);
  });
});
