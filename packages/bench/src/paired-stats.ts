/** Paired comparisons over seeds: mean difference with a Student-t 95% confidence interval. */

import jstat from 'jstat';
import { mean, std } from 'mathjs';

/** Mean and 95% CI of a sample. Undefined fields when the sample is too small. */
export interface Estimate {
  readonly n: number;
  readonly mean: number | undefined;
  /** Half-width of the 95% t interval; undefined for n < 2. */
  readonly halfWidth: number | undefined;
}

/** Mean ± t(0.975, n−1)·s/√n of `values` (sample standard deviation). */
export function estimate(values: readonly number[]): Estimate {
  const n = values.length;
  if (n === 0) return { n, mean: undefined, halfWidth: undefined };
  const m = Number(mean([...values]));
  if (n < 2) return { n, mean: m, halfWidth: undefined };
  const s = Number(std([...values], 'unbiased'));
  return { n, mean: m, halfWidth: (jstat.studentt.inv(0.975, n - 1) * s) / Math.sqrt(n) };
}

/** The paired comparison of a and b over the seeds both define. */
export interface PairedDifference {
  readonly n: number;
  readonly meanA: number | undefined;
  readonly meanB: number | undefined;
  /** Mean of a − b. */
  readonly meanDiff: number | undefined;
  readonly ciLow: number | undefined;
  readonly ciHigh: number | undefined;
}

/** Pairs `a` and `b` by seed (keys), dropping seeds where either is undefined. */
export function pairedDifference(
  a: ReadonlyMap<string, number | undefined>,
  b: ReadonlyMap<string, number | undefined>,
): PairedDifference {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [seed, x] of a) {
    const y = b.get(seed);
    if (x === undefined || y === undefined) continue;
    xs.push(x);
    ys.push(y);
  }
  const d = estimate(xs.map((x, k) => x - (ys[k] as number)));
  // The two sides need only their means, not estimate()'s interval.
  const meanOf = (v: number[]) => (v.length === 0 ? undefined : Number(mean(v)));
  return {
    n: d.n,
    meanA: meanOf(xs),
    meanB: meanOf(ys),
    meanDiff: d.mean,
    ciLow: d.mean !== undefined && d.halfWidth !== undefined ? d.mean - d.halfWidth : undefined,
    ciHigh: d.mean !== undefined && d.halfWidth !== undefined ? d.mean + d.halfWidth : undefined,
  };
}
