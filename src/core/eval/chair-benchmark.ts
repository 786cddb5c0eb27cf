// CHAIR (src/core/damro-spec.md §3.2): one short caption per image of the 500-image list; mentions are extracted from
// each caption and checked against the image's ground-truth objects (both injected: the tagger and the GT are large).
import { LensError } from '../../protocol/errors';
import { scoreChair, type ChairSample } from '../metrics/chair';
import { methodsOf, perMethod, sourceText, valueOf, type Benchmark, type EvalItem } from './benchmark';
import { field, parseJsonLines } from './records';

export interface ChairItem extends EvalItem {
  readonly imageId: number;
}

const SOURCE = 'coder-gx__DAMRO/data/chair/coco_pope_random.jsonl';
export const CHAIR_PROMPT = 'Generate a short caption of this image.';

const METRICS = [
  { name: 'chairS', label: 'CHAIR_s (%, lower is better)', percent: true },
  { name: 'chairI', label: 'CHAIR_i (%, lower is better)', percent: true },
  { name: 'recall', label: 'Recall (%)', percent: true },
  { name: 'mentions', label: 'Object mentions', percent: false },
] as const;

export const chairBenchmark: Benchmark<ChairItem> = {
  name: 'chair',
  label: 'CHAIR (500 COCO images)',
  splits: ['coco500'],
  sources: () => [SOURCE],
  parse(files) {
    const text = sourceText(files, SOURCE, 'CHAIR image list');
    return parseJsonLines(text, 'CHAIR image list').map(({ record, where }) => {
      const imageId = field(record, 'image_id', 'number', where);
      return { key: String(imageId), image: field(record, 'image', 'string', where), prompt: CHAIR_PROMPT, imageId };
    });
  },
  record: (item, output, modelId) => ({
    image_id: item.imageId,
    caption: output,
    model_id: modelId,
    image: item.image,
  }),
  readRecord: (record, where) => ({
    key: String(field(record, 'image_id', 'number', where)),
    output: field(record, 'caption', 'string', where),
  }),
  score(items, outputs, split, context) {
    const chair = context.chair;
    if (!chair)
      throw new LensError(
        'internal',
        'CHAIR scoring needs the caption extractor and the ground truth; load them first.',
      );
    const truths = items.map((item) => {
      const truth = chair.groundTruth(item.imageId);
      if (!truth)
        throw new LensError(
          'bad-request',
          `Image ${item.imageId} has no CHAIR ground truth; only the 500 CHAIR images can be scored.`,
        );
      return truth;
    });
    const methods = methodsOf(outputs);
    const scores = perMethod(methods, (method) => {
      const samples: ChairSample[] = items.map((_, i) => ({
        nodes: chair.nodesOf(valueOf(outputs, method)[i]),
        groundTruth: truths[i],
      }));
      return scoreChair(samples);
    });
    const values = Object.fromEntries(
      METRICS.map((m) => [m.name, perMethod(methods, (method) => valueOf(scores, method)[m.name])]),
    );
    return {
      benchmark: 'chair',
      split,
      metrics: METRICS,
      rows: [{ group: split, values }],
      notes: [`${items.length} captions`],
    };
  },
};
