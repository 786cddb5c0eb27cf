// A synthetic llava whose decoder is a GroupQueryAttention graph (2 KV heads for 4 query heads): the layout of
// ORT-optimised / genai-built decoders, loadable by transformers.js's LlavaForConditionalGeneration.
import type { ModelSize } from '../llava/dims';
import type { WeightFormat } from '../llava/linear-node';
import { makeLlavaModel } from '../llava/make-model';
import { buildGqaDecoderGraph } from './decoder-graph';

/** KV heads per size: 2 for the tiny model's 4 query heads; 3 for the bench model's 9, as SmolVLM-256M has. */
const KV_HEADS: Readonly<Record<ModelSize, number>> = { tiny: 2, bench: 3 };
export const GQA_KV_HEADS = KV_HEADS.tiny;

/**
 * `windows` gives each decoder layer a sliding window (local_window_size; −1 global) and `softcap` caps every
 * layer's scores, as Gemma-style exports do; config.json says the same (sliding_window, layer_types,
 * attn_logit_softcapping) for anything reading it.
 */
export function makeGqaLlavaModel({
  seed = 42,
  size = 'tiny',
  dtype = 'fp32',
  qkOutput = false,
  windows,
  softcap,
}: {
  seed?: number;
  size?: ModelSize;
  dtype?: WeightFormat;
  qkOutput?: boolean;
  windows?: readonly number[];
  softcap?: number;
} = {}): Map<string, Uint8Array> {
  const llava = makeLlavaModel({ size, dtype, seed });
  const kvHeads = KV_HEADS[size];
  const files = new Map(llava.files);
  const config = JSON.parse(new TextDecoder().decode(files.get('config.json'))) as {
    text_config: Record<string, unknown>;
  };
  config.text_config.num_key_value_heads = kvHeads;
  if (windows) {
    config.text_config.sliding_window = Math.max(...windows);
    config.text_config.layer_types = windows.map((w) => (w >= 0 ? 'sliding_attention' : 'full_attention'));
  }
  if (softcap !== undefined) config.text_config.attn_logit_softcapping = softcap;
  files.set('config.json', new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`));
  files.set(
    `onnx/decoder_model_merged${dtype === 'q4' ? '_q4' : ''}.onnx`,
    buildGqaDecoderGraph(llava.weights, dtype, { kvHeads, qkOutput, windows, softcap }),
  );
  return files;
}
