// The synthetic detector through transformers.js's object-detection pipeline and the engine's 'detect/run',
// against the factory's float64 reference and a hand-computed score; then a caption labelled with the
// detections as ground truth.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetectorGroundTruthSource } from '../../src/core/labels/detector-source';
import { labelCaption } from '../../src/core/labels/label';
import { createEngine, type EngineApi } from '../../src/engine/engine';
import type { DetectorLoader } from '../../src/engine/detect/detect';
import { RawImage } from '../../src/engine/runtime/hf';
import { DETR_LABELS, referenceDetector } from '../../src/factory';
import { LensError } from '../../src/protocol/errors';
import type { ImageInput } from '../../src/protocol/messages';
import { chairSetup } from '../unit/core/chair/setup';
import { DETECTOR_ID, prototypeBytes, quadrantImage, syntheticDetectorFolder } from '../support/synthetic-detector';

const W = 64;
const H = 48;
// dog, cat, tv prototypes and an off-grid orange that is nearest the boat prototype (0.75, 1/3, 0).
const COLOURS = [prototypeBytes('dog'), prototypeBytes('cat'), prototypeBytes('tv'), [200, 100, 30] as const];
const pixels = quadrantImage(W, H, COLOURS);
const rgba = (): ImageInput => {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let i = 0; i < W * H; i++) data.set([...pixels.subarray(i * 3, i * 3 + 3), 255], i * 4);
  return { kind: 'rgba', width: W, height: H, data };
};

let root: string;
let load: DetectorLoader;
let engine: EngineApi;

beforeAll(async () => {
  ({ root, load } = await syntheticDetectorFolder());
  engine = createEngine({
    env: { gpu: undefined, crossOriginIsolated: false, ortVersion: 'node', transformersVersion: 'node' },
    loadModel: () => Promise.reject(new Error('no captioning model in this test')),
    loadDetector: load,
    emit: () => undefined,
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('synthetic detector fixture', () => {
  it('has DETR’s COCO label ids: 91 names with N/A gaps, person at 1 and toothbrush at 90', () => {
    expect(DETR_LABELS).toHaveLength(91);
    expect(DETR_LABELS.filter((l) => l === 'N/A')).toHaveLength(11);
    expect([DETR_LABELS[0], DETR_LABELS[1], DETR_LABELS[12], DETR_LABELS[13], DETR_LABELS[90]]).toEqual([
      'N/A',
      'person',
      'N/A',
      'stop sign',
      'toothbrush',
    ]);
  });

  it('loads with transformers.js’s object-detection pipeline and matches the float64 reference', async () => {
    const detector = await load(DETECTOR_ID);
    expect(detector.synthetic).toBe(true);
    const found = await detector.detect(new RawImage(pixels, W, H, 3), 0.1);
    const reference = referenceDetector(pixels, W, H, 3);
    expect(reference.map((q) => q.label)).toEqual(['dog', 'cat', 'tv', 'boat']);
    expect(found.map((d) => d.label)).toEqual(['dog', 'cat', 'tv', 'boat']);
    found.forEach((d, q) => {
      expect(d.score).toBeCloseTo(reference[q].probability, 5);
      const [cx, cy, w, h] = reference[q].box;
      expect(d.box.xmin).toBeCloseTo(cx - w / 2, 6);
      expect(d.box.ymax).toBeCloseTo(cy + h / 2, 6);
    });
    // Hand check of the top-right quadrant, exactly the cat prototype (0, 1, 0): the cat logit is 0, the
    // no-object logit -100·0.03 = -3, the nearest other prototypes lie 0.25 (red) and 1/3 (green, blue) away:
    // 1 / (1 + e^-3 + e^-6.25 + 2·e^-11.11) = 0.950799.
    expect(found[1].score).toBeCloseTo(0.950799, 5);
    await detector.dispose();
  });
});

describe("engine 'detect/run'", () => {
  it('returns the predicted detections with boxes in original-image pixels, best first, above the threshold', async () => {
    const result = await engine['detect/run']({ image: rgba(), modelId: DETECTOR_ID, threshold: 0.8 });
    expect(result).toMatchObject({ modelId: DETECTOR_ID, synthetic: true, width: W, height: H });
    // The boat quadrant scores 0.73 and falls under 0.8.
    expect(result.detections.map((d) => d.label)).toEqual(['cat', 'dog', 'tv']);
    const dog = result.detections[1];
    // Quadrant box shrunk to 0.4 of the image around (0.25, 0.25): x 0.05·64, y 0.05·48, 0.4·64 × 0.4·48.
    expect(dog.box.x).toBeCloseTo(3.2, 4);
    expect(dog.box.y).toBeCloseTo(2.4, 4);
    expect(dog.box.width).toBeCloseTo(25.6, 4);
    expect(dog.box.height).toBeCloseTo(19.2, 4);
    const lower = await engine['detect/run']({ image: rgba(), modelId: DETECTOR_ID, threshold: 0.5 });
    expect(lower.detections.map((d) => d.label)).toEqual(['cat', 'dog', 'tv', 'boat']);
  });

  it('refuses a bad threshold and names a detector that cannot be found', async () => {
    await expect(engine['detect/run']({ image: rgba(), modelId: DETECTOR_ID, threshold: 2 })).rejects.toMatchObject({
      code: 'bad-request',
    });
    const missing = engine['detect/run']({ image: rgba(), modelId: 'no-such-detector', threshold: 0.5 });
    await expect(missing).rejects.toBeInstanceOf(LensError);
    await expect(missing).rejects.toMatchObject({ code: 'model-not-found' });
  });

  it('labels a caption with the detections: grounded words carry their boxes, others are hallucinated', async () => {
    const { synonyms, extract } = chairSetup();
    const result = await engine['detect/run']({ image: rgba(), modelId: DETECTOR_ID, threshold: 0.5 });
    const source = createDetectorGroundTruthSource(result.detections, 0.9, synonyms);
    const truth = source.resolve({});
    if (!truth) throw new Error('a detector that ran always knows the image');
    expect([...truth.objects.keys()].sort()).toEqual(['cat', 'dog', 'tv']);
    // "watching" is a verb to NLTK's tagger ("watch" here would be a noun, an unverifiable word).
    const caption = 'A puppy and a kitten are watching television on a boat.';
    const labels = labelCaption(extract(caption), truth);
    const marks = labels.labels.map((l) => [l.kind, caption.slice(l.start, l.end)]);
    expect(marks).toEqual([
      ['grounded', 'puppy'],
      ['grounded', 'kitten'],
      ['grounded', 'television'],
      ['hallucinated', 'boat'],
    ]);
    const puppy = labels.labels[0];
    if (puppy.kind !== 'grounded' || puppy.evidence.kind !== 'detector')
      throw new Error('puppy should be grounded by the detector');
    expect(puppy.evidence.detections).toHaveLength(1);
    expect(puppy.evidence.detections[0].label).toBe('dog');
    expect(puppy.evidence.detections[0].box.x).toBeCloseTo(3.2, 4);
    expect(labels.scores.chairI).toBeCloseTo(1 / 4, 10);
    expect(labels.scores.chairS).toBe(1);
  });
});
