/**
 * The offline optimum for one deadline job on a known availability trace: the least cost of any
 * schedule that knows the whole future, found by dynamic programming over trace ticks. It is a
 * lower bound against which online policies (greedy-deadline, uniform-progress) are measured,
 * as in "Can't Be Late" (Wu et al., NSDI '24), whose optimum is an ILP; this DP is exact on the
 * tick grid and needs no solver.
 *
 * Model on the grid of the trace's ticks (tick k covers [k·g, (k+1)·g) after the offset): in each
 * tick the job is idle (free), on spot (only if the tick is available; $spot·g) or on on-demand
 * ($od·g). Running one more tick in the same market adds g of progress; entering a market from
 * anywhere else (the first start, idle, the other market, or after a preemption) costs the restart
 * overhead first, paid but without progress, as in the simulator (and in the Can't Be Late
 * simulator, which charges the first start too). Rounding is
 * always in the job's favour (overhead rounded down to whole ticks, work down, deadline up), so
 * the result is a true lower bound on every schedule the simulator can run, which also pays boot,
 * grace periods and detection latency.
 */

import type { AvailabilityTrace } from '../market/availability-trace.js';

/** The job and its prices. */
export interface OfflineOptimalInput {
  readonly trace: AvailabilityTrace;
  /** Work at speed 1, seconds. */
  readonly workSeconds: number;
  /** Deadline, seconds from the start. */
  readonly deadlineSeconds: number;
  /** Time without progress on every change of instance, seconds. */
  readonly restartOverheadSeconds: number;
  readonly spotPerHour: number;
  readonly onDemandPerHour: number;
}

/** The optimum: its cost, or undefined when no schedule meets the deadline. */
export interface OfflineOptimum {
  /** Least cost, USD; undefined when infeasible. */
  readonly costUsd: number | undefined;
  /** Spot and on-demand ticks of one optimal schedule. */
  readonly spotTicks: number;
  readonly onDemandTicks: number;
}

/**
 * Solves the DP. O(ticks × work ticks × (2 × overhead ticks + 2)) time, O(work ticks × states)
 * memory (two layers).
 */
export function offlineOptimalCost(input: OfflineOptimalInput): OfflineOptimum {
  const g = input.trace.trace.gapSeconds;
  const P = Math.floor(input.workSeconds / g); // work ticks needed (rounded down: optimistic)
  const K = Math.ceil(input.deadlineSeconds / g); // ticks available (rounded up: optimistic)
  const ov = Math.floor(input.restartOverheadSeconds / g); // overhead ticks (rounded down)
  const cSpot = (input.spotPerHour * g) / 3600;
  const cOd = (input.onDemandPerHour * g) / 3600;
  if (P === 0) return { costUsd: 0, spotTicks: 0, onDemandTicks: 0 };

  // States: 0 idle (also before the first start), then spot with j overhead ticks left
  // (j = 0..ov), then on-demand likewise. "j left" means the coming tick still makes no progress
  // when j > 0.
  const IDLE = 0;
  const spot = (j: number) => 1 + j;
  const od = (j: number) => 2 + ov + j;
  const S = 3 + 2 * ov;
  const INF = Number.POSITIVE_INFINITY;
  let cur = new Float64Array((P + 1) * S).fill(INF);
  let next = new Float64Array((P + 1) * S).fill(INF);
  // Parallel arrays of spot/on-demand tick counts of the cheapest path (for reporting only).
  let curSpot = new Int32Array((P + 1) * S);
  let nextSpot = new Int32Array((P + 1) * S);
  cur[IDLE] = 0;
  let best = INF;
  let bestSpot = 0;
  let bestOd = 0;

  for (let k = 0; k < K; k++) {
    next.fill(INF);
    const available = input.trace.availableAt(k * g + 1e-9);
    const relax = (p: number, s: number, cost: number, spotTicks: number) => {
      if (p >= P) {
        if (cost < best) {
          best = cost;
          bestSpot = spotTicks;
        }
        return;
      }
      const i = p * S + s;
      if (cost < (next[i] as number)) {
        next[i] = cost;
        nextSpot[i] = spotTicks;
      }
    };
    for (let p = 0; p < P; p++) {
      for (let s = 0; s < S; s++) {
        const c = cur[p * S + s] as number;
        if (c === INF) continue;
        const n = curSpot[p * S + s] as number;
        // Idle this tick.
        relax(p, IDLE, c, n);
        const onSpot = s >= spot(0) && s <= spot(ov);
        const onOd = s >= od(0) && s <= od(ov);
        // Spot this tick.
        if (available) {
          if (onSpot) {
            const j = s - spot(0);
            relax(j > 0 ? p : p + 1, spot(Math.max(0, j - 1)), c + cSpot, n + 1);
          } else if (ov === 0) {
            relax(p + 1, spot(0), c + cSpot, n + 1);
          } else {
            relax(p, spot(ov - 1), c + cSpot, n + 1);
          }
        }
        // On-demand this tick.
        if (onOd) {
          const j = s - od(0);
          relax(j > 0 ? p : p + 1, od(Math.max(0, j - 1)), c + cOd, n);
        } else if (ov === 0) {
          relax(p + 1, od(0), c + cOd, n);
        } else {
          relax(p, od(ov - 1), c + cOd, n);
        }
      }
    }
    [cur, next] = [next, cur];
    [curSpot, nextSpot] = [nextSpot, curSpot];
  }
  if (best === INF) return { costUsd: undefined, spotTicks: 0, onDemandTicks: 0 };
  // Ticks on on-demand follow from the cost: best = spot·cSpot + onDemand·cOd.
  bestOd = Math.round((best - bestSpot * cSpot) / cOd);
  return { costUsd: best, spotTicks: bestSpot, onDemandTicks: bestOd };
}
