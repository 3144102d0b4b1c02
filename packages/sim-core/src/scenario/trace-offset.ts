/** Where in an availability trace a run starts. */

import { createRng } from '../engine/rng.js';
import { tickStartAtOrAfter } from '../market/availability-trace.js';
import { DEFAULT_TRACE_OFFSET_SECONDS } from './defaults.js';
import type { PreemptionSpec } from './types.js';

/**
 * The trace offset of a trace-replay preemption spec, seconds. A run always starts at the start
 * of a trace tick, so that policy ticks equal to the trace's gap see every availability change at
 * the instant it happens (as the Can't Be Late simulator does):
 * - a given offset is moved to the first tick start at or after it ({@link tickStartAtOrAfter}:
 *   4985 × 195 s written as 269.7916… hours lands on tick 4985, not 4984);
 * - `'random'` draws a whole tick uniformly from those whose window [offset, offset + horizon]
 *   fits the trace, from the seed's `trace-offset/<type>` stream (so each seed sees another
 *   window of the trace, the same one for every policy).
 */
export function traceOffsetSeconds(
  spec: Extract<PreemptionSpec, { kind: 'trace' }>,
  typeName: string,
  seed: string | number,
  horizonSeconds: number,
): number {
  const gap = spec.trace.gapSeconds;
  const offset = spec.offsetSeconds ?? DEFAULT_TRACE_OFFSET_SECONDS;
  if (offset !== 'random') return tickStartAtOrAfter(offset, gap);
  const lastTick = Math.floor((spec.trace.capacity.length * gap - horizonSeconds) / gap);
  const tick = Math.floor(createRng(seed, `trace-offset/${typeName}`).uniform(0, lastTick + 1));
  return Math.min(tick, lastTick) * gap;
}
