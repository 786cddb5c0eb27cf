// The Mann–Whitney U test (Wilcoxon rank-sum), two-sided, as SciPy's mannwhitneyu computes it: the exact
// distribution of U for small samples without ties, otherwise the normal approximation with the tie
// correction of the variance and a continuity correction of ½.
import { LensError } from '../../protocol/errors';
import { midRanks } from './ranks';
import { twoSidedNormalP } from './normal';

export interface MannWhitney {
  readonly n1: number;
  readonly n2: number;
  /** U of the first sample: pairs (x, y) with x > y, ties counting ½. */
  readonly u1: number;
  readonly u2: number;
  /** Two-sided p-value. */
  readonly p: number;
  readonly method: 'exact' | 'normal';
  /** z of the normal approximation (continuity-corrected); NaN for the exact method. */
  readonly z: number;
  /**
   * Rank-biserial correlation 2·U1/(n1·n2) − 1, equal to Cliff's δ = P(x > y) − P(x < y): +1 when every x
   * exceeds every y.
   */
  readonly effect: number;
}

/**
 * The exact distribution when there are no ties and the smaller sample has at most 8 values (SciPy's 'auto'
 * rule), as long as the larger has at most 1000 (the count table grows with the square of its size).
 */
const EXACT_MAX_SMALLER = 8;
const EXACT_MAX_LARGER = 1000;

/**
 * Number of arrangements giving each U for samples of m and n with no ties: c(u; m, n) = c(u − n; m − 1, n) +
 * c(u; m, n − 1) (the largest value is in the first sample, beating all n, or in the second).
 */
function exactCounts(m: number, n: number): Float64Array {
  // counts[j] holds c(·; i, j) for the current i, as arrays of length i·j + 1.
  let previous: Float64Array[] = Array.from({ length: n + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= m; i++) {
    const current: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n; j++) {
      const row = new Float64Array(i * j + 1);
      const withoutLargestInX = current[j - 1];
      for (let u = 0; u < withoutLargestInX.length; u++) row[u] += withoutLargestInX[u];
      const largestInX = previous[j];
      for (let u = 0; u < largestInX.length; u++) row[u + j] += largestInX[u];
      current.push(row);
    }
    previous = current;
  }
  return previous[n];
}

function exactTwoSided(u1: number, m: number, n: number): number {
  // U's distribution for (m, n) equals that for (n, m); the smaller sample in the outer loop keeps the table small.
  const counts = exactCounts(Math.min(m, n), Math.max(m, n));
  const total = counts.reduce((s, c) => s + c, 0);
  // The distribution is symmetric about m·n/2: double the smaller tail.
  const u = Math.min(u1, m * n - u1);
  let tail = 0;
  for (let k = 0; k <= u; k++) tail += counts[k];
  return Math.min(1, (2 * tail) / total);
}

export function mannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>): MannWhitney {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0)
    throw new LensError('bad-request', `The U test needs values in both groups (got ${n1} and ${n2}).`);
  const { ranks, ties } = midRanks([...Array.from(x), ...Array.from(y)]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const effect = (2 * u1) / (n1 * n2) - 1;
  const tied = ties.some((t) => t > 1);
  if (!tied && Math.min(n1, n2) <= EXACT_MAX_SMALLER && Math.max(n1, n2) <= EXACT_MAX_LARGER) {
    return { n1, n2, u1, u2, p: exactTwoSided(u1, n1, n2), method: 'exact', z: Number.NaN, effect };
  }
  const n = n1 + n2;
  const tieTerm = ties.reduce((s, t) => s + (t ** 3 - t), 0) / (n * (n - 1));
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm));
  const mean = (n1 * n2) / 2;
  const distance = Math.abs(u1 - mean);
  // Every value tied: U sits at its mean with zero variance, which is no evidence of a difference.
  if (sigma === 0) return { n1, n2, u1, u2, p: 1, method: 'normal', z: 0, effect };
  const z = Math.max(0, distance - 0.5) / sigma;
  return { n1, n2, u1, u2, p: twoSidedNormalP(z), method: 'normal', z: Math.sign(u1 - mean) * z, effect };
}
