// Spearman's ρ: Pearson's correlation of the mid-ranks (ties handled as SciPy's spearmanr does).
import { LensError } from '../../protocol/errors';
import { midRanks } from './ranks';

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length)
    throw new LensError('bad-request', `Correlation needs pairs; got ${x.length} and ${y.length} values.`);
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  // A constant variable has no correlation with anything.
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length)
    throw new LensError('bad-request', `Spearman's ρ needs pairs; got ${x.length} and ${y.length} values.`);
  return pearson(midRanks(x).ranks, midRanks(y).ranks);
}
