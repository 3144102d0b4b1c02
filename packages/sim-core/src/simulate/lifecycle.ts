/**
 * The lifecycle of instances and tasks in a run: launching (a spot launch is refused when the
 * market has no capacity), placing a task and starting it after boot, restore and overhead,
 * completing it, releasing idle instances, taking a task off its instance, and the notice that
 * starts a preemption (its detection is the preemption response's, preemption.ts).
 */

import { InstanceState } from '../cluster/instance-state.js';
import type { TaskState } from '../cluster/task-state.js';
import type { SubjectAction } from '../engine/engine.js';
import type { Market } from '../policy.js';
import { releaseSpotSlot, requestSpot, type TypeMarket } from './market.js';
import { P_IDLE, P_STATE, type RunState } from './state.js';

/**
 * Launches an instance of `m`'s type in `market`; undefined when the spot market has no capacity
 * now (the policy is then asked again when it returns).
 */
export function launch(s: RunState, m: TypeMarket, market: Market): InstanceState | undefined {
  const now = s.now;
  const spot =
    market === 'spot' ? requestSpot(m, now, s.options.seed, s.horizonSeconds) : undefined;
  if (spot !== undefined && !spot.granted) {
    s.log('launch-refused', undefined, undefined, { type: m.type.name });
    s.spotRefusals.set(m.type.name, now);
    s.wakeUpAt(spot.availableAt); // ask the policy again when spot capacity returns
    return undefined;
  }
  const slot = spot?.granted ? spot.slot : 0;
  const id = `i${s.instances.length}`;
  const price = market === 'spot' ? m.spotPrice : m.onDemandPrice;
  const inst = new InstanceState(
    id,
    m.type,
    market,
    now,
    now + m.type.bootSeconds,
    price,
    slot,
    s.instances.length,
  );
  const index = s.capacity[market];
  inst.onChange = (i) =>
    index.set(i.position, i.accepting ? i.freeMemoryMb : Number.NEGATIVE_INFINITY);
  inst.onChange(inst);
  s.instances.push(inst);
  s.instancesById.set(id, inst);
  s.live.add(inst);
  s.liveCache = undefined;
  s.log('launch', undefined, inst, { market, type: m.type.name });
  const on = actions(s);
  inst.events.push(s.engine.callAt(inst.readyAt, on.ready, inst, 'ready', P_STATE));
  if (spot?.granted) {
    const noticeAt = spot.noticeAt;
    const lead = m.type.rebalanceLeadSeconds;
    if (lead !== undefined && noticeAt <= s.horizonSeconds) {
      inst.events.push(
        s.engine.callAt(rebalanceAt(now, noticeAt, lead), on.rebalance, inst, 'rebalance', P_STATE),
      );
    }
    if (noticeAt <= s.horizonSeconds) {
      inst.events.push(s.engine.callAt(noticeAt, on.notice, inst, 'notice', P_STATE));
    }
  }
  return inst;
}

/**
 * When an instance launched at `launchedAt` with its notice at `noticeAt` gets its rebalance
 * recommendation: `leadSeconds` before the notice, or at launch when the notice comes sooner
 * (InstanceTypeSpec.rebalanceLeadSeconds). Emulated clouds use it too.
 */
export function rebalanceAt(launchedAt: number, noticeAt: number, leadSeconds: number): number {
  return Math.max(launchedAt, noticeAt - leadSeconds);
}

/**
 * A rebalance recommendation: recorded for the policy, which may move tasks off the instance
 * now (as at a policy tick) and is asked to decide.
 */
function rebalance(s: RunState, inst: InstanceState): void {
  if (inst.endedAt !== undefined || inst.rebalanceRecommendedAt !== undefined) return;
  inst.rebalanceRecommendedAt = s.now;
  s.log('rebalance', undefined, inst);
  s.owner.policyMoves();
  s.owner.requestDecision();
}

/**
 * When a task placed on `inst` at `t` starts computing (boot, state restore, overhead). Every
 * start on an instance other than the one it last computed on pays the restart overhead, the
 * first start included (docs/model.md).
 */
export function resumeTime(s: RunState, task: TaskState, inst: InstanceState, t: number): number {
  let start = Math.max(t, inst.readyAt, task.stateReadyAt);
  if (task.needsRestore) start += task.stateMb / inst.type.networkMBps;
  if (task.lastInstanceId !== inst.id) start += s.scenario.restartOverheadSeconds;
  return start;
}

export function assign(s: RunState, task: TaskState, inst: InstanceState, startAt: number): void {
  cancelIdle(s, inst);
  inst.attach(task);
  task.lastMarket = inst.market;
  task.status = 'assigned';
  s.log('place', task, inst, { startAt });
  task.startEvent = s.engine.callAt(startAt, actions(s).start, task, 'start', P_STATE);
}

