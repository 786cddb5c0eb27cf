// Ground truth (a): the CHAIR sets of the 500 CHAIR images (COCO instances + captions through the synonym
// rules, extracted from the reference evaluator; public/data/coder-gx__DAMRO/derived/chair_gt_objects_500.json).
// The JSON is passed in. An image is recognised by a COCO val2014 file name or by an id the person typed.
import { LensError } from '../../protocol/errors';
import type { GroundTruth, GroundTruthEvidence, GroundTruthSource, ImageRef } from './ground-truth';

const COCO_FILE = /(?:^|[\\/])COCO_val2014_(\d{12})\.jpe?g$/i;

/** The COCO id in a val2014 file name or a typed id ("310196", "000000310196"), else undefined. */
export function cocoImageId(image: ImageRef): number | undefined {
  const fromName = image.fileName ? COCO_FILE.exec(image.fileName.trim()) : null;
  if (fromName) return Number(fromName[1]);
  const typed = typeof image.cocoId === 'number' ? String(image.cocoId) : image.cocoId?.trim();
  return typed && /^\d{1,12}$/.test(typed) ? Number(typed) : undefined;
}

export function createCocoGroundTruthSource(chairGt: Readonly<Record<string, readonly string[]>>): GroundTruthSource {
  const byId = new Map<number, readonly string[]>();
  for (const [id, nodes] of Object.entries(chairGt)) {
    if (!/^\d+$/.test(id) || !Array.isArray(nodes)) {
      throw new LensError(
        'bad-request',
        `The CHAIR ground-truth file has a bad entry "${id}"; it must map COCO image ids to lists of node words. Use chair_gt_objects_500.json as shipped.`,
      );
    }
    byId.set(Number(id), nodes);
  }
  return {
    kind: 'coco-annotations',
    resolve(image: ImageRef): GroundTruth | undefined {
      const imageId = cocoImageId(image);
      const nodes = imageId === undefined ? undefined : byId.get(imageId);
      if (imageId === undefined || !nodes) return undefined;
      const evidence: GroundTruthEvidence = { kind: 'coco-annotations', imageId };
      return { kind: 'coco-annotations', objects: new Map(nodes.map((n) => [n, evidence])) };
    },
  };
}
