// Statistics and scheduling for benchmarks whose verdicts must survive a rerun: every configuration is warmed up,
// then measured in interleaved rounds (A B C A B C …) so that drift in the machine's load hits all of them alike,
// and each is reported as a median with its interquartile range; ratios are taken between medians.

export interface Summary {
  readonly n: number;
  readonly median: number;
  /** First and third quartiles. */
  readonly q1: number;
  readonly q3: number;
  readonly min: number;
  readonly max: number;
}

/** The q-quantile of ascending values by linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile of no values');
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}

/** The interquartile range as a fraction of the median: the spread a reader weighs a ratio against. */
export const relativeSpread = (s: Summary): number => (s.q3 - s.q1) / s.median;

export const ratioOfMedians = (a: Summary, b: Summary): number => a.median / b.median;

/** "356.2 (IQR 340.1–372.9)" */
export function formatSummary(s: Summary, digits = 1): string {
  return `${s.median.toFixed(digits)} (IQR ${s.q1.toFixed(digits)}–${s.q3.toFixed(digits)})`;
}

/**
 * Runs each configuration `warmup` times (results dropped), then `rounds` rounds in which every configuration
 * runs once, in the given order. Returns each configuration's measured results in round order.
 */
export async function interleaved<K extends string, T>(
  configs: Readonly<Record<K, () => Promise<T>>>,
  options: { readonly warmup: number; readonly rounds: number },
): Promise<Record<K, T[]>> {
  const keys = Object.keys(configs) as K[];
  for (let w = 0; w < options.warmup; w++) for (const key of keys) await configs[key]();
  const results = Object.fromEntries(keys.map((key) => [key, [] as T[]])) as Record<K, T[]>;
  for (let r = 0; r < options.rounds; r++) for (const key of keys) results[key].push(await configs[key]());
  return results;
}
