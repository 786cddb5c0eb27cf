import { describe, expect, it } from 'vitest';
import { aggregateAttention, type AttentionStack } from '../../../../src/core/attention/aggregate';

// 3 layers × 2 heads × 2 image tokens; value = 100·layer + 10·head + token, so every mean is easy by hand.
const data = new Float32Array(12);
for (let l = 0; l < 3; l++)
  for (let h = 0; h < 2; h++) for (let t = 0; t < 2; t++) data[(l * 2 + h) * 2 + t] = 100 * l + 10 * h + t;
const stack: AttentionStack = { data, layers: 3, heads: 2, imageTokens: 2 };

describe('aggregateAttention', () => {
  it("'mean-heads' averages heads and layers (all layers by default)", () => {
    // mean layer 100, mean head 5.
    expect(Array.from(aggregateAttention('mean-heads', stack))).toEqual([105, 106]);
    expect(Array.from(aggregateAttention('mean-heads', stack, { layerFrom: 1, layerTo: 3 }))).toEqual([155, 156]);
  });

  it("'one-head' averages one head over the layer range", () => {
    expect(Array.from(aggregateAttention('one-head', stack, { head: 1, layerFrom: 2 }))).toEqual([210, 211]);
  });

  it('refuses unknown names, bad ranges, missing heads and wrong sizes', () => {
    expect(() => aggregateAttention('max', stack)).toThrow(/use one of mean-heads, one-head/);
    expect(() => aggregateAttention('mean-heads', stack, { layerFrom: 2, layerTo: 2 })).toThrow(/Layer range/);
    expect(() => aggregateAttention('one-head', stack)).toThrow(/head index from 0 to 1/);
    expect(() => aggregateAttention('mean-heads', { ...stack, layers: 4 })).toThrow(/needs 16/);
  });
});
