// The paper's two claims as statistics over a run's records: per decoder layer, hallucinated vs grounded
// object words on each measure (difference of means with a seeded bootstrap interval, the Mann–Whitney U test,
// the rank-biserial effect), for the baseline, DAMRO, each compared method and all of them together; and the
// per-image outlier facts.
import { METHODS, methodsOf, type Method } from '../eval/benchmark';
import {
  bootstrapMeanDifference,
  BOOTSTRAP_DEFAULTS,
  mean,
  type BootstrapOptions,
  type Interval,
} from '../stats/bootstrap';
import { mannWhitneyU, type MannWhitney } from '../stats/mann-whitney';
import type { ImageRecord, TokenRecord } from './records';

export type EvidenceMeasure = 'share' | 'overlap' | 'entropy';

export const EVIDENCE_MEASURES: readonly { readonly name: EvidenceMeasure; readonly label: string }[] = [
  { name: 'share', label: 'Share of image attention on the top-k outliers' },
  { name: 'overlap', label: 'Overlap of decoder and encoder top-k (consistency)' },
  { name: 'entropy', label: 'Attention entropy over the image (nats)' },
];

export type MethodGroup = Method | 'all';

/**
 * The groups a summary splits the records by: baseline and DAMRO always, each compared method with records, in
 * column order, then all of them pooled.
 */
export function methodGroups(tokens: readonly TokenRecord[]): MethodGroup[] {
  const present = Object.fromEntries([...METHODS, ...tokens.map((r) => r.method)].map((m) => [m, true]));
  return [...methodsOf(present), 'all'];
}

/** The groups of a summary, in its order. */
export const summaryGroups = (summary: EvidenceSummary): MethodGroup[] => summary.counts.map((c) => c.method);

export interface LayerComparison {
  readonly layer: number;
  readonly nHallucinated: number;
  readonly nGrounded: number;
  readonly meanHallucinated: number;
  readonly meanGrounded: number;
  /** mean(hallucinated) − mean(grounded), with its bootstrap interval. */
  readonly difference: Interval;
  /** Absent when either group has no value at this layer. */
  readonly test?: MannWhitney;
}

export interface MeasureComparison {
  readonly measure: EvidenceMeasure;
  readonly method: MethodGroup;
  readonly layers: readonly LayerComparison[];
  /** The layer with the largest |rank-biserial effect| (lowest layer on ties); undefined without any test. */
  readonly strongestLayer?: number;
  /**
   * That layer's p-value, Bonferroni-corrected for having been picked among the layers tested (p × layers,
   * at most 1): the number to read when asking "is there a separation at all?".
   */
  readonly strongestAdjustedP?: number;
}

export interface ImageSummary {
  readonly images: number;
  readonly meanTopKMass: number;
  readonly meanScoreNormSpearman: number;
  readonly meanOutliersOnBorder: number;
  readonly meanBorderChance: number;
  /** Over the images that had detections; NaN when none had. */
  readonly meanOutliersOnBackground: number;
  readonly meanBackgroundChance: number;
  readonly imagesWithDetections: number;
}

export interface EvidenceSummary {
  readonly counts: readonly {
    readonly method: MethodGroup;
    readonly grounded: number;
    readonly hallucinated: number;
    readonly unverifiable: number;
  }[];
  readonly comparisons: readonly MeasureComparison[];
  readonly images: ImageSummary;
  readonly bootstrap: BootstrapOptions;
}

/**
 * The values of one measure at one layer for the records of a label, NaN values (rows with no mass) dropped,
 * sorted: means and bootstrap draws then do not depend on the order the records came in (shards, sessions).
 */
export function layerValues(
  records: readonly TokenRecord[],
  measure: EvidenceMeasure,
  layer: number,
  label: TokenRecord['label'],
): number[] {
  return records
    .filter((r) => r.label === label)
    .map((r) => r[measure][layer])
    .filter((v) => v !== undefined && !Number.isNaN(v))
    .sort((a, b) => a - b);
}

const inGroup = (method: MethodGroup) => (r: TokenRecord) => method === 'all' || r.method === method;

function compareLayer(
  records: readonly TokenRecord[],
  measure: EvidenceMeasure,
  layer: number,
  bootstrap: BootstrapOptions,
): LayerComparison {
  const hallucinated = layerValues(records, measure, layer, 'hallucinated');
  const grounded = layerValues(records, measure, layer, 'grounded');
  return {
    layer,
    nHallucinated: hallucinated.length,
    nGrounded: grounded.length,
    meanHallucinated: mean(hallucinated),
    meanGrounded: mean(grounded),
    difference: bootstrapMeanDifference(hallucinated, grounded, bootstrap),
    ...(hallucinated.length && grounded.length ? { test: mannWhitneyU(hallucinated, grounded) } : {}),
  };
}

function strongest(layers: readonly LayerComparison[]): number | undefined {
  let best: LayerComparison | undefined;
  for (const layer of layers)
    if (layer.test && (!best || Math.abs(layer.test.effect) > Math.abs(best.test!.effect))) best = layer;
  return best?.layer;
}

const meanOf = (values: readonly (number | undefined)[]) =>
  mean(values.filter((v): v is number => v !== undefined && !Number.isNaN(v)));

export function summariseImages(images: readonly ImageRecord[]): ImageSummary {
  const detected = images.filter((i) => i.outliersOnBackground !== undefined);
  return {
    images: images.length,
    meanTopKMass: meanOf(images.map((i) => i.topKMass)),
    meanScoreNormSpearman: meanOf(images.map((i) => i.scoreNormSpearman)),
    meanOutliersOnBorder: meanOf(images.map((i) => i.outliersOnBorder)),
    meanBorderChance: meanOf(images.map((i) => i.borderChance)),
    meanOutliersOnBackground: meanOf(detected.map((i) => i.outliersOnBackground)),
    meanBackgroundChance: meanOf(detected.map((i) => i.backgroundChance)),
    imagesWithDetections: detected.length,
  };
}

export function summariseEvidence(
  tokens: readonly TokenRecord[],
  images: readonly ImageRecord[],
  bootstrap: BootstrapOptions = BOOTSTRAP_DEFAULTS,
): EvidenceSummary {
  const layers = Math.max(0, ...tokens.map((r) => r.share.length));
  const groups = methodGroups(tokens);
  const counts = groups.map((method) => {
    const mine = tokens.filter(inGroup(method));
    const count = (label: TokenRecord['label']) => mine.filter((r) => r.label === label).length;
    return {
      method,
      grounded: count('grounded'),
      hallucinated: count('hallucinated'),
      unverifiable: count('unverifiable'),
    };
  });
  const comparisons = groups.flatMap((method) => {
    const mine = tokens.filter(inGroup(method));
    return EVIDENCE_MEASURES.map(({ name }) => {
      const perLayer = Array.from({ length: layers }, (_, layer) => compareLayer(mine, name, layer, bootstrap));
      const layer = strongest(perLayer);
      const tested = perLayer.filter((l) => l.test).length;
      const strongestAdjustedP = layer === undefined ? undefined : Math.min(1, perLayer[layer].test!.p * tested);
      return { measure: name, method, layers: perLayer, strongestLayer: layer, strongestAdjustedP };
    });
  });
  return { counts, comparisons, images: summariseImages(images), bootstrap };
}

export function comparisonOf(
  summary: EvidenceSummary,
  measure: EvidenceMeasure,
  method: MethodGroup,
): MeasureComparison {
  return summary.comparisons.find((c) => c.measure === measure && c.method === method)!;
}
