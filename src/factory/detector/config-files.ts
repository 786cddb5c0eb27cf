// config.json and preprocessor_config.json for transformers.js's `model_type: "detr"`
// (DetrForObjectDetection + DetrImageProcessor), as the object-detection pipeline loads them.
import { SYNTHETIC_DETECTOR_NOTICE } from '../../core/models/detectors';
import { DETR_LABELS } from './labels';

export function detectorConfigJson(): unknown {
  return {
    architectures: ['DetrForObjectDetection'],
    model_type: 'detr',
    num_queries: 4,
    id2label: Object.fromEntries(DETR_LABELS.map((label, id) => [String(id), label])),
    label2id: Object.fromEntries(DETR_LABELS.map((label, id) => [label, id]).filter(([label]) => label !== 'N/A')),
    'transformers.js_config': { dtype: 'fp32' },
    damro_lens_synthetic: { notice: SYNTHETIC_DETECTOR_NOTICE },
  };
}

export function detectorPreprocessorConfigJson(): unknown {
  // The longest side goes to 64 px keeping the aspect (an image already that size is left alone, which is what
  // lets a test predict the pixels exactly); values are scaled to [0, 1] and not normalised.
  return {
    image_processor_type: 'DetrImageProcessor',
    do_convert_rgb: true,
    do_resize: true,
    size: { shortest_edge: 64, longest_edge: 64 },
    resample: 2,
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: false,
    do_pad: false,
  };
}
