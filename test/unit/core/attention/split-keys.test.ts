import { describe, expect, it } from 'vitest';
import { splitKeys } from '../../../../src/core/attention/split-keys';

describe('splitKeys', () => {
  it('takes the image span out of each stacked row and joins the text before and after it', () => {
    // 2 stacked rows (layer·head) of 6 keys: prompt p0 p1, image i0 i1 i2, then one generated token g0.
    // Row 0 = 10..15, row 1 = 20..25; the image span is keys 2..4.
    const row = Float32Array.from([10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 24, 25]);
    const { image, text } = splitKeys(row, 2, 6, { start: 2, length: 3 });
    expect(Array.from(image)).toEqual([12, 13, 14, 22, 23, 24]);
    expect(Array.from(text)).toEqual([10, 11, 15, 20, 21, 25]);
  });

  it('handles an image at the very start or end of the keys', () => {
    const row = Float32Array.from([1, 2, 3]);
    expect(Array.from(splitKeys(row, 1, 3, { start: 0, length: 2 }).text)).toEqual([3]);
    expect(Array.from(splitKeys(row, 1, 3, { start: 1, length: 2 }).text)).toEqual([1]);
  });

  it('refuses a span outside the keys or a row of the wrong size', () => {
    expect(() => splitKeys(new Float32Array(6), 2, 3, { start: 2, length: 2 })).toThrow(/outside 3 keys/);
    expect(() => splitKeys(new Float32Array(5), 2, 3, { start: 0, length: 1 })).toThrow(/not 2 stacked rows/);
  });
});
