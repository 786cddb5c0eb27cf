// Synthetic llava-family models with a SigLIP-like tower (no CLS token), in the layout of
// llava-hf/llava-interleave-qwen-0.5b-hf (model_type "llava") and llava-hf/llava-onevision-qwen2-0.5b-ov-hf
// (model_type "llava_onevision"): all encoder layers run (vision_feature_layer -1), every patch is an image
// token (vision_feature_select_strategy "full"), and the processor stretches the image to one square crop.
// transformers.js's onevision image processor has no anyres tiling, so only the base crop reaches the model.
import { makeLlavaModel } from '../llava/make-model';
import { gelu } from '../llava/vision-graph';
import { emitLinear } from '../llava/linear-node';
import { GraphBuilder } from '../onnx/graph-builder';
import { DataType } from '../onnx/schema';
import { patchCount } from '../llava/dims';
import { siglipTower } from '../siglip/tower';
import type { LlavaWeights } from '../llava/weights';
import { jsonFile } from '../json-file';

export type SiglipLlavaType = 'llava' | 'llava_onevision';

function buildVisionGraph(weights: LlavaWeights): Uint8Array {
  const { vision: v, text: t } = weights.dims;
  const g = new GraphBuilder('main_graph');
  const pixels = g.input('pixel_values', DataType.FLOAT, ['batch_size', 3, v.imageSize, v.imageSize]);
  const hidden = siglipTower(g, pixels, weights, 'fp32', '/vision_tower/vision_model');
  const act = gelu(
    g,
    '/multi_modal_projector/act',
    emitLinear(
      g,
      '/multi_modal_projector/linear_1',
      hidden,
      weights.vision.projector1,
      'multi_modal_projector.linear_1',
      'fp32',
    ),
  );
  const projected = emitLinear(
    g,
    '/multi_modal_projector/linear_2',
    act,
    weights.vision.projector2,
    'multi_modal_projector.linear_2',
    'fp32',
  );
  g.node('/multi_modal_projector', 'Identity', [projected], { outputNames: ['image_features'] });
  g.output('image_features', DataType.FLOAT, ['batch_size', patchCount(v), t.hidden]);
  return g.encode();
}

const parse = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;

export function makeSiglipLlavaModel({ modelType, seed = 42 }: { modelType: SiglipLlavaType; seed?: number }): {
  files: Map<string, Uint8Array>;
  outlierPatches: readonly number[];
} {
  const llava = makeLlavaModel({ size: 'tiny', dtype: 'fp32', seed });
  const { vision: v } = llava.weights.dims;
  const files = new Map(llava.files);
  const config = parse(files.get('config.json'));
  files.set(
    'config.json',
    jsonFile({
      ...config,
      architectures: [
        modelType === 'llava' ? 'LlavaForConditionalGeneration' : 'LlavaOnevisionForConditionalGeneration',
      ],
      model_type: modelType,
      vision_feature_layer: -1,
      vision_feature_select_strategy: 'full',
      vision_config: {
        ...(config.vision_config as object),
        model_type: 'siglip_vision_model',
        num_hidden_layers: llava.weights.vision.layers.length,
        hidden_act: 'gelu_pytorch_tanh',
      },
    }),
  );
  files.set(
    'preprocessor_config.json',
    jsonFile({
      ...parse(files.get('preprocessor_config.json')),
      image_processor_type: modelType === 'llava' ? 'SiglipImageProcessor' : 'LlavaOnevisionImageProcessor',
      size: { height: v.imageSize, width: v.imageSize },
      do_center_crop: false,
      crop_size: undefined,
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
    }),
  );
  files.set('onnx/vision_encoder.onnx', buildVisionGraph(llava.weights));
  return { files, outlierPatches: llava.weights.outlierPatches };
}
