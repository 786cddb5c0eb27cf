// Reading config.json fields with errors that name the field, shared by every family's config parser.
import { LensError } from '../../protocol/errors';
import type { ModelConfig } from './adapter';

export type Json = Record<string, unknown>;

export const isInt = (value: unknown): value is number => Number.isInteger(value);
export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/** A JSON file that must hold one object (config.json, generation_config.json), with errors that name it. */
export function parseJsonObject(text: string, file: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LensError(
      'bad-model-config',
      `${file} is not valid JSON; this does not look like a transformers.js model folder.`,
      { file },
    );
  }
  if (!isObject(value) || Array.isArray(value)) {
    throw new LensError(
      'bad-model-config',
      `${file} holds ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not a JSON object of settings; the file is damaged. Take it again from the model repository.`,
      { file },
    );
  }
  return value;
}

export function field<T>(
  object: Json,
  key: string,
  where: string,
  check: (value: unknown) => value is T,
  family = 'this',
): T {
  const value = object[key];
  if (!check(value))
    throw new LensError(
      'unsupported-model',
      `config.json has no usable ${where}${key} (${JSON.stringify(value)}); ${family} export is missing a field DAMRO Lens needs.`,
    );
  return value;
}

/** The language model's shape and its special tokens, as every decoder_model_merged export needs them. */
export interface TextConfig {
  readonly hidden: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly layers: number;
  readonly vocabSize: number;
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number;
  /** text_config.max_position_embeddings: positions past it are outside the model's rotary/position tables. */
  readonly maxPositions?: number;
}

/** `key`: where config.json describes the language model (text_config; Moondream 2's phi_config). */
export function parseTextConfig(
  config: ModelConfig,
  generation: Json | undefined,
  family: string,
  key = 'text_config',
): TextConfig {
  const json = config as Json;
  const text = field(json, key, '', isObject, family);
  const where = `${key}.`;
  const heads = field(text, 'num_attention_heads', where, isInt, family);
  const hidden = field(text, 'hidden_size', where, isInt, family);
  const eos = generation?.eos_token_id ?? text.eos_token_id ?? json.eos_token_id;
  const eosTokenIds = (Array.isArray(eos) ? eos : [eos]).filter(isInt);
  if (eosTokenIds.length === 0)
    throw new LensError(
      'unsupported-model',
      'Neither generation_config.json nor config.json names an eos_token_id, so captions could never end.',
    );
  const pad = generation?.pad_token_id ?? text.pad_token_id ?? json.pad_token_id;
  return {
    hidden,
    heads,
    kvHeads: isInt(text.num_key_value_heads) ? text.num_key_value_heads : heads,
    headDim: isInt(text.head_dim) ? text.head_dim : hidden / heads,
    layers: field(text, 'num_hidden_layers', where, isInt, family),
    vocabSize: field(text, 'vocab_size', where, isInt, family),
    eosTokenIds,
    padTokenId: isInt(pad) ? pad : eosTokenIds[0],
    ...(isInt(text.max_position_embeddings) && text.max_position_embeddings > 0
      ? { maxPositions: text.max_position_embeddings }
      : {}),
  };
}
