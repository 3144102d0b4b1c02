/** Where in an availability trace a run starts. */

import { createRng } from '../engine/rng.js';
import type { PreemptionSpec } from '../scenario.js';

/**
 * The trace offset of a trace-replay preemption spec, seconds: the given one, or for `'random'`
 * a uniform draw over [0, span − horizon] from the seed's `trace-offset/<type>` stream (so
 * each seed sees another window of the trace, the same one for every policy).
 */
export function traceOffsetSeconds(
  spec: Extract<PreemptionSpec, { kind: 'trace' }>,
  typeName: string,
  seed: string | number,
  horizonSeconds: number,
): number {
  const offset = spec.offsetSeconds ?? 0;
  if (offset !== 'random') return offset;
  const span = spec.trace.capacity.length * spec.trace.gapSeconds;
  return createRng(seed, `trace-offset/${typeName}`).uniform(0, span - horizonSeconds);
}
