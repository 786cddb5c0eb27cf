// The source order the UI uses (COCO id → the person's list → the detector above its threshold) and the CHAIR
// matcher behind the visualizer's ObjectMatcher interface.
import { describe, expect, it } from 'vitest';
import { chooseGroundTruth, createLabelResources } from '../../../../src/core/labels/resources';
import { createPerceptronTagger } from '../../../../src/core/text/perceptron-tagger';
import { wordNetChairLexicon } from '../../../../src/core/text/wordnet-chair-lexicon';
import type { DetectedObject } from '../../../../src/protocol/messages';
import { CHAIR_GT, perceptronModel, SYNONYMS_TEXT } from './setup';

const resources = createLabelResources({
  synonymsText: SYNONYMS_TEXT,
  chairGt: CHAIR_GT,
  tagger: createPerceptronTagger(perceptronModel()),
  lexicon: wordNetChairLexicon(),
});
const box = { x: 1, y: 2, width: 3, height: 4 };
const detections: DetectedObject[] = [
  { label: 'dog', score: 0.95, box },
  { label: 'motorbike', score: 0.7, box },
  { label: 'N/A', score: 0.9, box },
];

describe('chooseGroundTruth', () => {
  it('takes COCO for a val2014 image even with a list and detections', () => {
    const chosen = chooseGroundTruth(resources, {
      image: { fileName: 'COCO_val2014_000000310196.jpg' },
      userList: ['cat'],
      detections,
      threshold: 0.5,
    });
    expect(chosen.truth?.kind).toBe('coco-annotations');
    expect(chosen.needsDetector).toBe(false);
  });

  it('takes the list next, reporting entries that name no COCO object', () => {
    const chosen = chooseGroundTruth(resources, {
      image: { fileName: 'holiday.jpg' },
      userList: ['puppies', 'unicorn'],
      detections,
      threshold: 0.5,
    });
    expect(chosen.truth?.kind).toBe('user-list');
    expect([...(chosen.truth?.objects.keys() ?? [])]).toEqual(['dog']);
    expect(chosen.unrecognised).toEqual(['unicorn']);
  });

  it('asks for the detector otherwise and keeps its findings at or above the threshold, mapped to node words', () => {
    expect(chooseGroundTruth(resources, { image: {}, userList: [], threshold: 0.5 })).toEqual({
      unrecognised: [],
      needsDetector: true,
    });
    const high = chooseGroundTruth(resources, { image: {}, userList: [], detections, threshold: 0.8 });
    expect([...(high.truth?.objects.keys() ?? [])]).toEqual(['dog']);
    expect(high.unrecognised).toEqual(['N/A']);
    const low = chooseGroundTruth(resources, { image: {}, userList: [], detections, threshold: 0.7 });
    expect([...(low.truth?.objects.keys() ?? [])]).toEqual(['dog', 'motorcycle']);
    expect(low.truth?.objects.get('motorcycle')).toEqual({
      kind: 'detector',
      detections: [{ label: 'motorbike', box, confidence: 0.7 }],
    });
  });
});

describe('CHAIR matcher', () => {
  const caption = 'Two dogs chase a motorbike past a bench in the park.';

  it('labels mentions with exact spans, nouns outside CHAIR as unverifiable, and scores the caption', () => {
    const truth = chooseGroundTruth(resources, { image: {}, userList: [], detections, threshold: 0.5 }).truth;
    const labels = resources.matcher.label(caption, truth);
    expect(labels.labels.map((l) => [l.kind, caption.slice(l.start, l.end)])).toEqual([
      ['grounded', 'dogs'],
      ['grounded', 'motorbike'],
      ['hallucinated', 'bench'],
      ['unverifiable', 'park'],
    ]);
    expect(labels.counts).toEqual({ grounded: 2, hallucinated: 1, unverifiable: 1, unchecked: 0 });
    expect(labels.scores.chairS).toBe(1);
    expect(labels.scores.chairI).toBeCloseTo(1 / 3, 12);
  });

  it('without ground truth gives no verdict: the three mentions are unchecked, the non-CHAIR noun unverifiable, CHAIR undefined', () => {
    const labels = resources.matcher.label(caption, undefined);
    expect(labels.labels.map((l) => [l.kind, caption.slice(l.start, l.end)])).toEqual([
      ['unchecked', 'dogs'],
      ['unchecked', 'motorbike'],
      ['unchecked', 'bench'],
      ['unverifiable', 'park'],
    ]);
    expect(labels.counts).toEqual({ grounded: 0, hallucinated: 0, unverifiable: 1, unchecked: 3 });
    expect(labels.scores.chairI).toBeNaN();
  });
});
