/**
 * `uniform-progress`: the Uniform Progress policy of "Can't Be Late" (Wu et al., NSDI '24, §4),
 * as the authors' simulator runs it (`rc_cr_threshold`). For a task with a deadline the uniform
 * schedule says (t/DL)·C0 of its work should be done at time t since arrival.
 * - Spot first (§4.1): whenever spot can be had, the task runs on spot.
 * - Behind schedule (progress < t·C0/DL) without spot: on-demand; otherwise wait (no cost).
 * - Hysteresis (§4.2): a task on on-demand stays there while spot cannot be had or its progress
 *   is at most (t + 2d)·C0/DL, so a brief return of spot does not cost two changeovers.
 * - Safety nets (§4.3), as in greedy-deadline: the two-changeover net when waiting or on
 *   on-demand, the one-changeover net always (a task computing on live spot keeps it).
 * Tasks without a deadline follow greedy-spot. Needs `policyTickSeconds` in the scenario to
 * re-evaluate running tasks (e.g. the trace's tick).
 *
 * Parameter `safetyMarginSeconds`: as for greedy-deadline.
 */

import type { SchedulingPolicy, SimulationView, TaskView } from '@synkti/sim-core';
import {
  aheadOfSchedule,
  computingOnLiveInstance,
  currentMarket,
  deadlineState,
  heldMarket,
  mustUseOnDemand,
  safetyMarginParam,
  spotPossible,
} from './deadline-rules.js';
import { placeAll, type Want } from './decision-builder.js';
import type { DeadlinePolicyParams } from './greedy-deadline.js';

/** Creates the `uniform-progress` policy. @throws RangeError on a bad parameter. */
export function uniformProgress(params: DeadlinePolicyParams = {}): SchedulingPolicy {
  const margin = safetyMarginParam(params.safetyMarginSeconds);
  const want = (task: TaskView, view: SimulationView): Want => {
    const spot = spotPossible(task, view);
    if (task.deadlineSeconds === undefined) return spot ? 'spot' : 'wait';
    const held = heldMarket(task, view);
    const s = deadlineState(task, view);
    let w: Want = spot ? 'spot' : aheadOfSchedule(s, task.workSeconds) < 0 ? 'on-demand' : 'wait';
    if (held === 'on-demand') {
      const lead = 2 * view.restartOverheadSeconds;
      if (!spot || aheadOfSchedule(s, task.workSeconds, lead) <= 0) w = 'on-demand';
    }
    if (held !== 'spot' && mustUseOnDemand(task, view, 2, margin)) w = 'on-demand';
    if (mustUseOnDemand(task, view, 1, margin)) {
      w = held === 'spot' && computingOnLiveInstance(task, view) ? 'spot' : 'on-demand';
    }
    return w;
  };
  return {
    name: 'uniform-progress',
    decide: (view) => placeAll(view, (task) => want(task, view)),
    preempts(task, view) {
      const market = currentMarket(task, view);
      if (market === undefined || task.deadlineSeconds === undefined) return false;
      const w = want(task, view);
      return w !== 'wait' && w !== market;
    },
  };
}
