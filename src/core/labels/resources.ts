// Everything the caption labels need, built once from the served data and the (lazily loaded) tagger, and the
// fixed order of ground-truth sources: (a) COCO CHAIR sets for a COCO val2014 image, (b) the person's list,
// (c) the detector's findings above the threshold.
import type { ObjectMatcher } from '../caption-objects/matcher';
import { createChairMatcher } from '../caption-objects/chair-matcher';
import { createChairExtractor, type ChairExtractor } from '../metrics/chair-mentions';
import { parseSynonymTable, type SynonymTable } from '../metrics/chair-synonyms';
import { createLemmatizer, type WordNetLexicon } from '../text/morphy';
import type { PosTagger } from '../text/pos-tagger';
import type { DetectedObject } from '../../protocol/messages';
import { createCocoGroundTruthSource } from './coco-source';
import { createDetectorGroundTruthSource } from './detector-source';
import type { GroundTruth, GroundTruthSource, ImageRef } from './ground-truth';
import { createUserListGroundTruthSource } from './user-list-source';

export interface LabelResources {
  readonly synonyms: SynonymTable;
  readonly extract: ChairExtractor;
  readonly coco: GroundTruthSource;
  readonly matcher: ObjectMatcher;
}

export interface LabelData {
  readonly synonymsText: string;
  readonly chairGt: Readonly<Record<string, readonly string[]>>;
  readonly tagger: PosTagger;
  readonly lexicon: WordNetLexicon;
}

export function createLabelResources({ synonymsText, chairGt, tagger, lexicon }: LabelData): LabelResources {
  const synonyms = parseSynonymTable(synonymsText);
  const extract = createChairExtractor({ synonyms, tagger, lemmatize: createLemmatizer(lexicon) });
  return { synonyms, extract, coco: createCocoGroundTruthSource(chairGt), matcher: createChairMatcher(extract) };
}

export interface GroundTruthInputs {
  readonly image: ImageRef;
  readonly userList: readonly string[];
  /** Detections of this image at or above a floor, if the detector has run; filtered here by `threshold`. */
  readonly detections?: readonly DetectedObject[];
  readonly threshold: number;
}

export interface ChosenGroundTruth {
  readonly truth?: GroundTruth;
  /** List entries or detector labels that name no COCO object. */
  readonly unrecognised: readonly string[];
  /** Neither COCO nor the list knows the image: the detector is the source (its result may still be pending). */
  readonly needsDetector: boolean;
}

export function chooseGroundTruth(resources: LabelResources, inputs: GroundTruthInputs): ChosenGroundTruth {
  const list = createUserListGroundTruthSource(inputs.userList, resources.synonyms, resources.extract);
  const truth = resources.coco.resolve(inputs.image) ?? list.resolve(inputs.image);
  if (truth) return { truth, unrecognised: truth.kind === 'user-list' ? list.unrecognised : [], needsDetector: false };
  if (!inputs.detections) return { unrecognised: list.unrecognised, needsDetector: true };
  const detector = createDetectorGroundTruthSource(inputs.detections, inputs.threshold, resources.synonyms);
  return {
    truth: detector.resolve(inputs.image),
    unrecognised: [...list.unrecognised, ...detector.unrecognised],
    needsDetector: true,
  };
}
