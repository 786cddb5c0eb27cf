import { describe, expect, it } from 'vitest';
import { addCount, mergeCounts, zeroCounts } from '../../../../src/core/metrics/accumulate';

describe('counts', () => {
  it('start at zero, add without mutating, and merge by addition', () => {
    const zero = zeroCounts(['a', 'b'] as const);
    expect(zero).toEqual({ a: 0, b: 0 });
    const one = addCount(zero, 'a');
    expect(zero).toEqual({ a: 0, b: 0 });
    const other = addCount(addCount(zero, 'b', 5), 'a', 2);
    expect(mergeCounts(one, other)).toEqual({ a: 3, b: 5 });
  });
});
