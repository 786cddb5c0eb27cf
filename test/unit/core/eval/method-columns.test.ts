// Benchmark tables with a column per method: a run that compares methods beside baseline and DAMRO scores (POPE,
// CHAIR, MME), prints and exports each method from its own answers, and a run without compared methods keeps its
// old files and name.
import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../../src/cli/report';
import { mergeAnswers, readAnswers } from '../../../../src/core/eval/answers';
import { comparedChoices, runMethods, summaryMethods } from '../../../../src/core/eval/benchmark';
import { chairBenchmark, type ChairItem } from '../../../../src/core/eval/chair-benchmark';
import { summariesCsv } from '../../../../src/core/eval/export';
import { mmeBenchmark, type MmeItem } from '../../../../src/core/eval/mme-benchmark';
import { popeBenchmark, type PopeItem } from '../../../../src/core/eval/pope-benchmark';
import { paperPreset } from '../../../../src/core/eval/presets';
import { checkSameRun, runIdentity, type EvalRunConfig } from '../../../../src/core/eval/run-config';
import { toJsonLine } from '../../../../src/core/eval/records';
import type { ComparedMethod } from '../../../../src/protocol/messages';

// Four questions: labels yes, yes, no, no.
const items: PopeItem[] = (['yes', 'yes', 'no', 'no'] as const).map((label, i) => ({
  key: String(i + 1),
  image: 'a.jpg',
  prompt: 'q',
  question: { questionId: i + 1, image: 'a.jpg', text: `Is there a thing ${i + 1}?`, label },
}));

const outputs = {
  // yes, yes | no, no: all right. tp 2, tn 2: accuracy 1, precision 1, recall 1, F1 1, yes ratio 2/4.
  baseline: ['Yes', 'Yes', 'No', 'No'],
  // yes, no | yes, yes: tp 1, fn 1, fp 2, tn 0: accuracy 1/4, precision 1/3, recall 1/2,
  // F1 2·(1/3)(1/2)/(1/3 + 1/2) = (1/3)/(5/6) = 2/5, yes ratio 3/4.
  damro: ['Yes', 'No', 'Yes', 'Yes'],
  // no, no | no, yes: tp 0, fn 2, tn 1, fp 1: accuracy 1/4, precision 0/1 = 0, recall 0, F1 0/0 = NaN, yes ratio 1/4.
  vcd: ['No', 'No', 'No', 'Yes'],
};

describe('a POPE table with a compared method', () => {
  const summary = popeBenchmark.score(items, outputs, 'random', {});
  const values = summary.rows[0].values;

  it('scores every method from its own answers', () => {
    expect(summaryMethods(summary)).toEqual(['baseline', 'damro', 'vcd']);
    expect(values.accuracy).toEqual({ baseline: 1, damro: 1 / 4, vcd: 1 / 4 });
    expect(values.precision).toEqual({ baseline: 1, damro: 1 / 3, vcd: 0 });
    expect(values.recall).toEqual({ baseline: 1, damro: 1 / 2, vcd: 0 });
    expect(values.f1!.baseline).toBe(1);
    expect(values.f1!.damro).toBeCloseTo(2 / 5, 12);
    expect(values.f1!.vcd).toBeNaN();
    expect(values.yesRatio).toEqual({ baseline: 1 / 2, damro: 3 / 4, vcd: 1 / 4 });
  });

  it('prints a column per method, in column order', () => {
    const lines = formatSummary(summary).split('\n');
    expect(lines[1].trim().split(/\s+/)).toEqual(['baseline', 'DAMRO', 'VCD']);
    const row = (label: string) =>
      lines
        .find((l) => l.startsWith(label))!
        .slice(label.length)
        .trim()
        .split(/\s+/);
    expect(row('Accuracy (%)')).toEqual(['100.00', '25.00', '25.00']);
    expect(row('Precision (%)')).toEqual(['100.00', '33.33', '0.00']);
    expect(row('F1 (%)')).toEqual(['100.00', '40.00', 'n/a']);
    expect(row('Yes ratio (%)')).toEqual(['50.00', '75.00', '25.00']);
  });

  it('exports a CSV column per method; a summary without that method leaves its cell empty', () => {
    const old = popeBenchmark.score(items, { baseline: outputs.baseline, damro: outputs.damro }, 'popular', {});
    const csv = summariesCsv([summary, old]).split('\n');
    expect(csv[0]).toBe('benchmark,split,group,metric,baseline,damro,vcd');
    expect(csv[1]).toBe('pope,random,random,accuracy,1,0.25,0.25');
    expect(csv[5]).toBe('pope,random,random,yesRatio,0.5,0.75,0.25');
    expect(csv[6]).toBe('pope,popular,popular,accuracy,1,0.25,');
    // A run without compared methods exports exactly the two columns it always had.
    expect(summariesCsv([old]).split('\n')[0]).toBe('benchmark,split,group,metric,baseline,damro');
  });
});

describe('answer files per method', () => {
  const file = (texts: readonly string[]) =>
    texts.map((output, i) => toJsonLine(popeBenchmark.record(items[i], output, 'm'))).join('');

  it('count an item as answered only when every method of the run has its line', () => {
    const answers = readAnswers(
      popeBenchmark,
      {
        baseline: file(outputs.baseline),
        damro: file(outputs.damro),
        vcd: file(outputs.vcd.slice(0, 3)),
      },
      'shard',
    );
    expect([...answers.keys()]).toEqual(['1', '2', '3']);
    expect(answers.get('3')).toEqual({ baseline: 'No', damro: 'Yes', vcd: 'No' });
    const complete = readAnswers(
      popeBenchmark,
      { baseline: file(outputs.baseline), damro: file(outputs.damro), vcd: file(outputs.vcd) },
      'shard',
    );
    expect(mergeAnswers(items, [{ name: 'shard', answers: complete }], ['baseline', 'damro', 'vcd'])).toEqual(outputs);
  });
});

