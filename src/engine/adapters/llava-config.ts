import { LensError } from '../../protocol/errors';
import type { ModelConfig } from './adapter';

/** The parts of a llava config.json the engine relies on, checked up front so a bad folder fails clearly. */
export interface LlavaConfig {
  readonly imageTokenId: number;
  /** Index of the encoder layer whose output LLaVA uses (and whose attention DAMRO reads): L + vision_feature_layer. */
  readonly featureLayer: number;
  readonly vision: { readonly hidden: number; readonly heads: number; readonly layers: number; readonly imageSize: number; readonly patchSize: number; readonly hasCls: boolean };
  readonly text: { readonly hidden: number; readonly heads: number; readonly kvHeads: number; readonly headDim: number; readonly layers: number; readonly vocabSize: number };
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number;
}

type Json = Record<string, unknown>;

function field<T>(object: Json, key: string, where: string, check: (value: unknown) => value is T): T {
  const value = object[key];
  if (!check(value)) throw new LensError('unsupported-model', `config.json has no usable ${where}${key} (${JSON.stringify(value)}); this llava export is missing a field DAMRO Lens needs.`);
  return value;
}
const isInt = (value: unknown): value is number => Number.isInteger(value);
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

export function parseLlavaConfig(config: ModelConfig, generation: Json | undefined): LlavaConfig {
  const json = config as Json;
  const vision = field(json, 'vision_config', '', isObject);
  const text = field(json, 'text_config', '', isObject);
  const strategy = json.vision_feature_select_strategy ?? 'default';
  if (strategy !== 'default') {
    throw new LensError('unsupported-model', `vision_feature_select_strategy "${String(strategy)}" is not supported yet; DAMRO Lens handles llava exports that drop the CLS token ("default").`);
  }
  const layers = field(vision, 'num_hidden_layers', 'vision_config.', isInt);
  const featureLayerSetting = json.vision_feature_layer ?? -2;
  if (!isInt(featureLayerSetting)) throw new LensError('unsupported-model', 'vision_feature_layer must be one layer index; multi-layer features are not supported.');
  const heads = field(text, 'num_attention_heads', 'text_config.', isInt);
  const hidden = field(text, 'hidden_size', 'text_config.', isInt);
  const eos = generation?.eos_token_id ?? text.eos_token_id ?? json.eos_token_id;
  const eosTokenIds = (Array.isArray(eos) ? eos : [eos]).filter(isInt);
  if (eosTokenIds.length === 0) throw new LensError('unsupported-model', 'Neither generation_config.json nor config.json names an eos_token_id, so captions could never end.');
  const pad = generation?.pad_token_id ?? text.pad_token_id ?? json.pad_token_id;
  return {
    imageTokenId: field(json, 'image_token_index', '', isInt),
    featureLayer: featureLayerSetting < 0 ? layers + featureLayerSetting : featureLayerSetting,
    vision: {
      hidden: field(vision, 'hidden_size', 'vision_config.', isInt),
      heads: field(vision, 'num_attention_heads', 'vision_config.', isInt),
      layers,
      imageSize: field(vision, 'image_size', 'vision_config.', isInt),
      patchSize: field(vision, 'patch_size', 'vision_config.', isInt),
      // CLIP towers have a CLS token; SigLIP (llava-interleave, onevision) towers do not.
      hasCls: String(vision.model_type ?? 'clip_vision_model').startsWith('clip'),
    },
    text: {
      hidden,
      heads,
      kvHeads: isInt(text.num_key_value_heads) ? text.num_key_value_heads : heads,
      headDim: isInt(text.head_dim) ? text.head_dim : hidden / heads,
      layers: field(text, 'num_hidden_layers', 'text_config.', isInt),
      vocabSize: field(text, 'vocab_size', 'text_config.', isInt),
    },
    eosTokenIds,
    padTokenId: isInt(pad) ? pad : eosTokenIds[0],
  };
}
