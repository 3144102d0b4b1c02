/**
 * `greedy-deadline`: the "Greedy" baseline of "Can't Be Late" (Wu et al., NSDI '24, §3), as the
 * authors' simulator runs it: use spot whenever it can be had, otherwise wait; when waiting (or
 * on on-demand) and ⌈(C + 2·(d + margin))/g⌉·g ≥ ⌊(DL − t)/g⌋·g, go on-demand for good. The
 * one-changeover net (k = 1, see `mustUseOnDemand`) is checked always: a task computing on a
 * live spot instance then keeps it until it is preempted (its preemption still leaves time for
 * on-demand); any other task goes on-demand. Tasks without a deadline follow greedy-spot.
 *
 * Parameter `safetyMarginSeconds` (seconds ≥ 0): the nets' margin per changeover on top of the
 * restart overhead; default grace period + detection latency + on-demand boot + state restore
 * (0 in the paper's setting).
 */

import type { SchedulingPolicy, SimulationView, TaskView } from '@synkti/sim-core';
import {
  computingOnLiveInstance,
  currentMarket,
  heldMarket,
  mustUseOnDemand,
  safetyMarginParam,
  spotPossible,
} from './deadline-rules.js';
import { placeAll, type Want } from './decision-builder.js';

/** Parameters of {@link greedyDeadline}. */
export interface DeadlinePolicyParams {
  /** Margin per changeover, seconds ≥ 0. Default: `defaultSafetyMarginSeconds`. */
  readonly safetyMarginSeconds?: number;
}

/** Creates the `greedy-deadline` policy. @throws RangeError on a bad parameter. */
export function greedyDeadline(params: DeadlinePolicyParams = {}): SchedulingPolicy {
  const margin = safetyMarginParam(params.safetyMarginSeconds);
  const want = (task: TaskView, view: SimulationView): Want => {
    if (task.deadlineSeconds !== undefined) {
      const held = heldMarket(task, view);
      if (mustUseOnDemand(task, view, 1, margin)) {
        return held === 'spot' && computingOnLiveInstance(task, view) ? 'spot' : 'on-demand';
      }
      if (held !== 'spot' && mustUseOnDemand(task, view, 2, margin)) return 'on-demand';
    }
    return spotPossible(task, view) ? 'spot' : 'wait';
  };
  return {
    name: 'greedy-deadline',
    decide: (view) => placeAll(view, (task) => want(task, view)),
    // Only spot is ever left (for on-demand); on-demand is kept to the end.
    preempts: (task, view) =>
      task.deadlineSeconds !== undefined &&
      currentMarket(task, view) === 'spot' &&
      want(task, view) === 'on-demand',
  };
}
