// vision_feature_layer follows Hugging Face's hidden_states indexing: entry 0 is the embeddings, entry n ≥ 1 the
// output of encoder layer n − 1, negative entries count from the end.
import { describe, expect, it } from 'vitest';
import { encoderLayerOf, parseLlavaConfig } from '../../../../src/engine/adapters/llava-config';
import type { ModelConfig } from '../../../../src/engine/adapters/adapter';
import { makeLlavaModel } from '../../../../src/factory/llava/make-model';

const base = JSON.parse(
  new TextDecoder().decode(makeLlavaModel({ size: 'tiny', dtype: 'fp32' }).files.get('config.json')),
) as ModelConfig & { vision_config: { num_hidden_layers: number } };

describe('vision_feature_layer → encoder layer (24-layer tower, as CLIP ViT-L/14-336)', () => {
  // hidden_states = [embeddings, out0, …, out23]: 25 entries.
  it.each([
    [-2, 22], // hidden_states[23] = out22: LLaVA-1.5's penultimate layer
    [-1, 23],
    [-24, 0],
    [1, 0], // hidden_states[1] is layer 0's output, not layer 1's
    [2, 1],
    [23, 22], // the same layer as −2
    [24, 23],
  ])('%i selects layer %i', (setting, layer) => expect(encoderLayerOf(setting, 24)).toBe(layer));

  it('refuses the embeddings (0 or −25) and indices past either end, saying what is valid', () => {
    for (const setting of [0, -25])
      expect(() => encoderLayerOf(setting, 24)).toThrow(/selects the patch embeddings.*1\.\.24 or −1\.\.−24/);
    for (const setting of [25, -26])
      expect(() => encoderLayerOf(setting, 24)).toThrow(/outside the tower's hidden states/);
  });
});

describe('parseLlavaConfig reads vision_feature_layer of either sign', () => {
  const layers = base.vision_config.num_hidden_layers;
  it.each([
    [-2, layers - 2],
    [layers - 1, layers - 2],
    [1, 0],
  ])('vision_feature_layer %i → featureLayer %i', (setting, layer) => {
    expect(parseLlavaConfig({ ...base, vision_feature_layer: setting }, undefined).featureLayer).toBe(layer);
  });
});
