/**
 * Shared arithmetic of the deadline-aware policies (Wu et al., "Can't Be Late: Optimizing Spot
 * Instance Savings under Deadlines", NSDI '24).
 */

import type { Market, SimulationView, TaskView } from '@synkti/sim-core';
import { onDemandTypeFor, typesFitting } from './decision-builder.js';

/** The state of a deadline task at the view's time. */
export interface DeadlineState {
  /** Work left at speed 1, seconds. */
  readonly remainingSeconds: number;
  /** Time to the deadline, seconds. */
  readonly timeLeftSeconds: number;
  /** Progress minus the uniform schedule W·(t − arrival)/(deadline − arrival), work-seconds. */
  readonly aheadSeconds: number;
}

/** Remaining work, time left and lead over the uniform schedule of a deadline task, now. */
export function deadlineState(task: TaskView, view: SimulationView): DeadlineState {
  const deadline = task.deadlineSeconds as number;
  const progress = task.progressSeconds();
  const span = deadline - task.arrivalSeconds;
  const expected =
    span > 0 ? (task.workSeconds * (view.now - task.arrivalSeconds)) / span : task.workSeconds;
  return {
    remainingSeconds: task.workSeconds - progress,
    timeLeftSeconds: deadline - view.now,
    aheadSeconds: progress - expected,
  };
}

/**
 * Safety net: true when the task must go (or stay) on on-demand now to meet its deadline. It
 * does when remaining work (on the on-demand type) + `changeovers` × (restart overhead + boot)
 * + one policy tick (the soonest it is checked again) reaches the time left.
 *
 * Count changeovers from where the task is: a running task needs one to reach on-demand; a
 * pending task about to be put on spot needs two, since the spot start itself costs one before
 * the task can next be moved (placing it on spot when only one is left would miss).
 */
export function mustUseOnDemand(
  task: TaskView,
  view: SimulationView,
  changeovers: number,
): boolean {
  const type = onDemandTypeFor(view, task);
  if (type === undefined) return false;
  const s = deadlineState(task, view);
  const margin =
    changeovers * (view.restartOverheadSeconds + type.bootSeconds) + (view.policyTickSeconds ?? 0);
  return s.remainingSeconds / type.speed + margin >= s.timeLeftSeconds;
}

/** Whether any spot type that fits the task can be launched now or has room already. */
export function spotPossible(task: TaskView, view: SimulationView): boolean {
  return (
    view.findInstance('spot', task.memoryMb) !== undefined ||
    typesFitting(view, task).some((t) => view.spotAvailable(t.name))
  );
}

/** The market of the instance the task is on; undefined while it is pending. */
export function currentMarket(task: TaskView, view: SimulationView): Market | undefined {
  return task.instanceId === undefined ? undefined : view.instance(task.instanceId)?.market;
}
