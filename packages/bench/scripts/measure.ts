/** Small timing helpers shared by the `npm run bench:*` speed benchmarks. */

import { performance } from 'node:perf_hooks';

import { quantile } from '@synkti/sim-core';

/**
 * Runs `fn` once untimed (JIT warm-up), then `repeats` times, and returns the median wall time
 * in milliseconds and the last result.
 */
export function medianMs<T>(repeats: number, fn: () => T): { ms: number; result: T } {
  let result: T = fn();
  const times: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const start = performance.now();
    result = fn();
    times.push(performance.now() - start);
  }
  return { ms: median(times), result };
}

/** Formats a number of milliseconds for a table: 3 significant digits. */
export function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** Runs `fn` once (no warm-up: for solvers too slow to run twice) and returns its wall time. */
export function once<T>(fn: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

/**
 * Medians of two functions measured side by side: each warmed up `warmups` times (default 2),
 * alternately, then run alternately `repeats` times (a, b, a, b, …) so that JIT state, GC
 * pressure and machine noise fall on both alike.
 */
export function alternatingMedians<A, B>(
  repeats: number,
  a: () => A,
  b: () => B,
  warmups = 2,
): { a: { ms: number; result: A }; b: { ms: number; result: B } } {
  let ra: A = a();
  let rb: B = b();
  for (let k = 1; k < warmups; k++) {
    ra = a();
    rb = b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let k = 0; k < repeats; k++) {
    let start = performance.now();
    ra = a();
    ta.push(performance.now() - start);
    start = performance.now();
    rb = b();
    tb.push(performance.now() - start);
  }
  return { a: { ms: median(ta), result: ra }, b: { ms: median(tb), result: rb } };
}

/** The median of `times` (the midpoint of the middle two for an even count); 0 for none. */
export function median(times: readonly number[]): number {
  return quantile(times, 0.5) ?? 0;
}
