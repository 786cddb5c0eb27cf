import { describe, expect, it } from 'vitest';
import { answersFiles, mergeAnswers, readAnswers } from '../../../../src/core/eval/answers';
import { chairBenchmark } from '../../../../src/core/eval/chair-benchmark';
import { mmeBenchmark } from '../../../../src/core/eval/mme-benchmark';
import { popeBenchmark, type PopeItem } from '../../../../src/core/eval/pope-benchmark';
import { groupByImage } from '../../../../src/core/eval/items';
import { chairSetup } from '../chair/setup';
import { mmeSourceFiles } from '../../../support/mme-results';
import { sourceFiles } from './data';

const value = (summary: ReturnType<typeof popeBenchmark.score>, metric: string, group = summary.rows[0].group) =>
  summary.rows.find((r) => r.group === group)!.values[metric] as Record<'baseline' | 'damro', number>;

describe('POPE benchmark', () => {
  const items = popeBenchmark.parse(sourceFiles('pope', 'random'), 'random');

  it('reads the 3000 random questions over 500 images, six per image, with the one-word prompt', () => {
    expect(items).toHaveLength(3000);
    const groups = groupByImage(items);
    expect(groups).toHaveLength(500);
    expect(groups.every((g) => g.items.length === 6)).toBe(true);
    expect(items[0]).toMatchObject({
      key: '1',
      image: 'COCO_val2014_000000310196.jpg',
      prompt: 'Is there a snowboard in the image? Please answer this question with one word.',
    });
  });

  it('keeps the adversarial file\'s "imange" typo, as DAMRO ran it', () => {
    const adversarial = popeBenchmark.parse(sourceFiles('pope', 'adversarial'), 'adversarial');
    expect(adversarial.filter((item) => item.prompt.includes('in the imange?'))).toHaveLength(57);
  });

  it('writes run_pope.py records: question_id, prompt (the question without the suffix), output, model_id, image', () => {
    const line = JSON.stringify(popeBenchmark.record(items[1], 'No', 'llava-hf/llava-1.5-7b-hf'));
    expect(line).toBe(
      '{"question_id":2,"prompt":"Is there a car in the image?","output":"No","model_id":"llava-hf/llava-1.5-7b-hf","image":"COCO_val2014_000000310196.jpg"}',
    );
  });

  it('reproduces the spec §3.1 worked example (DAMRO rule) and offers the official rule', () => {
    const labels = ['yes', 'yes', 'yes', 'no', 'no', 'no'];
    const six: PopeItem[] = labels.map((label, i) => ({
      key: String(i + 1),
      image: 'a.jpg',
      prompt: 'q',
      question: { questionId: i + 1, image: 'a.jpg', text: 'q', label },
    }));
    const outputs = ['Yes.', 'No', 'yes, there is', 'No.', 'Yes', "I don't know"];
    const summary = popeBenchmark.score(six, { baseline: outputs, damro: outputs.map(() => 'Yes') }, 'random', {});
    expect(summary.rows[0].group).toBe('random');
    for (const metric of ['precision', 'recall', 'f1', 'accuracy'])
      expect(value(summary, metric).baseline).toBeCloseTo(2 / 3, 12);
    expect(value(summary, 'yesRatio').baseline).toBe(0.5);
    // All "Yes": TP 3, FP 3.
    expect(value(summary, 'accuracy').damro).toBe(0.5);
    expect(value(summary, 'yesRatio').damro).toBe(1);
    // Official rule: "I don't know" has no "no"/"not" word, so it predicts yes (FP); "No" and "No." predict no.
    const official = popeBenchmark.score(six, { baseline: outputs, damro: outputs }, 'random', {
      popeRule: 'official',
    });
    expect(value(official, 'accuracy').baseline).toBe(3 / 6);
    expect(official.notes[0]).toMatch(/official/);
  });
});

