// The CHAIR labeller behind ObjectMatcher. A streaming caption is re-labelled at every token and the same two
// captions are re-labelled whenever the ground truth changes (threshold slider), so parses are cached by text.
import type { ChairExtractor, ChairParse } from '../metrics/chair-mentions';
import type { GroundTruth } from '../labels/ground-truth';
import { labelCaption } from '../labels/label';
import type { ObjectMatcher } from './matcher';

const EMPTY: GroundTruth = { kind: 'user-list', objects: new Map() };
const CACHE_SIZE = 256;

export function createChairMatcher(extract: ChairExtractor): ObjectMatcher {
  const parses = new Map<string, ChairParse>();
  const parse = (caption: string): ChairParse => {
    let found = parses.get(caption);
    if (!found) {
      if (parses.size >= CACHE_SIZE) parses.delete(parses.keys().next().value as string);
      found = extract(caption);
      parses.set(caption, found);
    }
    return found;
  };
  return {
    label(caption, truth) {
      const parsed = parse(caption);
      if (truth) return labelCaption(parsed, truth);
      const unchecked = labelCaption(parsed, EMPTY);
      return {
        ...unchecked,
        labels: unchecked.labels.map((l) =>
          l.kind === 'hallucinated' ? { kind: 'unchecked', start: l.start, end: l.end, mention: l.mention } : l,
        ),
        counts: {
          grounded: 0,
          hallucinated: 0,
          unverifiable: unchecked.counts.unverifiable,
          unchecked: unchecked.counts.hallucinated,
        },
        scores: {
          ...unchecked.scores,
          hallucinatedCaptions: 0,
          hallucinatedMentions: 0,
          chairS: Number.NaN,
          chairI: Number.NaN,
          recall: Number.NaN,
        },
        hallucinatedObjects: [],
      };
    },
  };
}