describe('a run with compared methods', () => {
  const base: EvalRunConfig = {
    benchmark: 'pope',
    split: 'random',
    modelId: 'm',
    dtype: 'fp32',
    settings: paperPreset('pope').settings,
  };
  const withVcd: EvalRunConfig = {
    ...base,
    settings: {
      ...base.settings,
      methods: [{ method: 'vcd', params: { alpha: 1, beta: 0.1, noiseStep: 500, noiseSeed: 42 } }],
    },
  };

  it('answers baseline, DAMRO and each compared method, in column order', () => {
    expect(runMethods(undefined)).toEqual(['baseline', 'damro']);
    expect(runMethods([{ method: 'ablation', params: { k: 10 } }, ...withVcd.settings.methods!])).toEqual([
      'baseline',
      'damro',
      'vcd',
      'ablation',
    ]);
  });

  it('keeps the identity of a run without compared methods, and tells runs with different methods apart', () => {
    expect(runIdentity({ ...base, settings: { ...base.settings, methods: [] } })).toBe(runIdentity(base));
    expect(JSON.parse(runIdentity(base))).toHaveLength(12);
    expect(() => checkSameRun(base, withVcd, 'shard 1')).toThrow(/\(compared methods differ\)/);
    const ablation = { method: 'ablation', params: { k: 10 } } as const;
    const vcd = withVcd.settings.methods![0];
    const both = (methods: ComparedMethod[]) => runIdentity({ ...base, settings: { ...base.settings, methods } });
    expect(both([vcd, ablation])).toBe(both([ablation, vcd]));
    const otherAlpha = {
      ...withVcd.settings.methods![0],
      params: { ...withVcd.settings.methods![0].params, alpha: 2 },
    };
    expect(() =>
      checkSameRun(withVcd, { ...withVcd, settings: { ...withVcd.settings, methods: [otherAlpha] } }, 'shard 1'),
    ).toThrow(/\(compared methods differ\)/);
  });

  it('refuses DAMRO as a compared method, a method named twice and unknown parameters', () => {
    expect(() => comparedChoices([{ method: 'damro', params: { alpha: 1, beta: 0.1, k: 10 } }])).toThrow(
      /DAMRO always runs/,
    );
    const vcd = withVcd.settings.methods![0];
    expect(() => comparedChoices([vcd, vcd])).toThrow(/vcd is asked for twice/);
    expect(() => comparedChoices([{ method: 'vcd', params: { alpha: 1 } }])).toThrow(/missing/);
    expect(comparedChoices([vcd])).toEqual([vcd]);
  });
});

describe('CHAIR and MME tables with a compared method', () => {
  it('score CHAIR per method: two captions, ground truth {person, couch}, an object per word', () => {
    const chairItems: ChairItem[] = [1, 2].map((imageId) => ({
      key: String(imageId),
      image: 'a.jpg',
      prompt: 'p',
      imageId,
    }));
    const summary = chairBenchmark.score(
      chairItems,
      // baseline: "dog" hallucinated in caption 1 → CHAIR_s 1/2, CHAIR_i 1/3, recall (1 + 1)/4 = 1/2.
      // DAMRO: nothing hallucinated → 0, 0, recall (2 + 1)/4 = 3/4. Ablation: everything → 1, 3/3 = 1, recall 0.
      { baseline: ['person dog', 'couch'], damro: ['person couch', 'person'], ablation: ['cat', 'cat dog'] },
      'coco500',
      { chair: { nodesOf: (caption) => caption.split(' '), groundTruth: () => new Set(['person', 'couch']) } },
    );
    const values = summary.rows[0].values;
    expect(values.chairS).toEqual({ baseline: 1 / 2, damro: 0, ablation: 1 });
    expect(values.chairI).toEqual({ baseline: 1 / 3, damro: 0, ablation: 1 });
    expect(values.recall).toEqual({ baseline: 1 / 2, damro: 3 / 4, ablation: 0 });
  });

  it('score MME per method: two existence images, each asked a yes and a no question', () => {
    const mmeItems: MmeItem[] = ['a.jpg', 'b.jpg'].flatMap((image) =>
      ['Yes', 'No'].map((gt) => ({
        key: `${image} ${gt}`,
        image,
        prompt: 'p',
        category: 'existence' as const,
        question: `Is it ${gt}?`,
        gt,
      })),
    );
    const summary = mmeBenchmark.score(
      mmeItems,
      {
        // All right: acc 4/4, acc+ 2/2, score 100·(1 + 1) = 200.
        baseline: ['Yes', 'No', 'Yes', 'No'],
        // Always yes: acc 2/4, acc+ 0/2, score 50.
        damro: ['Yes', 'Yes', 'Yes', 'Yes'],
        // Only b's yes question wrong: acc 3/4, acc+ 1/2 (image a), score 100·(0.75 + 0.5) = 125.
        m3id: ['Yes', 'No', 'No', 'No'],
      },
      'all',
      {},
    );
    const existence = summary.rows.find((r) => r.group === 'existence')!.values;
    expect(existence.acc).toEqual({ baseline: 1, damro: 0.5, m3id: 0.75 });
    expect(existence.accPlus).toEqual({ baseline: 1, damro: 0, m3id: 0.5 });
    expect(existence.score).toEqual({ baseline: 200, damro: 50, m3id: 125 });
    expect(summary.rows.find((r) => r.group === 'Perception')!.values.score).toEqual({
      baseline: 200,
      damro: 50,
      m3id: 125,
    });
  });
});
