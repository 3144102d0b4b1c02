/**
 * Shared arithmetic of the deadline-aware policies (Wu et al., "Can't Be Late: Optimizing Spot
 * Instance Savings under Deadlines", NSDI '24), written to agree decision for decision with the
 * authors' simulator in the paper's setting (docs/model.md, "Agreement with the Can't Be Late
 * simulator"). Its names: C = work left, C0 = total work, DL = deadline, t = time since arrival,
 * d = restart overhead, g = policy tick.
 */

import type { Market, SimulationView, TaskView } from '@synkti/sim-core';
import { onDemandTypeFor, typesFitting } from './decision-builder.js';

/** The state of a deadline task at the view's time. */
export interface DeadlineState {
  /** Work left at speed 1, seconds (C). */
  readonly remainingSeconds: number;
  /** Time to the deadline, seconds. */
  readonly timeLeftSeconds: number;
  /** Work done and retained, seconds (C0 − C). */
  readonly progressSeconds: number;
  /** Time since arrival, seconds (t). */
  readonly elapsedSeconds: number;
  /** Deadline − arrival, seconds (DL). */
  readonly spanSeconds: number;
}

/** Remaining work, time left, progress and time since arrival of a deadline task, now. */
export function deadlineState(task: TaskView, view: SimulationView): DeadlineState {
  const deadline = task.deadlineSeconds as number;
  const progress = task.progressSeconds();
  return {
    remainingSeconds: task.workSeconds - progress,
    timeLeftSeconds: deadline - view.now,
    progressSeconds: progress,
    elapsedSeconds: view.now - task.arrivalSeconds,
    spanSeconds: deadline - task.arrivalSeconds,
  };
}

/**
 * Progress minus the uniform schedule shifted by `leadSeconds`: C0 − C − (t + lead)·C0/DL,
 * work-seconds (negative: behind). Evaluated in the authors' order of operations, so ties at
 * exactly 0 fall the same way.
 */
export function aheadOfSchedule(s: DeadlineState, workSeconds: number, leadSeconds = 0): number {
  if (!(s.spanSeconds > 0)) return s.progressSeconds - workSeconds;
  return s.progressSeconds - ((s.elapsedSeconds + leadSeconds) * workSeconds) / s.spanSeconds;
}

/**
 * The market a task held just before now, the authors' "last cluster type": the market of the
 * instance it is on (computing or still starting), or of the instance it left at this very
 * instant (preempted or moved); undefined when it was waiting.
 */
export function heldMarket(task: TaskView, view: SimulationView): Market | undefined {
  if (task.instanceId !== undefined) return view.instance(task.instanceId)?.market;
  return task.detachedAtSeconds === view.now ? task.lastMarket : undefined;
}

/** Whether the task computes, on an instance that has no notice, right now. */
export function computingOnLiveInstance(task: TaskView, view: SimulationView): boolean {
  if (task.status !== 'running' || task.instanceId === undefined) return false;
  return view.instance(task.instanceId)?.state === 'running';
}

/**
 * The default safety margin per changeover, seconds: what a changeover costs in Synkti's
 * continuous-time model beyond the restart overhead — the notice's grace period and detection
 * latency, the on-demand type's boot, and restoring the task's state on it. All 0 in the paper's
 * setting, where the nets are the authors' exactly.
 *
 * @param type The on-demand type the task would go to; default the cheapest that fits.
 */
export function defaultSafetyMarginSeconds(
  task: TaskView,
  view: SimulationView,
  type = onDemandTypeFor(view, task),
): number {
  if (type === undefined) return 0;
  return (
    view.gracePeriodSeconds +
    view.detectionLatencySeconds +
    type.bootSeconds +
    task.stateMb / type.networkMBps
  );
}

/**
 * The policies' `safetyMarginSeconds` parameter: a fixed margin, seconds ≥ 0, or undefined for
 * {@link defaultSafetyMarginSeconds}.
 * @throws RangeError on a negative or non-finite value.
 */
export function safetyMarginParam(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
    throw new RangeError(`safetyMarginSeconds: expected seconds >= 0, got ${String(value)}`);
  }
  return value;
}

const upToTick = (x: number, tick: number | undefined) =>
  tick === undefined ? x : Math.ceil(x / tick) * tick;
const downToTick = (x: number, tick: number | undefined) =>
  tick === undefined ? x : Math.floor(x / tick) * tick;

/**
 * Safety net: true when the task must go (or stay) on on-demand now to meet its deadline —
 * when ⌈(C/speed + k·(d + margin)) / g⌉·g ≥ ⌊(DL − t) / g⌋·g for `changeovers` = k (no rounding
 * without policy ticks). The authors' nets are k = 1 (checked every tick) and k = 2 (checked
 * when waiting or on on-demand, so that a spot start still leaves room for one more changeover).
 *
 * @param marginSeconds Margin per changeover on top of the restart overhead, seconds; default
 * {@link defaultSafetyMarginSeconds}.
 */
export function mustUseOnDemand(
  task: TaskView,
  view: SimulationView,
  changeovers: number,
  marginSeconds?: number,
): boolean {
  const type = onDemandTypeFor(view, task);
  if (type === undefined) return false;
  const s = deadlineState(task, view);
  const margin = marginSeconds ?? defaultSafetyMarginSeconds(task, view, type);
  const tick = view.policyTickSeconds;
  const need = upToTick(
    s.remainingSeconds / type.speed + changeovers * (view.restartOverheadSeconds + margin),
    tick,
  );
  return need >= downToTick(s.timeLeftSeconds, tick);
}

/**
 * Whether spot can be had for the task now: it computes on a live spot instance already, or a
 * spot instance with room exists, or a spot type that fits can be launched.
 */
export function spotPossible(task: TaskView, view: SimulationView): boolean {
  const own = task.instanceId === undefined ? undefined : view.instance(task.instanceId);
  if (own?.market === 'spot' && own.state !== 'notified') return true;
  return (
    view.findInstance('spot', task.memoryMb) !== undefined ||
    typesFitting(view, task).some((t) => view.spotAvailable(t.name))
  );
}

/** The market of the instance the task is on; undefined while it is pending. */
export function currentMarket(task: TaskView, view: SimulationView): Market | undefined {
  return task.instanceId === undefined ? undefined : view.instance(task.instanceId)?.market;
}
