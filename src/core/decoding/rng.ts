// Sampling must replay exactly for a given seed (the paper's runs are seeded with 42), on every platform,
// so we use a fixed 32-bit integer generator rather than Math.random.

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32 seeded with the low 32 bits of `seed`: same seed → same sequence everywhere. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws from `rng` by the Box–Muller transform, using both values of each pair. */
export function createGaussian(rng: Rng): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    // 1 − u keeps the logarithm's argument in (0, 1].
    const radius = Math.sqrt(-2 * Math.log(1 - rng()));
    const angle = 2 * Math.PI * rng();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}
