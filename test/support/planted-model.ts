// A synthetic captioning model with the paper's effect planted, or not: it writes "a G and a H and …" where G
// are objects of the image's CHAIR ground truth and H are not, and its decoder attention puts a share s of
// every layer's image attention on the encoder's two outliers. Planted: in the upper half of the layers s is
// higher when the token being written is a hallucinated object (s ~ U(0.45, 0.85)) than a grounded one
// (U(0.10, 0.50)); control: s ~ U(0.10, 0.85) for every object. DAMRO's caption drops the last hallucination.
// The image is identified by its bytes (the test writes each file's own name into it).
import { createRng } from '../../src/core/decoding/rng';
import { cocoImageId } from '../../src/core/labels/coco-source';
import type { DecoderRunner, RowSpec, StepOutput } from '../../src/engine/decode/runner';
import type { EncodedImage, ImageRowContent, LoadedModel } from '../../src/engine/model';
import type { ImageInput } from '../../src/protocol/messages';

const OBJECT_POOL = [
  'dog',
  'cat',
  'horse',
  'bus',
  'train',
  'car',
  'bicycle',
  'boat',
  'bird',
  'sheep',
  'cow',
  'clock',
  'truck',
  'bench',
  'person',
  'umbrella',
  'bed',
  'sink',
  'pizza',
  'kite',
];
const VOCAB = ['<eos>', 'a', 'and', ...OBJECT_POOL];
const EOS = 0;
const GRID = { rows: 4, cols: 4 };
const TOKENS = GRID.rows * GRID.cols;
export const PLANTED_OUTLIERS = [5, 10];
export const PLANTED_LAYERS = 4;
const HEADS = 2;

interface Script {
  readonly ids: readonly number[];
  /** Per token: 'hallucinated' | 'grounded' | null (not an object). */
  readonly kinds: readonly ('hallucinated' | 'grounded' | null)[];
}

function script(groundTruth: ReadonlySet<string>, seed: number, damro: boolean): Script {
  const rng = createRng(seed);
  const pick = (pool: readonly string[], n: number) =>
    [...pool]
      .sort((a, b) => a.localeCompare(b))
      .map((w) => ({ w, r: rng() }))
      .sort((a, b) => a.r - b.r)
      .slice(0, n)
      .map((x) => x.w);
  const grounded = pick(
    OBJECT_POOL.filter((w) => groundTruth.has(w)),
    3,
  );
  const hallucinated = pick(
    OBJECT_POOL.filter((w) => !groundTruth.has(w)),
    damro ? 2 : 3,
  );
  const objects = [
    ...grounded.map((w) => ({ w, kind: 'grounded' as const })),
    ...hallucinated.map((w) => ({ w, kind: 'hallucinated' as const })),
  ]
    .map((o) => ({ ...o, r: rng() }))
    .sort((a, b) => a.r - b.r);
  const ids: number[] = [];
  const kinds: Script['kinds'][number][] = [];
  objects.forEach((o, i) => {
    if (i > 0) {
      ids.push(VOCAB.indexOf('and'));
      kinds.push(null);
    }
    ids.push(VOCAB.indexOf('a'), VOCAB.indexOf(o.w));
    kinds.push(null, o.kind);
  });
  return { ids, kinds };
}

/** [layers, heads, tokens]: share s on the outliers (split evenly, jittered), the rest spread at random. */
function attentionFrame(shareOf: (layer: number) => number, rng: () => number): Float32Array {
  const frame = new Float32Array(PLANTED_LAYERS * HEADS * TOKENS);
  for (let l = 0; l < PLANTED_LAYERS; l++) {
    const s = shareOf(l);
    for (let h = 0; h < HEADS; h++) {
      const base = (l * HEADS + h) * TOKENS;
      const rest = Array.from({ length: TOKENS }, () => 0.2 + rng());
      const restSum = rest.reduce((a, b, i) => a + (PLANTED_OUTLIERS.includes(i) ? 0 : b), 0);
      for (let t = 0; t < TOKENS; t++)
        frame[base + t] = PLANTED_OUTLIERS.includes(t) ? 0 : ((1 - s) * rest[t]) / restSum;
      const split = 0.4 + 0.2 * rng();
      frame[base + PLANTED_OUTLIERS[0]] = s * split;
      frame[base + PLANTED_OUTLIERS[1]] = s * (1 - split);
    }
  }
  return frame;
}

class PlantedRunner implements DecoderRunner {
  private scripts: Script[] = [];
  private fed: number[] = [];
  private imageIndex = 0;

  constructor(private readonly model: PlantedModel) {}

