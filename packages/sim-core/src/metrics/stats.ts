/** Small descriptive statistics used by run metrics. */

/**
 * The q-quantile (0 ≤ q ≤ 1) of `values` by linear interpolation between order statistics
 * (Hyndman and Fan type 7, the default of R and numpy). Undefined for an empty list.
 * Sorts a copy: O(n log n).
 */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] as number;
  return a + (h - lo) * ((sorted[hi] as number) - a);
}

/** Arithmetic mean; undefined for an empty list. */
export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}
