// The rotary tables a fused decoder's rows need are read from the model bytes or, in exports that keep their
// weights in external-data files, from those files: both must give the same numbers.
import { describe, expect, it } from 'vitest';
import { readFloatInitializer } from '../../../src/engine/onnx/initializer-data';
import { scanModel } from '../../../src/engine/onnx/scan';
import { makeGqaLlavaModel } from '../../../src/factory/gqa/make-model';
import { splitExternalData } from '../../../src/factory/onnx/external-data';

describe('readFloatInitializer', () => {
  const inline = makeGqaLlavaModel().get('onnx/decoder_model_merged.onnx')!;
  const split = splitExternalData(inline, [
    'decoder_model_merged.onnx_data',
    'decoder_model_merged.onnx_data_1',
    'decoder_model_merged.onnx_data_2',
  ]);
  const external = [...split.data].map(([path, data]) => ({ path, data }));

  it('reads the rotary tables from external-data files as from the model bytes', () => {
    const scanned = scanModel(split.model);
    expect(scanned.graph.initializers.find((i) => i.name === 'cos_cache')?.external).toBe(true);
    for (const name of ['cos_cache', 'sin_cache']) {
      const fromBytes = readFloatInitializer(inline, scanModel(inline), name);
      const fromFiles = readFloatInitializer(split.model, scanned, name, external);
      expect(fromFiles.dims).toEqual(fromBytes.dims);
      expect(Array.from(fromFiles.data)).toEqual(Array.from(fromBytes.data));
    }
  });

  it('names the file an initializer needs when it was not loaded', () => {
    expect(() => readFloatInitializer(split.model, scanModel(split.model), 'cos_cache', [])).toThrow(
      /external file 'decoder_model_merged\.onnx_data(_\d)?', which was not loaded/,
    );
  });
});
