// LLaVA-layout exports: the CLIP tower's layer L−2 q/k give DAMRO's faithful outlier score; SigLIP towers
// (llava-interleave, onevision) have no CLS and get the chosen, labelled substitute. One <image> token in the
// prompt stands for all image features, one per patch (the projector is per patch). LLaVA-OneVision runs as
// transformers.js runs it: its image processor has no anyres tiling, so only the base crop (the whole image at
// the tower's size) is encoded, and the outliers come from that crop, as DAMRO selects them for LLaVA-NeXT.
import { LensError } from '../../protocol/errors';
import { parseLlavaConfig } from './llava-config';
import { imageTextAdapter, type FamilyPlan, type FamilySpec } from './image-text-model';
import { pixelValuesOnly } from './pixel-values';

const spec = (family: string): FamilySpec => ({
  family,
  plan(rawConfig, generation, processor): FamilyPlan {
    const config = parseLlavaConfig(rawConfig, generation);
    // CLIP processors resize the shortest edge and centre-crop; SigLIP ones resize to size {height, width}, a stretch.
    const imageConfig = processor.image_processor!.config as {
      size?: { shortest_edge?: number; height?: number; width?: number };
      crop_size?: { height: number; width: number };
      do_center_crop?: boolean;
    };
    const size = imageConfig.size;
    const stretch = size?.shortest_edge === undefined && size?.height !== undefined && size.width !== undefined;
    const side = config.vision.imageSize / config.vision.patchSize;
    return {
      text: config.text,
      scoreLayer: config.featureLayer,
      hasCls: config.vision.hasCls,
      tokenGrid: { rows: side, cols: side },
      processorGeometry: stretch
        ? {
            shortestEdge: Math.min(size.height!, size.width!),
            crop: { height: size.height!, width: size.width! },
            resize: 'stretch',
          }
        : {
            shortestEdge: size?.shortest_edge ?? config.vision.imageSize,
            crop: imageConfig.crop_size ?? { height: config.vision.imageSize, width: config.vision.imageSize },
          },
      visionInputs: ['pixel_values'],
      preprocess: pixelValuesOnly(processor),
      tokenScores: (patchScores) => patchScores,
      promptIds(text) {
        const ids = processor.tokenizer!.encode(text);
        const start = ids.indexOf(config.imageTokenId);
        if (start < 0 || ids.indexOf(config.imageTokenId, start + 1) >= 0) {
          throw new LensError(
            'unsupported-model',
            `The chat template must place exactly one image token in the prompt; it placed ${ids.filter((id) => id === config.imageTokenId).length}.`,
          );
        }
        return { ids, start, count: 1 };
      },
    };
  },
});

export const llavaAdapter = imageTextAdapter(spec('llava'));
export const llavaOnevisionAdapter = imageTextAdapter(spec('llava_onevision'));
