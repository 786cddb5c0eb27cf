import { describe, expect, it } from 'vitest';
import { logSoftmax, logSumExp, maxLogit, softmax } from '../../../../src/core/tensor/softmax';

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 4): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
}

describe('softmax', () => {
  it('matches the spec baseline softmax(l) of §1.3', () => {
    expectClose(softmax(new Float32Array([3, 2.5, 0, -1])), [0.5971, 0.3622, 0.0297, 0.0109]);
  });

  it('gives −∞ exactly zero mass and renormalises over the rest', () => {
    const p = softmax([Math.log(1), -Infinity, Math.log(3)]);
    expect(p[1]).toBe(0);
    expectClose(p, [0.25, 0, 0.75], 6);
  });

  it('stays finite for huge logits (stable) and divides by temperature', () => {
    expectClose(softmax([1000, 1000 - Math.log(3)]), [0.75, 0.25], 6);
    // T = 2 halves the logit gap: ln 9 / 2 = ln 3.
    expectClose(softmax([Math.log(9), 0], 2), [0.75, 0.25], 6);
  });

  it('keeps the normaliser for huge logits: four tied tokens each get 1/4, not 1', () => {
    // 1e17 + ln 4 rounds to 1e17 in float64, so exp(l − logsumexp) gave each tied token p = 1.
    expect(Array.from(softmax([1e17, 1e17, 1e17, 1e17]))).toEqual([0.25, 0.25, 0.25, 0.25]);
    expectClose(logSoftmax([1e17, 1e17, 1e17, 1e17]), [-Math.log(4), -Math.log(4), -Math.log(4), -Math.log(4)], 6);
  });

  it('logSoftmax and logSumExp agree with the direct formula', () => {
    const l = [0.3, -1.2, 2.0, 0];
    const lse = Math.log(l.reduce((s, v) => s + Math.exp(v), 0));
    expect(logSumExp(l)).toBeCloseTo(lse, 10);
    expectClose(
      logSoftmax(l),
      l.map((v) => v - lse),
      6,
    );
    expect(logSoftmax([0, -Infinity])[1]).toBe(-Infinity);
  });

  it('refuses vectors with no distribution', () => {
    expect(() => softmax([-Infinity, -Infinity])).toThrow(/Every logit is −Infinity/);
    expect(() => maxLogit([0, Number.NaN])).toThrow(/Logit 1 is NaN/);
    expect(() => softmax([0, Infinity])).toThrow(/finite/);
    expect(() => softmax([0, 1], 0)).toThrow(/Temperature/);
  });
});
