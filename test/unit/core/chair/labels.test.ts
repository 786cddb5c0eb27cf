// Ground-truth sources (COCO CHAIR sets, the person's list), their order, word labels with evidence, and the
// baseline-vs-DAMRO comparison.
import { describe, expect, it } from 'vitest';
import { cocoImageId, createCocoGroundTruthSource } from '../../../../src/core/labels/coco-source';
import { compareCaptions } from '../../../../src/core/labels/compare';
import { resolveGroundTruth, type GroundTruth } from '../../../../src/core/labels/ground-truth';
import { labelCaption } from '../../../../src/core/labels/label';
import { createUserListGroundTruthSource } from '../../../../src/core/labels/user-list-source';
import { LensError } from '../../../../src/protocol/errors';
import { repoData } from '../../../support/repo-data';
import { CHAIR_GT, chairSetup } from './setup';

const { synonyms, extract } = chairSetup();

describe('COCO CHAIR ground truth', () => {
  const coco = createCocoGroundTruthSource(CHAIR_GT);

  it('covers exactly the 500 CHAIR images, with 3 to 10 node words each', () => {
    const images = repoData('coder-gx__DAMRO/data/chair/coco_pope_random.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).image_id as number);
    expect(new Set(images).size).toBe(500);
    expect(
      Object.keys(CHAIR_GT)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([...images].sort((a, b) => a - b));
    const sizes = Object.values(CHAIR_GT).map((v) => v.length);
    expect(Math.min(...sizes)).toBe(3);
    expect(Math.max(...sizes)).toBe(10);
    for (const nodes of Object.values(CHAIR_GT)) for (const n of nodes) expect(synonyms.nodes).toContain(n);
  });

  it('recognises a val2014 file name or a typed id', () => {
    expect(cocoImageId({ fileName: 'photos/COCO_val2014_000000310196.jpg' })).toBe(310196);
    expect(cocoImageId({ cocoId: ' 000000310196 ' })).toBe(310196);
    expect(cocoImageId({ cocoId: 310196 })).toBe(310196);
    expect(cocoImageId({ fileName: 'COCO_train2014_000000310196.jpg' })).toBeUndefined();
    expect(cocoImageId({ fileName: 'holiday.jpg', cocoId: 'abc' })).toBeUndefined();
    const truth = coco.resolve({ fileName: 'COCO_val2014_000000310196.jpg' });
    expect([...(truth?.objects.keys() ?? [])]).toEqual(['person', 'skis', 'snowboard']);
    expect(truth?.objects.get('skis')).toEqual({ kind: 'coco-annotations', imageId: 310196 });
    expect(coco.resolve({ cocoId: 1 })).toBeUndefined();
  });

  it('rejects a file that is not an id → node-words map', () => {
    expect(() => createCocoGroundTruthSource({ abc: ['dog'] })).toThrow(LensError);
  });
});

describe('user list and source order', () => {
  it('reads entries through the CHAIR rules and reports the unrecognised ones', () => {
    const source = createUserListGroundTruthSource(
      ['two dogs', 'a TV', 'dining table', 'unicorn', ' '],
      synonyms,
      extract,
    );
    const truth = source.resolve({});
    expect([...(truth?.objects.entries() ?? [])]).toEqual([
      ['dog', { kind: 'user-list', entry: 'two dogs' }],
      ['tv', { kind: 'user-list', entry: 'a TV' }],
      ['dining table', { kind: 'user-list', entry: 'dining table' }],
    ]);
    expect(source.unrecognised).toEqual(['unicorn']);
  });

  it('prefers COCO for a CHAIR image and falls back to the list otherwise', () => {
    const sources = [
      createCocoGroundTruthSource(CHAIR_GT),
      createUserListGroundTruthSource(['cat'], synonyms, extract),
    ];
    expect(resolveGroundTruth(sources, { cocoId: 310196 })?.kind).toBe('coco-annotations');
    expect(resolveGroundTruth(sources, { fileName: 'cat.png' })?.kind).toBe('user-list');
    expect(resolveGroundTruth([createUserListGroundTruthSource([], synonyms, extract)], {})).toBeUndefined();
  });
});

describe('labelCaption and compareCaptions', () => {
  const truth: GroundTruth = {
    kind: 'coco-annotations',
    objects: new Map(CHAIR_GT['310196'].map((n) => [n, { kind: 'coco-annotations', imageId: 310196 } as const])),
  };

  it('colours grounded, hallucinated and unverifiable words at their exact spans', () => {
    const caption = 'A skier with skis and a dog on a snowy hill.';
    const labels = labelCaption(extract(caption), truth);
    // NLTK tags "snowy" NN here, so it is an (unverifiable) noun like "hill".
    expect(labels.labels.map((l) => [l.kind, caption.slice(l.start, l.end)])).toEqual([
      ['grounded', 'skier'],
      ['grounded', 'skis'],
      ['hallucinated', 'dog'],
      ['unverifiable', 'snowy'],
      ['unverifiable', 'hill'],
    ]);
    expect(labels.counts).toEqual({ grounded: 2, hallucinated: 1, unverifiable: 2, unchecked: 0 });
    expect(labels.missedObjects).toEqual(['snowboard']);
    expect(labels.scores.chairI).toBeCloseTo(1 / 3, 12);
  });

  it('says what DAMRO removed and introduced', () => {
    const baseline = labelCaption(extract('A man on skis with a dog and a car.'), truth);
    const damro = labelCaption(extract('A man on skis holding a snowboard and a cup.'), truth);
    const diff = compareCaptions(baseline, damro);
    expect(diff).toMatchObject({
      removedHallucinations: ['car', 'dog'],
      introducedHallucinations: ['cup'],
      sharedHallucinations: [],
      hallucinatedDelta: -1,
      groundedDelta: 1,
      chairSDelta: 0,
    });
    expect(diff.chairIDelta).toBeCloseTo(1 / 4 - 2 / 4, 12);
    expect(diff.recallDelta).toBeCloseTo(3 / 3 - 2 / 3, 12);
  });
});
