import { describe, expect, it } from 'vitest';
import { transferablesOf } from '../../../src/protocol/transfer';

describe('transferablesOf', () => {
  it('finds each typed array buffer once, two levels deep, and nothing else', () => {
    const shared = new Float32Array(4);
    const message = {
      values: shared,
      view: shared.subarray(1),
      nested: { ids: new Int32Array(2), deeper: { hidden: new Uint8Array(1) } },
      text: 'x',
      n: 3,
    };
    const found = transferablesOf(message);
    expect(found).toHaveLength(2);
    expect(found).toContain(shared.buffer);
    expect(found).toContain(message.nested.ids.buffer);
  });
});
