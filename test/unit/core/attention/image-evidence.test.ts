import { describe, expect, it } from 'vitest';
import { imageEntropy, topKOverlap } from '../../../../src/core/attention/image-evidence';

describe('imageEntropy', () => {
  it('is Shannon entropy in nats of the renormalised row', () => {
    expect(imageEntropy([1, 1, 1, 1])).toBeCloseTo(Math.log(4), 12);
    expect(imageEntropy([2, 0, 0])).toBe(0);
    // [1, 3] → p = ¼, ¾: ¼·ln 4 + ¾·ln(4/3) = 0.346574 + 0.215762 = 0.562335.
    expect(imageEntropy([1, 3])).toBeCloseTo(0.5623351446188083, 12);
    expect(imageEntropy([0, 0])).toBeNaN();
    expect(() => imageEntropy([1, -1])).toThrow(/negative/);
  });
});

describe('topKOverlap', () => {
  it('is the fraction of the decoder top-k that are encoder outliers', () => {
    // Decoder top-2 of the row is [1, 3]; outliers [1, 2] share only token 1: ½.
    expect(topKOverlap([0.1, 0.5, 0.05, 0.3, 0.05], [1, 2])).toBe(0.5);
    expect(topKOverlap([0.1, 0.5, 0.05, 0.3, 0.05], [3, 1])).toBe(1);
    expect(() => topKOverlap([1, 2], [])).toThrow(/1 to 2 outliers/);
  });
});
