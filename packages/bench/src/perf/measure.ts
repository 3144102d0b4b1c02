/** Small timing helpers shared by the `npm run bench:*` speed benchmarks. */

import { performance } from 'node:perf_hooks';

/**
 * Runs `fn` once untimed (JIT warm-up), then `repeats` times, and returns the median wall time
 * in milliseconds and the last result.
 */
export function medianMs<T>(repeats: number, fn: () => T): { ms: number; result: T } {
  const times: number[] = [];
  let result: T | undefined = fn();
  for (let k = 0; k < repeats; k++) {
    const start = performance.now();
    result = fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const ms =
    times.length % 2 === 1
      ? (times[mid] as number)
      : ((times[mid - 1] as number) + (times[mid] as number)) / 2;
  return { ms, result: result as T };
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