  private output(): StepOutput {
    return {
      logits: this.scripts.map((s, row) => {
        const logits = new Float32Array(VOCAB.length);
        logits[s.ids[this.fed[row]] ?? EOS] = 30;
        return logits;
      }),
      attention: this.scripts.map((s, row) => {
        const kind = s.kinds[this.fed[row]] ?? null;
        const rng = createRng(this.imageIndex * 7919 + row * 131 + this.fed[row]);
        return attentionFrame((layer) => this.model.share(kind, layer, rng), rng);
      }),
    };
  }

  async prefill(rows: readonly RowSpec[]): Promise<StepOutput> {
    this.imageIndex = rows[0].embeds[0];
    const truth = this.model.truthOf(this.imageIndex);
    // Rows are [baseline full, DAMRO full, DAMRO outlier] as the eval path lays them out.
    this.scripts = rows.map((_, row) => script(truth, this.imageIndex + 1, row > 0));
    this.fed = rows.map(() => 0);
    return this.output();
  }

  async step(tokens: readonly (number | null)[]): Promise<StepOutput> {
    tokens.forEach((t, row) => {
      if (t !== null) this.fed[row] += 1;
    });
    return this.output();
  }

  async dispose(): Promise<void> {}
}

/** An eval loop's readImage for the planted model: each image's bytes are its own path. */
export const readPlantedImage = async (path: string): Promise<ImageInput> => ({
  kind: 'encoded',
  bytes: new TextEncoder().encode(path).buffer as ArrayBuffer,
  mime: 'image/png',
});

export class PlantedModel implements LoadedModel {
  readonly eosTokenIds = [EOS];
  readonly info = {
    id: 'synthetic-planted',
    dtype: 'fp32',
    backend: 'wasm',
    synthetic: true,
    family: 'planted',
    sessionDtypes: { vision: 'fp32', embed: 'fp32', decoder: 'fp32' },
    processor: { shortestEdge: 16, crop: { height: 16, width: 16 } },
    tokenGrid: GRID,
    scorer: { name: 'clip-single-head', faithful: true, label: 'planted' },
    decoder: { layers: PLANTED_LAYERS, heads: HEADS, vocabSize: VOCAB.length },
  } as const;
  private readonly names: string[] = [];

  constructor(
    private readonly groundTruth: Readonly<Record<string, readonly string[]>>,
    readonly planted: boolean,
  ) {}

  truthOf(index: number): ReadonlySet<string> {
    return new Set(this.groundTruth[String(cocoImageId({ fileName: this.names[index] }))] ?? []);
  }

  share(kind: 'hallucinated' | 'grounded' | null, layer: number, rng: () => number): number {
    const [lo, hi] =
      kind === null || layer < PLANTED_LAYERS / 2
        ? [0.1, 0.5]
        : !this.planted
          ? [0.1, 0.85]
          : kind === 'hallucinated'
            ? [0.45, 0.85]
            : [0.1, 0.5];
    return lo + (hi - lo) * rng();
  }

  async encodeImage(image: ImageInput): Promise<EncodedImage> {
    if (image.kind !== 'encoded') throw new Error('the planted model reads encoded bytes');
    const name = new TextDecoder().decode(image.bytes);
    let index = this.names.indexOf(name);
    if (index < 0) index = this.names.push(name) - 1;
    const rng = createRng(index + 100);
    const scores = Float32Array.from({ length: TOKENS }, (_, t) =>
      t === PLANTED_OUTLIERS[0] ? 0.4 : t === PLANTED_OUTLIERS[1] ? 0.3 : 0.02 * rng(),
    );
    // Feature norms follow the scores with noise: high-norm outliers, as in the paper.
    const features = Float32Array.from({ length: TOKENS * 2 }, (_, i) =>
      i % 2 === 0 ? index : 10 * scores[i >> 1] + 0.05 * rng(),
    );
    return { features, imageTokens: TOKENS, hidden: 2, scores };
  }

  async buildRows(
    _prompt: string,
    image: EncodedImage,
    outliers?: Int32Array,
  ): Promise<{ full: RowSpec; outlier?: RowSpec }> {
    // The image's index rides in the first embedding value, so the runner knows which caption to write.
    const row = (length: number) => ({
      embeds: new Float32Array(length).fill(image.features[0]),
      length,
      imageSpan: { start: 0, length: TOKENS },
    });
    return { full: row(TOKENS + 1), outlier: outliers && { ...row(outliers.length + 1), imageSpan: undefined } };
  }

  async buildRow(_prompt: string, image: EncodedImage, content: ImageRowContent): Promise<RowSpec> {
    const length = content.count + 1;
    const embeds = new Float32Array(length).fill(image.features[0]);
    return content.record ? { embeds, length, imageSpan: { start: 0, length: content.count } } : { embeds, length };
  }

  createRunner(): DecoderRunner {
    return new PlantedRunner(this);
  }

  detokenize(ids: readonly number[]): string {
    return ids
      .filter((id) => id !== EOS)
      .map((id) => VOCAB[id])
      .join(' ');
  }

  async dispose(): Promise<void> {}
}