describe('MME benchmark', () => {
  it('scores results files through answer files written and read back (Perception 1055, Cognition 382.5: test/unit/core/metrics/mme.test.ts)', () => {
    const files = mmeSourceFiles();
    const items = mmeBenchmark.parse(files, 'all');
    expect(items).toHaveLength(74);
    // The sample outputs, without the line ending the file read added.
    const sample = Object.values(files).flatMap((text) =>
      text
        .replace(/\r\n?/g, '\n')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t')[3]),
    );
    const written = answersFiles(mmeBenchmark, items, { baseline: sample, damro: sample.map(() => 'Yes') }, 'sample');
    // json.dumps layout (", " and ": "), run_mme.py's fields in its order.
    const first = written.baseline!.split('\n')[0];
    expect(
      first.startsWith(
        '{"question_id": "existence/existence_0.jpg", "gt_answer": "Yes", "category": "existence", "prompt": "Question 1 about existence image 0? Please answer yes or no.", "output": ',
      ),
    ).toBe(true);
    expect(Object.keys(JSON.parse(first))).toEqual([
      'question_id',
      'gt_answer',
      'category',
      'prompt',
      'output',
      'model_id',
    ]);
    const outputs = mergeAnswers(items, [{ name: 'all', answers: readAnswers(mmeBenchmark, written, 'answers') }]);
    const summary = mmeBenchmark.score(items, outputs, 'all', {});
    const score = (group: string) => value(summary, 'score', group).baseline.toFixed(2);
    expect(score('Perception')).toBe('1055.00');
    expect(score('Cognition')).toBe('382.50');
    expect(score('existence')).toBe('130.00');
    expect((100 * value(summary, 'accPlus', 'existence').baseline).toFixed(2)).toBe('60.00');
    expect(summary.rows.find((r) => r.group === 'Perception')!.values.acc).toBeUndefined();
    // Always "Yes": every yes-question right, every no-question wrong: acc 50, acc+ 0, score 50 per category.
    expect(value(summary, 'score', 'color').damro).toBe(50);
  });

  it('scores only the hallucination subset for that split', () => {
    const items = mmeBenchmark.parse(mmeSourceFiles(), 'hallucination');
    expect(new Set(items.map((i) => i.folder))).toEqual(new Set(['existence', 'count', 'position', 'color']));
    expect(items).toHaveLength(18);
  });
});

describe('CHAIR benchmark', () => {
  const items = chairBenchmark.parse(sourceFiles('chair', 'coco500'), 'coco500');

  it('reads the 500 CHAIR images with the short-caption prompt and writes run_chair.py records', () => {
    expect(items).toHaveLength(500);
    expect(items[0]).toMatchObject({
      key: '310196',
      imageId: 310196,
      image: 'COCO_val2014_000000310196.jpg',
      prompt: 'Generate a short caption of this image.',
    });
    expect(chairBenchmark.record(items[0], 'A cat.', 'm')).toEqual({
      image_id: 310196,
      caption: 'A cat.',
      model_id: 'm',
      image: 'COCO_val2014_000000310196.jpg',
    });
  });

  it('scores the spec §3.2 worked example: CHAIR_s 1, CHAIR_i 2/4, recall 2/3', () => {
    const { extract } = chairSetup();
    const nodesOf = (caption: string) => extract(caption).mentions.map((m) => m.node);
    const gt = new Set(['person', 'couch', 'dining table']);
    const one = [items[0]];
    const summary = chairBenchmark.score(
      one,
      { baseline: ['A man and two dogs sit on a couch near a television.'], damro: ['A man on a couch.'] },
      'coco500',
      { chair: { nodesOf, groundTruth: () => gt } },
    );
    const values = summary.rows[0].values;
    expect(values.chairS).toEqual({ baseline: 1, damro: 0 });
    expect(values.chairI).toEqual({ baseline: 0.5, damro: 0 });
    expect(values.recall!.baseline).toBeCloseTo(2 / 3, 12);
    expect(values.mentions).toEqual({ baseline: 4, damro: 2 });
  });

  it('refuses images without CHAIR ground truth', () => {
    expect(() =>
      chairBenchmark.score([items[0]], { baseline: ['x'], damro: ['x'] }, 'coco500', {
        chair: { nodesOf: () => [], groundTruth: () => undefined },
      }),
    ).toThrow(/no CHAIR ground truth/);
  });
});
