// A run's answers and their evidence → token records, image records and the summary. The CLI (over shard
// folders) and the site (over its captions) both call this, so their numbers are the same by construction.
import type { ItemEvidence } from '../../protocol/evidence';
import { methodsOf, type PerMethod } from '../eval/benchmark';
import type { ChairExtractor } from '../metrics/chair-mentions';
import { labelCaption } from '../labels/label';
import type { GroundTruth } from '../labels/ground-truth';
import type { BootstrapOptions } from '../stats/bootstrap';
import {
  imageRecord,
  tokenRecords,
  verdictSpans,
  type ImageRecord,
  type LabelledSpan,
  type TokenRecord,
} from './records';
import { summariseEvidence, type EvidenceSummary } from './summary';

export interface EvidenceItem {
  readonly image: string;
  readonly outputs: PerMethod<string>;
  readonly evidence?: ItemEvidence;
  /** Image tokens covered by detected objects, when a detector ran on the image. */
  readonly objectCells?: ReadonlySet<number>;
}

/** The labelled words of a caption of an image; undefined when nothing is known about the image's objects. */
export type CaptionLabeller = (caption: string, image: string) => readonly LabelledSpan[] | undefined;

export interface RunEvidence {
  readonly tokens: readonly TokenRecord[];
  readonly images: readonly ImageRecord[];
  readonly summary: EvidenceSummary;
  /** Items left out: answered without evidence (older runs), or of images with no ground truth. */
  readonly skipped: { readonly noEvidence: number; readonly noGroundTruth: number };
}

export function runEvidence(
  items: readonly EvidenceItem[],
  label: CaptionLabeller,
  bootstrap?: BootstrapOptions,
): RunEvidence {
  const tokens: TokenRecord[] = [];
  const images = new Map<string, ImageRecord>();
  let noEvidence = 0;
  let noGroundTruth = 0;
  for (const item of items) {
    if (!item.evidence) {
      noEvidence++;
      continue;
    }
    if (!images.has(item.image)) images.set(item.image, imageRecord(item.image, item.evidence.image, item.objectCells));
    let known = true;
    for (const method of methodsOf(item.outputs)) {
      const caption = item.outputs[method]!;
      const measured = item.evidence.captions[method];
      // A method answered without its attention measured (records written before methods were) adds no words.
      if (!measured) continue;
      const labels = label(caption, item.image);
      if (!labels) {
        known = false;
        continue;
      }
      tokens.push(...tokenRecords(item.image, method, caption, labels, measured));
    }
    if (!known) noGroundTruth++;
  }
  const imageList = [...images.values()];
  return {
    tokens,
    images: imageList,
    summary: summariseEvidence(tokens, imageList, bootstrap),
    skipped: { noEvidence, noGroundTruth },
  };
}

/** CHAIR's labels (grounded / hallucinated / unverifiable) against whatever ground truth knows the image. */
export function chairLabeller(
  extract: ChairExtractor,
  groundTruth: (image: string) => GroundTruth | undefined,
): CaptionLabeller {
  return (caption, image) => {
    const truth = groundTruth(image);
    return truth && verdictSpans(labelCaption(extract(caption), truth).labels);
  };
}
