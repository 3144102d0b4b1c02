/// <reference path="../types/jstat.d.ts" />
/**
 * Every statistic Synkti reports, in one place: descriptive (mean, quantiles) for run metrics,
 * and the Student-t 95% interval and paired seed-by-seed differences for sweeps.
 *
 * Mean and sample standard deviation follow mathjs 15's `mean` and `std(…, 'unbiased')` step for
 * step (sum left to right, divide; squared deviations from that mean, divide by n − 1), so their
 * results are bit-identical to it — a test holds them to it. They are written out because
 * importing mathjs costs about 1.2 s and 90 MB per process or worker thread (measured with
 * `node -e "import('mathjs')"` against an empty script), which every sim-core user would pay.
 * Student's t quantile comes from jstat.
 */

import jstat from 'jstat';

/**
 * The q-quantile (0 ≤ q ≤ 1) of `values` by linear interpolation between order statistics
 * (Hyndman and Fan type 7, the default of R and numpy). Undefined for an empty list.
 * Sorts a copy: O(n log n). The median is `quantile(values, 0.5)`: for an even count, the
 * midpoint of the middle two.
 */
export function quantile(values: readonly number[], q: number): number | undefined {
  return quantiles(values, [q])[0];
}

/**
 * Several quantiles of `values` as {@link quantile} gives each, from one sorted copy (a run's
 * result reports two of its completion times: sorting them twice was 1% of a sweep run).
 * @returns one per `qs`, in order; all undefined for an empty list.
 */
export function quantiles(
  values: readonly number[],
  qs: readonly number[],
): (number | undefined)[] {
  if (values.length === 0) return qs.map(() => undefined);
  // A typed copy sorts numerically without a comparator call per step.
  const sorted = new Float64Array(values).sort();
  return qs.map((q) => {
    const h = (sorted.length - 1) * q;
    const lo = Math.floor(h);
    const hi = Math.ceil(h);
    const a = sorted[lo] as number;
    return a + (h - lo) * ((sorted[hi] as number) - a);
  });
}

/** Arithmetic mean (summed left to right); undefined for an empty list. */
export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample standard deviation (divisor n − 1; 0 for one value); undefined for an empty list. */
export function sampleStd(values: readonly number[]): number | undefined {
  const m = mean(values);
  if (m === undefined) return undefined;
  if (values.length === 1) return 0;
  let s = 0;
  for (const v of values) {
    const d = v - m;
    s += d * d;
  }
  return Math.sqrt(s / (values.length - 1));
}

/** Mean and 95% CI of a sample. Undefined fields when the sample is too small. */
export interface Estimate {
  readonly n: number;
  readonly mean: number | undefined;
  /** Half-width of the 95% t interval; undefined for n < 2. */
  readonly halfWidth: number | undefined;
}

/** Mean ± t(0.975, n−1)·s/√n of `values` (s: the sample standard deviation). */
export function estimate(values: readonly number[]): Estimate {
  const n = values.length;
  const m = mean(values);
  if (m === undefined || n < 2) return { n, mean: m, halfWidth: undefined };
  const s = sampleStd(values) as number;
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
  const ci = d.mean !== undefined && d.halfWidth !== undefined;
  return {
    n: d.n,
    meanA: mean(xs),
    meanB: mean(ys),
    meanDiff: d.mean,
    ciLow: ci ? (d.mean as number) - (d.halfWidth as number) : undefined,
    ciHigh: ci ? (d.mean as number) + (d.halfWidth as number) : undefined,
  };
}
