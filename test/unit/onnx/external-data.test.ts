// Which external-data files a graph names: taken from its initializers' entries, each once, in first-use order;
// locations outside the model folder are refused.
import { describe, expect, it } from 'vitest';
import { externalDataFiles } from '../../../src/engine/onnx/external-data';
import { scanModel } from '../../../src/engine/onnx/scan';
import { GraphBuilder } from '../../../src/factory/onnx/graph-builder';
import { splitExternalData } from '../../../src/factory/onnx/external-data';
import { DataType } from '../../../src/factory/onnx/schema';

function model(): Uint8Array {
  const g = new GraphBuilder('g');
  let x = g.input('x', DataType.FLOAT, [1, 8]);
  for (let i = 0; i < 5; i++)
    x = g.op(`/l${i}`, 'Add', [x, g.initializer(`w${i}`, new Float32Array(32).fill(i), [4, 8])]);
  g.output(x, DataType.FLOAT, [4, 8]);
  return g.encode();
}

describe('externalDataFiles', () => {
  it('lists each file the initializers name once, in graph order', () => {
    const { model: split, data } = splitExternalData(model(), ['b.bin', 'a.bin', 'c.bin']);
    expect(externalDataFiles(split, scanModel(split), 'm.onnx')).toEqual(['b.bin', 'a.bin', 'c.bin']);
    // 5 tensors of 128 bytes dealt to 3 files: ⌊i·3/5⌋ = 0,0,1,1,2.
    expect([...data.values()].map((d) => d.length)).toEqual([256, 256, 128]);
  });

  it('is empty for inline weights', () => {
    const bytes = model();
    expect(externalDataFiles(bytes, scanModel(bytes), 'm.onnx')).toEqual([]);
  });

  it.each(['../elsewhere.bin', '/etc/weights.bin', 'C:\\weights.bin'])(
    'refuses a location outside the model folder (%s), naming the initializer',
    (location) => {
      const { model: split } = splitExternalData(model(), [location]);
      expect(() => externalDataFiles(split, scanModel(split), 'onnx/m.onnx')).toThrow(
        /'w0' of onnx\/m\.onnx .* outside the model folder/,
      );
    },
  );
});
