// Where the objects that are really in an image come from. Sources are tried in a fixed order (the first one
// that knows the image wins): (a) the CHAIR ground-truth sets of the COCO val2014 images, (b) the person's
// own list, (c) an in-browser COCO-80 detector. Every object carries its evidence so a grounded label
// can say why it is grounded; a detector's evidence is its boxes with confidences.

export interface Box {
  /** Pixels in the original image: left, top, width, height. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Detection {
  /** The detector's own label ("motorbike" for the node word motorcycle, say). */
  readonly label: string;
  readonly box: Box;
  readonly confidence: number;
}

export type GroundTruthEvidence =
  | { readonly kind: 'coco-annotations'; readonly imageId: number }
  | { readonly kind: 'user-list'; readonly entry: string }
  | { readonly kind: 'detector'; readonly detections: readonly Detection[] };

export type GroundTruthKind = GroundTruthEvidence['kind'];

export interface GroundTruth {
  readonly kind: GroundTruthKind;
  /** Node word → why it is believed to be in the image. */
  readonly objects: ReadonlyMap<string, GroundTruthEvidence>;
}

/** What is known about the image: its file name, an id the person typed, its pixels for a detector. */
export interface ImageRef {
  readonly fileName?: string;
  readonly cocoId?: string | number;
}

export interface GroundTruthSource {
  readonly kind: GroundTruthKind;
  /** The image's objects, or undefined when this source knows nothing about the image. Synchronous: a
   * detector's source is built from detections already made, so a UI can derive labels while rendering. */
  resolve(image: ImageRef): GroundTruth | undefined;
}

/** The first source, in the given order, that knows the image. */
export function resolveGroundTruth(sources: readonly GroundTruthSource[], image: ImageRef): GroundTruth | undefined {
  for (const source of sources) {
    const found = source.resolve(image);
    if (found) return found;
  }
  return undefined;
}

export function groundTruthNodes(truth: GroundTruth): ReadonlySet<string> {
  return new Set(truth.objects.keys());
}
