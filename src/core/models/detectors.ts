// Object detectors the ground truth can come from when neither COCO annotations nor a person's list know the
// image. A detector is a transformers.js object-detection model with COCO labels (DETR, YOLOS).

export interface DetectorEntry {
  readonly id: string;
  readonly label: string;
  /** 'site': served by this site under models/{id}/, offline; 'hub': downloaded from the Hugging Face Hub. */
  readonly location: 'site' | 'hub';
  /** Not a trained detector: its boxes show the machinery, not what is in the picture. */
  readonly synthetic: boolean;
}

export const SYNTHETIC_DETECTOR_NOTICE =
  'Synthetic detector: it names a COCO object from the mean colour of each image quadrant. Its boxes are not real detections; load a real detector for those.';

export const DETECTOR_CATALOG: readonly DetectorEntry[] = [
  {
    id: 'synthetic-detr-tiny',
    label: 'Synthetic DETR (built in, colour quadrants)',
    location: 'site',
    synthetic: true,
  },
  { id: 'Xenova/detr-resnet-50', label: 'DETR ResNet-50 (Hub, ~170 MB)', location: 'hub', synthetic: false },
  { id: 'Xenova/yolos-tiny', label: 'YOLOS tiny (Hub, ~26 MB)', location: 'hub', synthetic: false },
];

export const DEFAULT_DETECTOR = DETECTOR_CATALOG[0].id;

export function detectorEntry(id: string): DetectorEntry | undefined {
  return DETECTOR_CATALOG.find((entry) => entry.id === id);
}