export function start(s: RunState, task: TaskState): void {
  const inst = task.instance as InstanceState;
  task.startEvent = undefined;
  task.status = 'running';
  task.runningSince = s.now;
  task.speed = inst.type.speed;
  task.needsRestore = false;
  task.lastInstanceId = inst.id;
  if (task.displacedAt !== undefined) {
    s.tallies.downtimes.push(s.now - task.displacedAt);
    task.displacedAt = undefined;
  }
  s.log('start', task, inst);
  const done = task.completionTime(s.now, task.speed);
  if (done <= s.horizonSeconds) {
    task.completionEvent = s.engine.callAt(done, actions(s).complete, task, 'complete', P_STATE);
  }
}

export function complete(s: RunState, task: TaskState): void {
  const inst = task.instance as InstanceState;
  task.completionEvent = undefined;
  task.runningSince = undefined;
  task.baseProgress = task.workSeconds;
  task.status = 'completed';
  task.completedAt = s.now;
  inst.detach(task);
  s.completed(task);
  s.tallies.completionTimes.push(s.now - task.arrivalSeconds);
  s.log('complete', task, inst);
  if (inst.tasks.size === 0) scheduleIdle(s, inst);
  s.owner.requestDecision();
}

export function scheduleIdle(s: RunState, inst: InstanceState): void {
  if (!inst.accepting || inst.idleEvent) return;
  inst.idleEvent = s.engine.callAt(
    s.now + s.scenario.idleReleaseSeconds,
    actions(s).idle,
    inst,
    'idle',
    P_IDLE,
  );
}

export function end(s: RunState, inst: InstanceState, state: 'released' | 'terminated'): void {
  inst.state = state;
  inst.endedAt = s.now;
  for (const e of inst.events) s.engine.cancel(e);
  cancelIdle(s, inst);
  s.live.delete(inst);
  s.liveCache = undefined;
  freeSpotSlot(s, inst);
  s.log(state === 'released' ? 'release' : 'terminate', undefined, inst);
}

export function cancelIdle(s: RunState, inst: InstanceState): void {
  if (inst.idleEvent) s.engine.cancel(inst.idleEvent);
  inst.idleEvent = undefined;
}

/**
 * Takes `task` off `inst` and makes it pending: cancels its completion (folding progress in)
 * or its pending start. Returns whether it was computing.
 */
export function detach(s: RunState, task: TaskState, inst: InstanceState): boolean {
  const wasComputing = task.status === 'running';
  if (task.completionEvent) s.engine.cancel(task.completionEvent);
  if (task.startEvent) s.engine.cancel(task.startEvent);
  task.completionEvent = undefined;
  task.startEvent = undefined;
  if (wasComputing) task.stopAt(s.now);
  inst.detach(task);
  task.status = 'pending';
  task.detachedAtSeconds = s.now;
  return wasComputing;
}

/** A spot instance gives its pool slot back at notice (its capacity is gone) or at its end. */
export function freeSpotSlot(s: RunState, inst: InstanceState): void {
  if (inst.market !== 'spot' || inst.state === 'notified' || !inst.holdsSlot) return;
  inst.holdsSlot = false;
  const m = s.markets.get(inst.type.name);
  if (m !== undefined) releaseSpotSlot(m, inst.slot);
}

/** A notice: the slot is gone now; detection after the latency, termination after the grace period. */
export function notice(s: RunState, inst: InstanceState): void {
  s.tallies.preemptions++;
  freeSpotSlot(s, inst);
  inst.state = 'notified';
  cancelIdle(s, inst);
  s.log('notice', undefined, inst, { price: inst.price.priceAt(s.now) });
  const { gracePeriodSeconds, detectionLatencySeconds } = s.scenario;
  const on = actions(s);
  s.engine.callAt(s.now + detectionLatencySeconds, on.detect, inst, 'detect', P_STATE);
  s.engine.callAt(s.now + gracePeriodSeconds, on.terminate, inst, 'terminate', P_STATE);
}

/**
 * The lifecycle's event actions of one run, each a {@link SubjectAction} on a task or an
 * instance: made once per run, so that an event holds its subject and no closure of its own.
 */
export interface LifecycleActions {
  readonly ready: SubjectAction<InstanceState>;
  readonly rebalance: SubjectAction<InstanceState>;
  readonly notice: SubjectAction<InstanceState>;
  readonly detect: SubjectAction<InstanceState>;
  readonly terminate: SubjectAction<InstanceState>;
  readonly idle: SubjectAction<InstanceState>;
  readonly start: SubjectAction<TaskState>;
  readonly complete: SubjectAction<TaskState>;
}

/** `s`'s lifecycle actions, made at its first event. */
function actions(s: RunState): LifecycleActions {
  s.actions ??= {
    ready: (inst) => {
      if (inst.state === 'booting') inst.state = 'running';
      s.log('ready', undefined, inst);
    },
    rebalance: (inst) => rebalance(s, inst),
    notice: (inst) => notice(s, inst),
    detect: (inst) => s.owner.detect(inst),
    terminate: (inst) => end(s, inst, 'terminated'),
    idle: (inst) => {
      inst.idleEvent = undefined;
      if (inst.accepting && inst.tasks.size === 0) end(s, inst, 'released');
    },
    start: (task) => start(s, task),
    complete: (task) => complete(s, task),
  };
  return s.actions;
}
