import { describe, expect, it } from 'vitest';
import { OUTLIER_SCORERS, scoreOutliers, selectOutliers, type QkRows } from '../../../../src/core/attention/outliers';

function qk(q: number[][], k: number[][], heads: number): QkRows {
  return {
    kind: 'qk',
    q: new Float32Array(q.flat()),
    k: new Float32Array(k.flat()),
    tokens: q.length,
    dModel: q[0].length,
    heads,
  };
}

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 6): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i], `index ${i}`).toBeCloseTo(e, digits));
}

describe('src/core/damro-spec.md §1.2 worked example (CLS + 4 patches, k = 2)', () => {
  // With dModel = 1 and q_CLS = 1, the logit of key j is k_j, so k_j = ln p_j gives exactly the spec's row.
  const row = [0.1, 0.05, 0.6, 0.05, 0.2];
  const input = qk(
    row.map(() => [1]),
    row.map((p) => [Math.log(p)]),
    1,
  );

  it('scores the patches with the CLS column dropped and picks [1, 3] in descending order', () => {
    const scores = scoreOutliers('clip-single-head', input);
    expectClose(scores, [0.05, 0.6, 0.05, 0.2]);
    const indices = selectOutliers(scores, 2);
    expect(indices).toEqual([1, 3]);
    expectClose(
      indices.map((i) => scores[i]),
      [0.6, 0.2],
    );
  });
});

describe('CLS scorers on a constructed q/k where they disagree', () => {
  // dModel 4, 2 heads of width 2. q_CLS = [2,0,2,0]; keys: CLS 0, p0 = [3,0,-3,0], p1 = [1,0,1,0].
  // Full-width dots: 0, 0, 4 → logits ×1/2: 0, 0, 2. Head 0 dots: 0, 6, 2; head 1: 0, −6, 2 → logits ×1/√2.
  const input = qk(
    [
      [2, 0, 2, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ],
    [
      [0, 0, 0, 0],
      [3, 0, -3, 0],
      [1, 0, 1, 0],
    ],
    2,
  );
  const e = Math.exp;
  const r = Math.SQRT2;

  it("'clip-single-head': one softmax over the full width, 1/√dModel", () => {
    const z = 2 + e(2);
    const scores = scoreOutliers('clip-single-head', input);
    expectClose(scores, [1 / z, e(2) / z]);
    expect(selectOutliers(scores, 1)).toEqual([1]);
  });

  it("'head-mean': per-head softmax with 1/√headDim, then the mean over heads", () => {
    const z0 = 1 + e(6 / r) + e(2 / r);
    const z1 = 1 + e(-6 / r) + e(2 / r);
    const expected = [(e(6 / r) / z0 + e(-6 / r) / z1) / 2, (e(2 / r) / z0 + e(2 / r) / z1) / 2];
    const scores = scoreOutliers('head-mean', input);
    expectClose(scores, expected);
    expectClose(scores, [0.4672, 0.4286], 4);
    expect(selectOutliers(scores, 1)).toEqual([0]);
  });

  it("an explicit model scale replaces 1/√headDim in 'head-mean' but not DAMRO's full-width single-head score", () => {
    // scale 1/6: head 0 logits 0, 1, 1/3; head 1 logits 0, −1, 1/3.
    const z0 = 1 + e(1) + e(1 / 3);
    const z1 = 1 + e(-1) + e(1 / 3);
    const scaled = { ...input, scale: 1 / 6 };
    expectClose(scoreOutliers('head-mean', scaled), [
      (e(1) / z0 + e(-1) / z1) / 2,
      (e(1 / 3) / z0 + e(1 / 3) / z1) / 2,
    ]);
    expectClose(scoreOutliers('clip-single-head', scaled), Array.from(scoreOutliers('clip-single-head', input)));
  });
});

describe('substitute scorers for encoders without CLS', () => {
  it("'mean-received-attention' averages each key's column over queries and heads", () => {
    const probs = {
      kind: 'attention' as const,
      probs: new Float32Array([0.5, 0.5, 0.1, 0.9, 1, 0, 0.2, 0.8]),
      heads: 2,
      tokens: 2,
    };
    // Column sums: key 0 = 0.5 + 0.1 + 1 + 0.2 = 1.8, key 1 = 2.2, over heads·queries = 4.
    expectClose(scoreOutliers('mean-received-attention', probs), [0.45, 0.55]);
  });

  it("'mean-received-attention' from q/k equals the hand-built probabilities", () => {
    // d = 1: query 0 (q = 0) attends [1/2, 1/2]; query 1 (q = 1) sees logits [0, ln 3] → [1/4, 3/4].
    const input = qk([[0], [1]], [[0], [Math.log(3)]], 1);
    expectClose(scoreOutliers('mean-received-attention', input), [0.375, 0.625]);
  });

  it("'token-norm' is the L2 norm of each token's hidden state", () => {
    const hidden = { kind: 'hidden' as const, hidden: new Float32Array([3, 4, 0, 1, -2, 0]), tokens: 3, dModel: 2 };
    expectClose(scoreOutliers('token-norm', hidden), [5, 1, 2]);
  });

  it('labels substitutes as adaptations and only the CLS scorers as faithful', () => {
    expect(OUTLIER_SCORERS['clip-single-head'].faithful).toBe(true);
    expect(OUTLIER_SCORERS['head-mean'].faithful).toBe(true);
    for (const name of ['mean-received-attention', 'token-norm'] as const) {
      expect(OUTLIER_SCORERS[name].faithful).toBe(false);
      expect(OUTLIER_SCORERS[name].label).toMatch(/^adapted outlier score: this encoder has no CLS token/);
      expect(OUTLIER_SCORERS[name].hasCls).toBe(false);
    }
  });
});

describe('errors', () => {
  const input = qk(
    [
      [1, 0],
      [0, 1],
    ],
    [
      [1, 0],
      [0, 1],
    ],
    1,
  );
  it('names the valid scorers, the wanted input and the valid k', () => {
    expect(() => scoreOutliers('nope', input)).toThrow(/use one of clip-single-head, head-mean/);
    expect(() => scoreOutliers('token-norm', input)).toThrow(/needs hidden input/);
    expect(() => scoreOutliers('head-mean', { ...input, heads: 3 })).toThrow(/does not split into 3 heads/);
    expect(() => scoreOutliers('clip-single-head', { ...input, q: new Float32Array(3) })).toThrow(/vision layer hook/);
    expect(() => selectOutliers([1, 2], 3)).toThrow(/between 1 and the 2 image tokens/);
    expect(() => selectOutliers([1, 2], 0)).toThrow(expect.objectContaining({ code: 'bad-request' }));
    expect(() => selectOutliers([1, 2], 1.5)).toThrow(/got 1\.5/);
  });
});
