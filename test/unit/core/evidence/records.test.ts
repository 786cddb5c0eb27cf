import { describe, expect, it } from 'vitest';
import { comparisonsCsv, imageRecordsCsv, tokenRecordsCsv } from '../../../../src/core/evidence/csv';
import { rowNorms, stepMeasures } from '../../../../src/core/evidence/measures';
import { objectCells } from '../../../../src/core/evidence/object-cells';
import { patchGrid, planProcessor } from '../../../../src/core/geometry';
import { imageRecord, stepAt, tokenRecords, type TokenRecord } from '../../../../src/core/evidence/records';
import { comparisonOf, summariseEvidence } from '../../../../src/core/evidence/summary';

describe('stepMeasures', () => {
  it('averages heads per layer, then takes share, overlap and entropy', () => {
    // [layers 2, heads 2, tokens 4]. Layer 0: mean of [.1 .6 .1 .2] and [.3 .2 .3 .2] = [.2 .4 .2 .2];
    // outliers [1, 3] hold .6 → share .6; decoder top-2 = [1, 0] (0.2 ties go to the lower index) → overlap ½;
    // entropy = −(.4 ln .4 + 3·.2 ln .2) = 0.366516 + 0.965663 = 1.332179.
    // Layer 1: all on token 3 → share 1, top-2 = [3, 0] → overlap ½, entropy 0.
    const frame = Float32Array.from([0.1, 0.6, 0.1, 0.2, 0.3, 0.2, 0.3, 0.2, 0, 0, 0, 1, 0, 0, 0, 1]);
    const m = stepMeasures(frame, 2, 2, [1, 3]);
    expect(m.share[0]).toBeCloseTo(0.6, 6);
    expect(m.share[1]).toBe(1);
    expect(m.overlap).toEqual([0.5, 0.5]);
    expect(m.entropy[0]).toBeCloseTo(-(0.4 * Math.log(0.4) + 3 * 0.2 * Math.log(0.2)), 6);
    expect(m.entropy[1]).toBe(0);
  });
  it('rowNorms: 3-4-5', () => expect(rowNorms(Float32Array.from([3, 4, 0, 1]), 2, 2)).toEqual([5, 1]));
});

describe('tokenRecords', () => {
  // "a dog on grass" written as "a" | " dog" | " on" | " grass": the steps end at 1, 4, 7, 14.
  const evidence = {
    stepEnds: [1, 4, 7, 14],
    steps: [0, 1, 2, 3].map((s) => ({ share: [s / 10, s / 5], overlap: [0, 1], entropy: [1, 2] })),
  };
  it('maps a character to the step that wrote it', () => {
    expect(stepAt(evidence.stepEnds, 0)).toBe(0);
    expect(stepAt(evidence.stepEnds, 1)).toBe(1); // the space before "dog" belongs to " dog"
    expect(stepAt(evidence.stepEnds, 2)).toBe(1);
    expect(stepAt(evidence.stepEnds, 8)).toBe(3);
    expect(stepAt(evidence.stepEnds, 14)).toBeUndefined();
  });
  it('records each labelled word at its first step, and skips words past the recorded steps', () => {
    const labels = [
      { kind: 'grounded' as const, start: 2, end: 5 },
      { kind: 'hallucinated' as const, start: 9, end: 14 },
      { kind: 'unverifiable' as const, start: 20, end: 22 },
    ];
    const records = tokenRecords('x.jpg', 'damro', 'a dog on grass', labels, evidence);
    expect(records).toEqual([
      {
        image: 'x.jpg',
        method: 'damro',
        step: 1,
        word: 'dog',
        label: 'grounded',
        share: [0.1, 0.2],
        overlap: [0, 1],
        entropy: [1, 2],
      },
      {
        image: 'x.jpg',
        method: 'damro',
        step: 3,
        word: 'grass',
        label: 'hallucinated',
        share: [0.3, 0.6],
        overlap: [0, 1],
        entropy: [1, 2],
      },
    ]);
    expect(() => tokenRecords('x.jpg', 'damro', '', [], { stepEnds: [1], steps: [] })).toThrow(/damaged/);
  });
});

describe('imageRecord', () => {
  it('top-k mass, score–norm rank correlation, border and background placement', () => {
    // 3×3 grid; outliers [0, 8] are corners: on the border (chance 8/9); mass .5 + .2 = .7. Norms rank the
    // tokens exactly as the scores do except tokens 1 and 2 swap. With detections on cells {4, 8}: outlier 0 is
    // background, 8 is not → ½, chance 1 − 2/9.
    const scores = [0.5, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.2];
    const norms = [50, 3, 2, 4, 5, 6, 7, 8, 20];
    const r = imageRecord('y.jpg', { grid: { rows: 3, cols: 3 }, scores, norms, outliers: [0, 8] }, new Set([4, 8]));
    expect(r.topKMass).toBeCloseTo(0.7, 12);
    // ranks scores 9 1 2 3 4 5 6 7 8, norms 9 2 1 3 4 5 6 7 8: Σd² = 2, ρ = 1 − 6·2/(9·80) = 0.983333.
    expect(r.scoreNormSpearman).toBeCloseTo(1 - 12 / 720, 12);
    expect(r).toMatchObject({
      k: 2,
      outliersOnBorder: 1,
      borderChance: 8 / 9,
      outliersOnBackground: 0.5,
      backgroundChance: 7 / 9,
    });
    expect(
      imageRecord('y.jpg', { grid: { rows: 3, cols: 3 }, scores, norms, outliers: [4] }).outliersOnBackground,
    ).toBeUndefined();
    expect(() => imageRecord('y.jpg', { grid: { rows: 2, cols: 2 }, scores, norms, outliers: [0] })).toThrow(/damaged/);
  });
});

