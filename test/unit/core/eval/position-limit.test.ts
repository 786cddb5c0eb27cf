import { describe, expect, it } from 'vitest';
import { positionLimitNote } from '../../../../src/core/eval/position-limit';

describe('positionLimitNote', () => {
  it('warns when the image tokens and max new tokens alone exceed the positions (POPE’s 1024 on a 128-position model)', () => {
    expect(positionLimitNote(1024, 128, 16)).toBe(
      "This model has 128 positions for the prompt, the image's 16 tokens and the answer together, so long answers stop at that limit, before 1024 new tokens.",
    );
  });

  it('says nothing when they fit (16 + 112 = 128) or when the config names no limit', () => {
    expect(positionLimitNote(112, 128, 16)).toBeUndefined();
    expect(positionLimitNote(113, 128, 16)).toBeDefined();
    expect(positionLimitNote(1024, undefined, 16)).toBeUndefined();
  });
});
