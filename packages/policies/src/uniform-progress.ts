/**
 * `uniform-progress`: the Uniform Progress policy of "Can't Be Late" (Wu et al., NSDI '24, §4).
 * For a task with a deadline, the uniform schedule says W·(t − a)/(d − a) of its work should be
 * done by time t.
 * - Spot first (§4.1): whenever spot can be had, the task runs on spot.
 * - Behind schedule without spot (§4.1): go on-demand; ahead of it, wait for spot (no cost).
 * - Hysteresis (§4.2): once on on-demand, stay until progress is ahead of the schedule by twice
 *   the restart overhead, so a brief return of spot does not cost two changeovers for nothing.
 * - Safety net (§4.3): when remaining work + 2 × restart overhead (+ boot + one tick) reaches the
 *   time left, go on-demand and stay: never miss a deadline on-demand could still meet.
 * Tasks without a deadline follow greedy-spot. Needs `policyTickSeconds` in the scenario to
 * re-evaluate running tasks (e.g. the trace's tick).
 */

import type { SchedulingPolicy, SimulationView, TaskView } from '@synkti/sim-core';
import { currentMarket, deadlineState, mustUseOnDemand, spotPossible } from './deadline-rules.js';
import { placeAll, type Want } from './decision-builder.js';

/** Creates the `uniform-progress` policy (no parameters). */
export function uniformProgress(): SchedulingPolicy {
  const want = (
    task: TaskView,
    view: SimulationView,
    current: 'spot' | 'on-demand' | undefined,
  ): Want => {
    if (task.deadlineSeconds === undefined) return spotPossible(task, view) ? 'spot' : 'wait';
    // Two changeovers of margin (§4.3), one more for a pending task (its next start costs one).
    if (mustUseOnDemand(task, view, current === undefined ? 3 : 2)) return 'on-demand';
    const spot = spotPossible(task, view);
    const onDemandBefore =
      current === 'on-demand' || (current === undefined && task.lastMarket === 'on-demand');
    if (onDemandBefore) {
      const ahead = deadlineState(task, view).aheadSeconds >= 2 * view.restartOverheadSeconds;
      return ahead && spot ? 'spot' : 'on-demand';
    }
    if (spot) return 'spot';
    return deadlineState(task, view).aheadSeconds < 0 ? 'on-demand' : 'wait';
  };
  return {
    name: 'uniform-progress',
    decide: (view) => placeAll(view, (task) => want(task, view, undefined)),
    preempts(task, view) {
      const market = currentMarket(task, view);
      if (market === undefined || task.deadlineSeconds === undefined) return false;
      const w = want(task, view, market);
      return w !== 'wait' && w !== market;
    },
  };
}