describe('summariseEvidence', () => {
  const record = (method: 'baseline' | 'damro', label: TokenRecord['label'], share: number[]): TokenRecord => ({
    image: 'i',
    method,
    step: 0,
    word: 'w',
    label,
    share,
    overlap: share.map(() => 0.5),
    entropy: share.map(() => 1),
  });
  const tokens = [
    record('baseline', 'hallucinated', [0.9, 0.5]),
    record('baseline', 'hallucinated', [0.8, 0.4]),
    record('damro', 'hallucinated', [0.7, Number.NaN]),
    record('baseline', 'grounded', [0.1, 0.45]),
    record('damro', 'grounded', [0.2, 0.6]),
    record('damro', 'unverifiable', [0.99, 0.99]),
  ];
  const summary = summariseEvidence(tokens, [], { resamples: 200, seed: 3, level: 0.95 });

  it('compares hallucinated with grounded per layer (unverifiable words are not in either group)', () => {
    const all = comparisonOf(summary, 'share', 'all');
    // Layer 0: H = [.9 .8 .7], G = [.1 .2]: every H beats every G → U1 = 6, effect +1, exact p = 2·1/C(5,2) = 0.2.
    expect(all.layers[0]).toMatchObject({ nHallucinated: 3, nGrounded: 2 });
    expect(all.layers[0].meanHallucinated).toBeCloseTo(0.8, 12);
    expect(all.layers[0].difference.estimate).toBeCloseTo(0.8 - 0.15, 12);
    expect(all.layers[0].test).toMatchObject({ u1: 6, effect: 1, method: 'exact' });
    expect(all.layers[0].test!.p).toBeCloseTo(0.2, 12);
    // Layer 1: the NaN is dropped; H = [.5 .4], G = [.45 .6]: wins .5>.45 only → U1 = 1, effect 2·1/4 − 1 = −½.
    expect(all.layers[1]).toMatchObject({ nHallucinated: 2, nGrounded: 2 });
    expect(all.layers[1].test).toMatchObject({ u1: 1, effect: -0.5 });
    expect(all.strongestLayer).toBe(0);
    expect(all.strongestAdjustedP).toBeCloseTo(0.4, 12);
  });

  it('does not depend on the order the records come in', () => {
    const reversed = summariseEvidence([...tokens].reverse(), [], { resamples: 200, seed: 3, level: 0.95 });
    expect(reversed).toEqual(summary);
  });

  it('counts labels per method and leaves the test out where a group is empty', () => {
    expect(summary.counts).toEqual([
      { method: 'baseline', grounded: 1, hallucinated: 2, unverifiable: 0 },
      { method: 'damro', grounded: 1, hallucinated: 1, unverifiable: 1 },
      { method: 'all', grounded: 2, hallucinated: 3, unverifiable: 1 },
    ]);
    const damro = comparisonOf(summary, 'share', 'damro');
    expect(damro.layers[1].test).toBeUndefined();
    expect(damro.strongestLayer).toBe(0);
  });

  it('writes the same numbers as CSV', () => {
    const rows = comparisonsCsv(summary).trim().split('\n');
    expect(rows[0]).toBe(
      'method,measure,layer,n_hallucinated,n_grounded,mean_hallucinated,mean_grounded,difference,ci_low,ci_high,u,p,effect_rank_biserial,test,strongest_layer,p_bonferroni_strongest',
    );
    const all0 = rows.find((r) => r.startsWith('all,share,0,'))!.split(',');
    const layer = comparisonOf(summary, 'share', 'all').layers[0];
    // Strongest of the 2 tested layers: p 0.2 × 2 = 0.4 after Bonferroni.
    expect(all0.slice(3, 16)).toEqual([
      '3',
      '2',
      String(layer.meanHallucinated),
      String(layer.meanGrounded),
      String(layer.difference.estimate),
      String(layer.difference.low),
      String(layer.difference.high),
      '6',
      String(layer.test!.p),
      '1',
      'exact',
      'yes',
      '0.4',
    ]);
    expect(tokenRecordsCsv(tokens.slice(0, 1))).toBe(
      'image,method,step,word,label,layer,share,overlap,entropy\ni,baseline,0,w,hallucinated,0,0.9,0.5,1\ni,baseline,0,w,hallucinated,1,0.5,0.5,1\n',
    );
    expect(
      imageRecordsCsv([
        { image: 'a,b', k: 1, topKMass: 0.5, scoreNormSpearman: Number.NaN, outliersOnBorder: 1, borderChance: 0.5 },
      ]),
    ).toBe(
      'image,k,top_k_mass,score_norm_spearman,outliers_on_border,border_chance,outliers_on_background,background_chance\n"a,b",1,0.5,,1,0.5,,\n',
    );
  });
});

describe('objectCells', () => {
  it('takes the tokens whose patch centre lies in a box, in original-image pixels', () => {
    // A 40 × 40 image stretched to a 4 × 4 input with a 2 × 2 grid: patch centres at (10,10) (30,10) (10,30) (30,30).
    const plan = planProcessor({ width: 40, height: 40 }, [{ op: 'resize', width: 4, height: 4 }]);
    const grid = patchGrid(2, 2);
    expect([...objectCells(plan, grid, [{ x: 0, y: 0, width: 25, height: 25 }])]).toEqual([0]);
    expect([...objectCells(plan, grid, [{ x: 15, y: 5, width: 20, height: 30 }])].sort()).toEqual([1, 3]);
    expect(objectCells(plan, grid, []).size).toBe(0);
  });
});
