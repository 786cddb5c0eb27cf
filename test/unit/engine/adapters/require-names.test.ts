import { describe, expect, it } from 'vitest';
import { requireNames } from '../../../../src/engine/adapters/image-text-model';
import { ADAPTERS } from '../../../../src/engine/adapters/registry';

describe('load-time checks of an export’s graphs', () => {
  const families = Object.keys(ADAPTERS);

  it('registers llava, llava_onevision, idefics3, smolvlm, gemma3, paligemma, moondream1, lfm2_vl, qwen2_vl and qwen2_5_vl', () => {
    expect(families).toEqual([
      'llava',
      'llava_onevision',
      'idefics3',
      'smolvlm',
      'gemma3',
      'paligemma',
      'moondream1',
      'lfm2_vl',
      'qwen2_vl',
      'qwen2_5_vl',
    ]);
  });

  it('passes a graph with every expected name', () => {
    expect(() =>
      requireNames(
        { inputNames: ['pixel_values', 'pixel_attention_mask'], outputNames: ['image_features', 'tap'] },
        'vision_encoder',
        ['pixel_values', 'pixel_attention_mask'],
        ['image_features'],
        families,
      ),
    ).not.toThrow();
  });

  it('names what is missing, what the graph has, and the supported families', () => {
    expect(() =>
      requireNames(
        { inputNames: ['pixel_values'], outputNames: ['last_hidden_state'] },
        'vision_encoder',
        ['pixel_values', 'pixel_attention_mask'],
        ['image_features'],
        families,
      ),
    ).toThrow(
      "The vision_encoder graph has no input 'pixel_attention_mask', output 'image_features' (it has inputs pixel_values; outputs last_hidden_state). DAMRO Lens supports transformers.js image-text-to-text exports of the llava, llava_onevision, idefics3, smolvlm, gemma3, paligemma, moondream1, lfm2_vl, qwen2_vl, qwen2_5_vl families.",
    );
  });
});
