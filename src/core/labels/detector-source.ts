// Ground truth (c): what a COCO object detector found, kept when its score reaches the person's threshold.
// A detector label becomes a node word through the CHAIR synonym table (a DETR "tv" is the node tv, a
// detector that says "motorbike" counts as motorcycle); labels the table does not know are returned so the
// UI can say which ones it ignored. Each node word keeps its boxes, best first, as the evidence.
import type { DetectedObject } from '../../protocol/messages';
import type { SynonymTable } from '../metrics/chair-synonyms';
import type { Detection, GroundTruth, GroundTruthEvidence, GroundTruthSource } from './ground-truth';

export interface DetectorSource extends GroundTruthSource {
  readonly unrecognised: readonly string[];
}

export function createDetectorGroundTruthSource(
  detections: readonly DetectedObject[],
  threshold: number,
  synonyms: SynonymTable,
): DetectorSource {
  const byNode = new Map<string, Detection[]>();
  const unrecognised = new Set<string>();
  for (const d of [...detections].sort((a, b) => b.score - a.score)) {
    if (d.score < threshold) continue;
    const node = synonyms.nodeOf.get(d.label.trim().toLowerCase());
    if (node === undefined) {
      unrecognised.add(d.label);
      continue;
    }
    const list = byNode.get(node) ?? [];
    list.push({ label: d.label, box: d.box, confidence: d.score });
    byNode.set(node, list);
  }
  const objects = new Map<string, GroundTruthEvidence>(
    [...byNode].map(([node, list]) => [node, { kind: 'detector', detections: list }]),
  );
  const truth: GroundTruth = { kind: 'detector', objects };
  return {
    kind: 'detector',
    unrecognised: [...unrecognised],
    // A detector that ran knows the image even when it found nothing: an empty set makes every mention a
    // hallucination, which is what the detector says.
    resolve(): GroundTruth | undefined {
      return truth;
    },
  };
}
