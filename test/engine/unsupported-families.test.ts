// Every image-text family that the shipped transformers.js runs is either read by an adapter or refused at load
// time with a typed error that names the family and its reason (src/engine/browser-stack.md §11).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from '../../src/engine/adapters/registry';
import { UNSUPPORTED_FAMILIES } from '../../src/engine/adapters/unsupported-families';
import { AutoModelForImageTextToText, AutoModelForVision2Seq } from '../../src/engine/runtime/hf';
import { LensError } from '../../src/protocol/errors';
import { nodeLoader } from '../support/tiny-llava';

const text = (model_type: string, extra: Record<string, unknown> = {}) => ({
  model_type,
  hidden_size: 64,
  num_attention_heads: 4,
  num_hidden_layers: 2,
  vocab_size: 256,
  ...extra,
});
const vision = (model_type: string, extra: Record<string, unknown> = {}) => ({
  model_type,
  hidden_size: 32,
  num_attention_heads: 2,
  num_hidden_layers: 2,
  ...extra,
});

/**
 * One config.json per family, cut down from the family's Hub configs to the parts that identify it, and the word
 * its refusal must contain: the feature that stops DAMRO Lens, as read in transformers.js's source.
 */
const CASES: readonly [modelType: string, config: Record<string, unknown>, family: string, cause: string][] = [
  [
    'florence2',
    {
      architectures: ['Florence2ForConditionalGeneration'],
      is_encoder_decoder: true,
      text_config: text('florence2_language', { encoder_layers: 2, decoder_layers: 2 }),
      vision_config: { model_type: 'davit' },
    },
    'Florence-2',
    'cross-attention',
  ],
  [
    'qwen3_vl',
    {
      architectures: ['Qwen3VLForConditionalGeneration'],
      text_config: text('qwen3_vl_text', { rope_scaling: { mrope_interleaved: true, mrope_section: [24, 20, 20] } }),
      vision_config: vision('qwen3_vl', { patch_size: 16, spatial_merge_size: 2 }),
    },
    'Qwen3-VL',
    'M-RoPE',
  ],
  [
    'qwen3_vl_moe',
    {
      architectures: ['Qwen3VLMoeForConditionalGeneration'],
      text_config: text('qwen3_vl_moe_text', { num_experts: 128, num_experts_per_tok: 8 }),
      vision_config: vision('qwen3_vl_moe'),
    },
    'Qwen3-VL MoE',
    'mixture-of-experts',
  ],
  [
    'qwen3_5',
    {
      architectures: ['Qwen3_5ForConditionalGeneration'],
      text_config: text('qwen3_5_text', {
        layer_types: ['linear_attention', 'linear_attention', 'linear_attention', 'full_attention'],
      }),
      vision_config: vision('qwen3_5'),
    },
    'Qwen3.5',
    'Gated DeltaNet',
  ],
  [
    'qwen3_5_moe',
    {
      architectures: ['Qwen3_5MoeForConditionalGeneration'],
      text_config: text('qwen3_5_moe_text', {
        layer_types: ['linear_attention', 'linear_attention', 'linear_attention', 'full_attention'],
      }),
      vision_config: vision('qwen3_5_moe'),
    },
    'Qwen3.5 MoE',
    'Gated DeltaNet',
  ],
  [
    'lfm3_vl',
    {
      architectures: ['Lfm3VlForConditionalGeneration'],
      text_config: text('lfm3', { layer_types: ['conv', 'conv', 'full_attention'] }),
      vision_config: vision('lfm3_vl_vision'),
    },
    'LFM3-VL',
    'one position per token',
  ],
  [
    'llava_qwen2',
    {
      architectures: ['LlavaQwen2ForCausalLM'],
      ...text('llava_qwen2'),
      mm_vision_tower: 'mobileclip_l_1024',
      mm_hidden_size: 3072,
      image_token_index: 151646,
    },
    'FastVLM',
    'FastViTHD',
  ],
  [
    'gemma3n',
    {
      architectures: ['Gemma3nForConditionalGeneration'],
      text_config: text('gemma3n_text', { hidden_size_per_layer_input: 16 }),
      vision_config: { model_type: 'gemma3n_vision', architecture: 'mobilenetv5_300m_enc' },
      audio_config: { model_type: 'gemma3n_audio' },
    },
    'Gemma 3n',
    'per_layer_inputs',
  ],
  [
    'gemma4',
    {
      architectures: ['Gemma4ForConditionalGeneration'],
      text_config: text('gemma4_text', { num_kv_shared_layers: 1 }),
      vision_config: vision('gemma4_vision'),
    },
    'Gemma 4',
    'pixel_position_ids',
  ],
  [
    'mistral3',
    {
      architectures: ['Mistral3ForConditionalGeneration'],
      spatial_merge_size: 2,
      text_config: text('mistral'),
      vision_config: vision('pixtral', { patch_size: 14, image_size: 1540 }),
    },
    'Mistral 3',
    '[IMG_BREAK]',
  ],
  [
    'lighton_ocr',
    {
      architectures: ['LightOnOcrForConditionalGeneration'],
      text_config: text('qwen3'),
      vision_config: vision('pixtral', { patch_size: 14 }),
    },
    'LightOnOCR',
    '[IMG_BREAK]',
  ],
  [
    'glm_ocr',
    {
      architectures: ['GlmOcrForConditionalGeneration'],
      text_config: text('glm_ocr_text'),
      vision_config: vision('glm_ocr_vision', { spatial_merge_size: 2 }),
    },
    'GLM-OCR',
    'M-RoPE',
  ],
  [
    'vision-encoder-decoder',
    {
      architectures: ['VisionEncoderDecoderModel'],
      encoder: vision('vit', { image_size: 224, patch_size: 16 }),
      decoder: { model_type: 'gpt2', add_cross_attention: true, n_layer: 2, n_head: 2, n_embd: 32 },
    },
    'VisionEncoderDecoder',
    'cross-attention',
  ],
  [
    'phi3_v',
    {
      architectures: ['Phi3VForCausalLM'],
      ...text('phi3_v'),
      img_processor: { image_dim_out: 1024, model_name: 'openai/clip-vit-large-patch14-336' },
    },
    'Phi-3.5-vision',
    'prepare_inputs_embeds',
  ],
  [
    'multi_modality',
    {
      architectures: ['MultiModalityCausalLM'],
      language_config: text('llama'),
      vision_config: { cls: 'CLIPVisionTower', params: { model_name: 'siglip_large_patch16_384' } },
    },
    'Janus',
    'prepare_inputs_embeds',
  ],
];

