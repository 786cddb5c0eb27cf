import { describe, expect, it } from 'vitest';
import { outlierShare } from '../../../../src/core/attention/share';

describe('outlierShare', () => {
  it('is the outlier mass over the whole row mass', () => {
    // Spec §1.2 row without CLS: outliers [1, 3] hold 0.8 of 0.9.
    expect(outlierShare(new Float32Array([0.05, 0.6, 0.05, 0.2]), [1, 3])).toBeCloseTo(0.8 / 0.9, 6);
    expect(outlierShare([1, 1, 1, 1], [])).toBe(0);
  });

  it('is NaN for an empty row and refuses bad or repeated indices', () => {
    expect(outlierShare([0, 0], [0])).toBeNaN();
    expect(() => outlierShare([1, 2], [2])).toThrow(/outside the 2 image tokens/);
    expect(() => outlierShare([1, 2], [1, 1])).toThrow(/listed twice/);
  });
});
