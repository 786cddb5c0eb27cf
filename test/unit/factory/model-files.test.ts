// The folder layout and metadata transformers.js expects for model_type "llava", determinism, and sizes.
import { describe, expect, it } from 'vitest';
import { parameterCount, patchCount, SIZES } from '../../../src/factory/llava/dims';
import { makeLlavaModel } from '../../../src/factory/llava/make-model';
import { tokenizerJson } from '../../../src/factory/llava/tokenizer-files';
import { SPECIAL_IDS, VOCABULARY } from '../../../src/factory/llava/vocabulary';
import { ort } from '../../../src/engine/runtime/ort';

const text = (files: Map<string, Uint8Array>, path: string) => JSON.parse(new TextDecoder().decode(files.get(path)!));

describe('synthetic llava folder', () => {
  const fp32 = makeLlavaModel({ size: 'tiny', dtype: 'fp32' });
  const q4 = makeLlavaModel({ size: 'tiny', dtype: 'q4' });

  it('has the files and dtype suffixes transformers.js looks for, under 2 MB', () => {
    const common = [
      'config.json',
      'generation_config.json',
      'preprocessor_config.json',
      'processor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ];
    const sessions = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'];
    expect([...fp32.files.keys()].sort()).toEqual([...common, ...sessions.map((s) => `onnx/${s}.onnx`)].sort());
    expect([...q4.files.keys()].sort()).toEqual([...common, ...sessions.map((s) => `onnx/${s}_q4.onnx`)].sort());
    for (const model of [fp32, q4])
      expect([...model.files.values()].reduce((n, f) => n + f.byteLength, 0)).toBeLessThan(2e6);
  });

  it('carries the llava config the loader and DAMRO rely on', () => {
    const config = text(fp32.files, 'config.json');
    expect(config).toMatchObject({
      model_type: 'llava',
      image_token_index: SPECIAL_IDS.image,
      vision_feature_layer: -2,
      vision_feature_select_strategy: 'default',
      'transformers.js_config': { dtype: 'fp32' },
    });
    expect(text(q4.files, 'config.json')['transformers.js_config']).toEqual({ dtype: 'q4' });
    expect(config.text_config.vocab_size).toBe(VOCABULARY.length);
    expect(text(fp32.files, 'preprocessor_config.json')).toMatchObject({
      processor_class: 'LlavaProcessor',
      crop_size: { height: 32, width: 32 },
    });
    expect(text(fp32.files, 'processor_config.json')).toMatchObject({
      image_token: '<image>',
      patch_size: 8,
      num_additional_image_tokens: 0,
    });
    expect(text(fp32.files, 'tokenizer_config.json')).toMatchObject({
      bos_token: '<s>',
      eos_token: '</s>',
      unk_token: '<unk>',
      pad_token: '<pad>',
    });
  });

  it('is deterministic in the seed', () => {
    const again = makeLlavaModel({ size: 'tiny', dtype: 'fp32' });
    const other = makeLlavaModel({ size: 'tiny', dtype: 'fp32', seed: 7 });
    for (const [path, bytes] of fp32.files)
      expect(Buffer.from(again.files.get(path)!).equals(Buffer.from(bytes))).toBe(true);
    expect(
      Buffer.from(other.files.get('onnx/decoder_model_merged.onnx')!).equals(
        Buffer.from(fp32.files.get('onnx/decoder_model_merged.onnx')!),
      ),
    ).toBe(false);
  });

  it('has the IO names, dtypes and dynamic axes of Optimum exports', async () => {
    const meta = async (path: string) => {
      const session = await ort.InferenceSession.create(fp32.files.get(path)!);
      const io = { inputs: session.inputMetadata, outputs: session.outputMetadata };
      await session.release();
      return io;
    };
    const decoder = await meta('onnx/decoder_model_merged.onnx');
    expect(decoder.inputs.map((m) => m.name)).toEqual([
      'inputs_embeds',
      'attention_mask',
      'position_ids',
      'past_key_values.0.key',
      'past_key_values.0.value',
      'past_key_values.1.key',
      'past_key_values.1.value',
    ]);
    expect(decoder.inputs[3]).toMatchObject({
      isTensor: true,
      type: 'float32',
      shape: ['batch_size', 4, 'past_sequence_length', 16],
    });
    expect(decoder.inputs[1]).toMatchObject({ type: 'int64', shape: ['batch_size', 'total_sequence_length'] });
    expect(decoder.outputs.map((m) => m.name)).toEqual([
      'logits',
      'present.0.key',
      'present.0.value',
      'present.1.key',
      'present.1.value',
    ]);
    const vision = await meta('onnx/vision_encoder.onnx');
    expect(vision.inputs[0]).toMatchObject({ name: 'pixel_values', shape: ['batch_size', 3, 32, 32] });
    expect(vision.outputs[0]).toMatchObject({
      name: 'image_features',
      shape: ['batch_size', patchCount(SIZES.tiny.vision), 64],
    });
    const embed = await meta('onnx/embed_tokens.onnx');
    expect(embed.inputs[0]).toMatchObject({
      name: 'input_ids',
      type: 'int64',
      shape: ['batch_size', 'sequence_length'],
    });
  });
});

describe('bench size', () => {
  it('counts its parameters (hand arithmetic for a ViT-B/14 tower at 336 px run to layer 10 and a 30-layer 576-wide decoder over 49,152 tokens)', () => {
    const vocab = 49152;
    const visionLayer = 4 * 768 + 4 * (768 * 768 + 768) + (768 * 3072 + 3072) + (3072 * 768 + 768);
    // (336 / 14)² = 576 patches, plus CLS.
    expect(patchCount(SIZES.bench.vision)).toBe(576);
    const embeddings = 768 * 3 * 14 * 14 + 768 + 577 * 768 + 2 * 768;
    const projector = 768 * 576 + 576 + 576 * 576 + 576;
    const textLayer = 2 * 576 + 4 * 576 * 576 + 3 * 576 * 1536;
    const expected = embeddings + 11 * visionLayer + projector + 30 * textLayer + 2 * vocab * 576 + 576;
    expect(parameterCount(SIZES.bench)).toBe(expected);
    expect(expected).toBeGreaterThan(100e6);
    expect(expected).toBeLessThan(300e6);
  });

  it('has a tokenizer entry for every id of its 49,152-token vocabulary, the readable words first', () => {
    const { model } = tokenizerJson(SIZES.bench.text.vocabSize) as { model: { vocab: Record<string, number> } };
    const ids = Object.values(model.vocab).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 49152 }, (_, i) => i));
    expect(model.vocab.person).toBe(VOCABULARY.indexOf('person'));
    expect(model.vocab['<unused_0>']).toBe(VOCABULARY.length);
    expect(model.vocab[`<unused_${49151 - VOCABULARY.length}>`]).toBe(49151);
  });
});