const root = mkdtempSync(join(tmpdir(), 'damro-unsupported-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function refusalOf(modelType: string, config: Record<string, unknown>): Promise<LensError> {
  const dir = join(root, modelType);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, model_type: modelType }));
  try {
    await nodeLoader(dir)(`acme/${modelType}`, 'fp32', () => undefined);
  } catch (error) {
    if (error instanceof LensError) return error;
    throw new Error(`a raw ${String(error)} escaped the loader`);
  }
  throw new Error(`the ${modelType} folder loaded`);
}

describe('image-text families DAMRO Lens does not read', () => {
  it.each(CASES)('a %s config.json is refused as %s, naming its reason', async (modelType, config, family, cause) => {
    const error = await refusalOf(modelType, config);
    expect(error.code).toBe('unsupported-model');
    expect(error.details).toEqual({ modelType, family });
    expect(error.message).toBe(
      `"acme/${modelType}" is a ${family} model (model_type "${modelType}"), which DAMRO Lens cannot read: ` +
        `${UNSUPPORTED_FAMILIES[modelType]!.reason} Choose a model of a family it reads: ${Object.keys(ADAPTERS).join(', ')}.`,
    );
    expect(UNSUPPORTED_FAMILIES[modelType]!.reason).toContain(cause);
  });

  it('a model_type that is no image-text family still gets the list of supported families', async () => {
    const error = await refusalOf('t5', { architectures: ['T5ForConditionalGeneration'] });
    expect(error.code).toBe('unsupported-model');
    expect(error.message).toBe(`"acme/t5" is a t5 model; DAMRO Lens supports ${Object.keys(ADAPTERS).join(', ')}.`);
  });

  it('every image-text and vision-to-sequence model type of the shipped transformers.js is read or refused, never both', () => {
    const shipped = [AutoModelForImageTextToText, AutoModelForVision2Seq].flatMap((auto) =>
      auto.MODEL_CLASS_MAPPINGS.flatMap((mapping) => [...mapping.keys()]),
    );
    // Image-taking models that transformers.js registers outside those two mappings (a causal LM, a multimodality
    // model): Phi-3.5-vision and Janus.
    const expected = new Set([...shipped, 'phi3_v', 'multi_modality']);
    const read = Object.keys(ADAPTERS);
    const refused = Object.keys(UNSUPPORTED_FAMILIES);
    expect(read.filter((type) => refused.includes(type))).toEqual([]);
    expect(new Set([...read, ...refused])).toEqual(expected);
    expect(CASES.map(([type]) => type).sort()).toEqual([...refused].sort());
  });
});
