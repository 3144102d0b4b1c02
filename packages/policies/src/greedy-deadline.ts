/**
 * `greedy-deadline`: the "Greedy" baseline of "Can't Be Late" (Wu et al., NSDI '24, §3): use spot
 * whenever it can be had, otherwise wait; switch to on-demand for good when remaining work +
 * restart overhead (+ boot + one tick) reaches the time left — counting one more changeover
 * before putting a pending task on spot, since that start costs one. Tasks without a deadline
 * follow greedy-spot.
 */

import type { SchedulingPolicy } from '@synkti/sim-core';
import { currentMarket, mustUseOnDemand, spotPossible } from './deadline-rules.js';
import { placeAll } from './decision-builder.js';

/** Creates the `greedy-deadline` policy (no parameters). */
export function greedyDeadline(): SchedulingPolicy {
  return {
    name: 'greedy-deadline',
    decide: (view) =>
      placeAll(view, (task) => {
        if (task.deadlineSeconds !== undefined && mustUseOnDemand(task, view, 2)) {
          return 'on-demand';
        }
        return spotPossible(task, view) ? 'spot' : 'wait';
      }),
    preempts(task, view) {
      const market = currentMarket(task, view);
      return (
        market === 'spot' && task.deadlineSeconds !== undefined && mustUseOnDemand(task, view, 1)
      );
    },
  };
}
