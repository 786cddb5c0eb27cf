// A synthetic llava whose decoder is a GroupQueryAttention graph (2 KV heads for 4 query heads): the layout of
// ORT-optimised / genai-built decoders, loadable by transformers.js's LlavaForConditionalGeneration.
import { makeLlavaModel } from '../llava/make-model';
import { buildGqaDecoderGraph } from './decoder-graph';

export const GQA_KV_HEADS = 2;

/**
 * `windows` gives each decoder layer a sliding window (local_window_size; −1 global) and `softcap` caps every
 * layer's scores, as Gemma-style exports do; config.json says the same (sliding_window, layer_types,
 * attn_logit_softcapping) for anything reading it.
 */
export function makeGqaLlavaModel({
  seed = 42,
  qkOutput = false,
  windows,
  softcap,
}: { seed?: number; qkOutput?: boolean; windows?: readonly number[]; softcap?: number } = {}): Map<string, Uint8Array> {
  const llava = makeLlavaModel({ size: 'tiny', dtype: 'fp32', seed });
  const files = new Map(llava.files);
  const config = JSON.parse(new TextDecoder().decode(files.get('config.json'))) as {
    text_config: Record<string, unknown>;
  };
  config.text_config.num_key_value_heads = GQA_KV_HEADS;
  if (windows) {
    config.text_config.sliding_window = Math.max(...windows);
    config.text_config.layer_types = windows.map((w) => (w >= 0 ? 'sliding_attention' : 'full_attention'));
  }
  if (softcap !== undefined) config.text_config.attn_logit_softcapping = softcap;
  files.set('config.json', new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`));
  files.set(
    'onnx/decoder_model_merged.onnx',
    buildGqaDecoderGraph(llava.weights, 'fp32', { kvHeads: GQA_KV_HEADS, qkOutput, windows, softcap }),
  );
  return files;
}
