// What identifies a benchmark run: the answers of two runs may be merged or resumed into each other only
// when everything here but the shard is equal.
import { LensError } from '../../protocol/errors';
import type { ClsScorer, Dtype, OutlierScorerInfo, SessionDtypes } from '../../protocol/messages';
import type { BenchmarkName } from './benchmarks';
import type { Shard } from './items';
import type { EvalSettings } from './presets';

export interface EvalRunConfig {
  readonly benchmark: BenchmarkName;
  readonly split: string;
  readonly modelId: string;
  /** The dtype asked for (part of the run's identity). */
  readonly dtype: Dtype;
  /** What each session actually loaded, recorded once the model is loaded (not part of the identity). */
  readonly sessionDtypes?: SessionDtypes;
  /** DAMRO's score for a CLS encoder (part of the identity; absent in older runs: clip-single-head). */
  readonly clsScorer?: ClsScorer;
  /** The outlier score that ran, recorded once the model is loaded. */
  readonly scorer?: OutlierScorerInfo;
  readonly settings: EvalSettings;
  /** Questions asked, rounded up to whole images; absent for the full list. */
  readonly limit?: number;
  readonly shard?: Shard;
}

/** A canonical text of the config without its shard: equal for every shard of one run. */
export function runIdentity(config: EvalRunConfig): string {
  const { benchmark, split, modelId, dtype, settings, limit, clsScorer = 'clip-single-head' } = config;
  const { damro, decoding, seed, maxNewTokens, methods } = settings;
  // Compared methods join the identity only when there are any, so a run without them keeps its old name; their
  // order does not matter (the columns have a fixed order).
  const compared = methods?.length
    ? [
        [...methods]
          .sort((a, b) => (a.method < b.method ? -1 : 1))
          .map(({ method, params }) => [method, sortedParams(params)]),
      ]
    : [];
  return JSON.stringify([
    benchmark,
    split,
    modelId,
    dtype,
    damro.alpha,
    damro.beta,
    damro.k,
    decoding,
    decoding === 'sample' ? seed : null,
    maxNewTokens,
    limit ?? null,
    clsScorer,
    ...compared,
  ]);
}

const sortedParams = (params: Readonly<Record<string, number>>) =>
  Object.fromEntries(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)));

/** A short name for the run (folder names, storage keys). */
export function runName(config: EvalRunConfig): string {
  const identity = runIdentity(config);
  let hash = 0x811c9dc5;
  for (let i = 0; i < identity.length; i++) hash = Math.imul(hash ^ identity.charCodeAt(i), 0x01000193);
  const { benchmark, split, settings } = config;
  return `${benchmark}-${split}-a${settings.damro.alpha}-k${settings.damro.k}-${settings.decoding}-${(hash >>> 0).toString(16).padStart(8, '0')}`;
}

/** Refuses to combine answers of different runs, naming what differs. */
export function checkSameRun(a: EvalRunConfig, b: EvalRunConfig, what: string): void {
  if (runIdentity(a) === runIdentity(b)) return;
  const [x, y] = [JSON.parse(runIdentity(a)) as unknown[], JSON.parse(runIdentity(b)) as unknown[]];
  const names = [
    'benchmark',
    'split',
    'model',
    'dtype',
    'α',
    'β',
    'k',
    'decoding',
    'seed',
    'max new tokens',
    'limit',
    'outlier score',
    'compared methods',
  ];
  const differs = names.filter((_, i) => JSON.stringify(x[i]) !== JSON.stringify(y[i]));
  throw new LensError(
    'bad-request',
    `${what} belongs to a different run (${differs.join(', ')} differ); merge only shards of one run.`,
  );
}
