// Benchmarks run in shards (workers, batches, resumed sessions); named counts that merge by addition let
// each shard be scored alone and combined exactly, without keeping every answer.

/** Named event counts. */
export type Counts<K extends string> = Readonly<Record<K, number>>;

/** All-zero counts over the given names. */
export function zeroCounts<K extends string>(names: readonly K[]): Counts<K> {
  return Object.fromEntries(names.map((n) => [n, 0])) as Record<K, number>;
}

/** Counts with `name` raised by `by` (default 1); the input is left untouched. */
export function addCount<K extends string>(counts: Counts<K>, name: NoInfer<K>, by = 1): Counts<K> {
  return { ...counts, [name]: counts[name] + by };
}

/** Element-wise sum of two shards' counts over the same names. */
export function mergeCounts<K extends string>(a: Counts<K>, b: Counts<K>): Counts<K> {
  const merged = { ...a } as Record<K, number>;
  for (const name of Object.keys(b) as K[]) merged[name] = (merged[name] ?? 0) + b[name];
  return merged;
}
