// 'detect/run': a COCO detector over the page's image. One detector is kept loaded (the usual loop is many
// images through the same one). The engine calls it only from its ORT lane (src/engine/run/ort-lane.ts), which
// keeps detections, captioning and loads from ever using ORT at the same time.
import { LensError } from '../../protocol/errors';
import type { DetectedObject, DetectParams, DetectResult } from '../../protocol/messages';
import { decodeImageSized } from '../load/image';
import type { ObjectDetectionModel } from '../runtime/hf';

export type DetectorLoader = (modelId: string) => Promise<ObjectDetectionModel>;

export interface DetectService {
  /** Not re-entrant: the caller runs one detection at a time. */
  detect(params: DetectParams): Promise<DetectResult>;
}

function validate(params: DetectParams): void {
  if (!params.modelId.trim()) throw new LensError('bad-request', 'No detector was named; choose a detector first.');
  if (!(params.threshold >= 0 && params.threshold <= 1))
    throw new LensError('bad-request', `The detection threshold must be between 0 and 1 (got ${params.threshold}).`);
}

export function createDetectService(load: DetectorLoader | undefined): DetectService {
  let loaded: { readonly modelId: string; readonly model: Promise<ObjectDetectionModel> } | undefined;

  const modelFor = (modelId: string): Promise<ObjectDetectionModel> => {
    if (!load)
      throw new LensError(
        'unsupported-model',
        'This engine was built without an object detector; ground truth can come from COCO ids or your own list.',
      );
    if (loaded?.modelId !== modelId) {
      const previous = loaded?.model;
      const model = (async () => {
        await previous?.then(
          (m) => m.dispose(),
          () => undefined,
        );
        try {
          return await load(modelId);
        } catch (error) {
          if (error instanceof LensError) throw error;
          throw new LensError(
            'model-not-found',
            `The detector "${modelId}" could not be loaded (${error instanceof Error ? error.message : String(error)}). Check the id, or pick the built-in detector.`,
          );
        }
      })();
      model.catch(() => {
        if (loaded?.model === model) loaded = undefined;
      });
      loaded = { modelId, model };
    }
    return loaded.model;
  };

  async function run(params: DetectParams): Promise<DetectResult> {
    validate(params);
    const [model, { image, width, height }] = await Promise.all([
      modelFor(params.modelId),
      decodeImageSized(params.image),
    ]);
    // Boxes come back as fractions of the image; they are reported in the picture's own pixels, which the
    // decoded copy may be a downscaled version of.
    const found = await model.detect(image, params.threshold);
    const detections = found
      .map((d): DetectedObject => ({
        label: d.label,
        score: d.score,
        box: {
          x: d.box.xmin * width,
          y: d.box.ymin * height,
          width: (d.box.xmax - d.box.xmin) * width,
          height: (d.box.ymax - d.box.ymin) * height,
        },
      }))
      .sort((a, b) => b.score - a.score);
    return { modelId: params.modelId, synthetic: model.synthetic, width, height, detections };
  }

  return { detect: run };
}
