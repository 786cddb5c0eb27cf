// The spec's worked example (src/core/damro-spec.md §3.2) end to end, and CHAIR over several captions by hand.
import { describe, expect, it } from 'vitest';
import { scoreChair } from '../../../../src/core/metrics/chair';
import type { GroundTruth } from '../../../../src/core/labels/ground-truth';
import { labelCaption } from '../../../../src/core/labels/label';
import { chairSetup } from './setup';

const CAPTION = 'A man and two dogs sit on a couch near a television.';
const evidence = { kind: 'user-list', entry: 'test' } as const;
const GT: GroundTruth = {
  kind: 'user-list',
  objects: new Map(['person', 'couch', 'dining table'].map((n) => [n, evidence])),
};

describe('spec worked example', () => {
  const { extract } = chairSetup();
  const parse = extract(CAPTION);

  it('finds man → person, dogs → dog, couch, television → tv with their spans', () => {
    expect(parse.mentions.map((m) => [m.word, m.node, CAPTION.slice(m.start, m.end)])).toEqual([
      ['man', 'person', 'man'],
      ['dog', 'dog', 'dogs'],
      ['couch', 'couch', 'couch'],
      ['television', 'tv', 'television'],
    ]);
    expect(parse.mentions[1]).toMatchObject({ start: 14, end: 18 });
  });

  it('labels dog and tv hallucinated: CHAIR_s 1, CHAIR_i 2/4, recall 2/3', () => {
    const labelled = labelCaption(parse, GT);
    expect(labelled.hallucinatedObjects).toEqual(['dog', 'tv']);
    expect(labelled.counts).toMatchObject({ grounded: 2, hallucinated: 2 });
    expect(labelled.scores).toMatchObject({
      chairS: 1,
      chairI: 0.5,
      mentions: 4,
      hallucinatedMentions: 2,
      groundTruthMentioned: 2,
      groundTruthObjects: 3,
    });
    expect(labelled.scores.recall).toBeCloseTo(2 / 3, 12);
    expect(labelled.mentionedObjects).toEqual(['couch', 'person']);
    expect(labelled.missedObjects).toEqual(['dining table']);
    const grounded = labelled.labels.find((l) => l.kind === 'grounded');
    expect(grounded).toMatchObject({ start: 2, end: 5, evidence });
  });
});

describe('scoreChair over many captions', () => {
  it('micro-averages CHAIR_i and recall, counts captions for CHAIR_s', () => {
    const scores = scoreChair([
      { nodes: ['person', 'dog', 'couch', 'tv'], groundTruth: new Set(['person', 'couch', 'dining table']) },
      { nodes: ['cat', 'cat'], groundTruth: new Set(['cat', 'bed']) },
      { nodes: [], groundTruth: new Set(['car']) },
    ]);
    expect(scores).toMatchObject({
      captions: 3,
      hallucinatedCaptions: 1,
      mentions: 6,
      hallucinatedMentions: 2,
      groundTruthObjects: 6,
      groundTruthMentioned: 3,
    });
    expect(scores.chairS).toBeCloseTo(1 / 3, 12);
    expect(scores.chairI).toBeCloseTo(2 / 6, 12);
    expect(scores.recall).toBe(0.5);
  });

  it('reports NaN, not 0, when nothing was mentioned', () => {
    const scores = scoreChair([{ nodes: [], groundTruth: new Set() }]);
    expect(scores.chairS).toBe(0);
    expect(scores.chairI).toBeNaN();
    expect(scores.recall).toBeNaN();
  });
});
