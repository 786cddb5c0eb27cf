import { LensError } from '../../protocol/errors';
import type { ModelConfig } from './adapter';
import { field, isInt, isObject, parseTextConfig, type Json, type TextConfig } from './config-fields';

/** The parts of a llava config.json the engine relies on, checked up front so a bad folder fails clearly. */
export interface LlavaConfig {
  readonly imageTokenId: number;
  /** Index of the encoder layer whose output LLaVA uses (and whose attention DAMRO reads): L + vision_feature_layer. */
  readonly featureLayer: number;
  readonly vision: {
    readonly hidden: number;
    readonly heads: number;
    readonly layers: number;
    readonly imageSize: number;
    readonly patchSize: number;
    readonly hasCls: boolean;
  };
  readonly text: TextConfig;
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number;
}

/**
 * The encoder layer whose output vision_feature_layer selects. Hugging Face indexes the tower's hidden_states,
 * which hold the embeddings first and then each layer's output (num_hidden_layers + 1 entries), so n ≥ 1 is
 * layer n − 1's output and n < 0 counts from the end (−1: the last layer, −2: the penultimate).
 */
export function encoderLayerOf(setting: number, layers: number): number {
  const state = setting < 0 ? layers + 1 + setting : setting;
  if (state < 0 || state > layers) {
    throw new LensError(
      'unsupported-model',
      `vision_feature_layer ${setting} is outside the tower's hidden states (its ${layers} layers give indices −${layers + 1}..${layers}); check config.json.`,
    );
  }
  if (state === 0) {
    throw new LensError(
      'unsupported-model',
      `vision_feature_layer ${setting} selects the patch embeddings, before any attention layer, so there is no attention to score outliers with. DAMRO Lens needs a setting that selects a layer's output (1..${layers} or −1..−${layers}).`,
    );
  }
  return state - 1;
}

export function parseLlavaConfig(config: ModelConfig, generation: Json | undefined): LlavaConfig {
  const json = config as Json;
  const family = 'this llava';
  const vision = field(json, 'vision_config', '', isObject, family);
  // CLIP towers have a CLS token; SigLIP (llava-interleave, onevision) towers do not.
  const hasCls = String(vision.model_type ?? 'clip_vision_model').startsWith('clip');
  const strategy = json.vision_feature_select_strategy ?? 'default';
  // "full" keeps CLS among the image features, which the per-patch scores would not line up with; without CLS
  // it is the same as "default".
  if (strategy !== 'default' && !(strategy === 'full' && !hasCls)) {
    throw new LensError(
      'unsupported-model',
      `vision_feature_select_strategy "${String(strategy)}" is not supported for this tower; DAMRO Lens handles llava exports whose image features are exactly the patches ("default", or "full" without CLS).`,
    );
  }
  const layers = field(vision, 'num_hidden_layers', 'vision_config.', isInt, family);
  const featureLayerSetting = json.vision_feature_layer ?? -2;
  if (!isInt(featureLayerSetting))
    throw new LensError(
      'unsupported-model',
      'vision_feature_layer must be one layer index; multi-layer features are not supported.',
    );
  const text = parseTextConfig(config, generation, family);
  return {
    imageTokenId: field(json, 'image_token_index', '', isInt, family),
    featureLayer: encoderLayerOf(featureLayerSetting, layers),
    vision: {
      hidden: field(vision, 'hidden_size', 'vision_config.', isInt, family),
      heads: field(vision, 'num_attention_heads', 'vision_config.', isInt, family),
      layers,
      imageSize: field(vision, 'image_size', 'vision_config.', isInt, family),
      patchSize: field(vision, 'patch_size', 'vision_config.', isInt, family),
      hasCls,
    },
    text,
    eosTokenIds: text.eosTokenIds,
    padTokenId: text.padTokenId,
  };
}
