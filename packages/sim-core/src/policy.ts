/**
 * The scheduling-policy interface (types only, so sim-core never imports a policy).
 *
 * A policy is a pure decision over a read-only view of the simulation: at events (arrivals,
 * completions, preemptions, capacity changes) and optional periodic ticks it says where each
 * pending task should run — on existing capacity or on a new instance of some type and market —
 * and which idle instances to release. It never mutates the simulation; the engine validates and
 * applies its decisions, and rejects invalid ones with a {@link PolicyDecisionError}.
 */

import type { ResolvedInstanceType } from './scenario/resolve.js';

/** Spot (preemptible, cheap) or on-demand. */
export type Market = 'spot' | 'on-demand';

/** Lifecycle of an instance. */
export type InstanceState = 'booting' | 'running' | 'notified' | 'terminated' | 'released';

/** Lifecycle of a task. */
export type TaskStatus = 'pending' | 'assigned' | 'running' | 'completed';

/** A read-only view of one task. */
export interface TaskView {
  readonly id: string;
  readonly kind: string;
  /** Work needed at speed 1, seconds. */
  readonly workSeconds: number;
  readonly memoryMb: number;
  readonly stateMb: number;
  readonly arrivalSeconds: number;
  /** Absolute deadline, seconds; undefined when none. */
  readonly deadlineSeconds: number | undefined;
  readonly status: TaskStatus;
  /** Work done and retained so far, seconds, as of the view's time. */
  progressSeconds(): number;
  /** Instance the task is on or assigned to; undefined while pending or after completion. */
  readonly instanceId: string | undefined;
  /** Notices that displaced this task so far. */
  readonly preemptions: number;
  /**
   * Market of the instance the task is on or was last placed on, whether or not it started
   * computing there (undefined if never placed). A task that left on-demand for spot and lost
   * the spot instance before it started computing was last on spot.
   */
  readonly lastMarket: Market | undefined;
  /**
   * When the task last left an instance, seconds: displaced by a notice (at its detection) or
   * moved by the policy; undefined if it never did. A pending task with
   * `detachedAtSeconds === view.now` held an instance of `lastMarket` until this instant.
   */
  readonly detachedAtSeconds: number | undefined;
}

/** A read-only view of one instance. */
export interface InstanceView {
  readonly id: string;
  /** Launch order within the run (0, 1, …). */
  readonly position: number;
  readonly type: ResolvedInstanceType;
  readonly market: Market;
  readonly state: InstanceState;
  /** Launch request time, seconds. */
  readonly launchedAt: number;
  /** Time it is (or was) ready to run tasks, seconds. */
  readonly readyAt: number;
  /** GPU memory not used or reserved by tasks, MB. */
  readonly freeMemoryMb: number;
  /** Ids of the tasks on or assigned to it. */
  readonly taskIds: readonly string[];
  /**
   * When it got a rebalance recommendation (it is at elevated risk of interruption; live: EC2's
   * event, simulated: the type's `rebalanceLeadSeconds` before its notice), seconds; undefined
   * when it has not.
   */
  readonly rebalanceRecommendedAt: number | undefined;
}

/** What a policy sees. */
export interface SimulationView {
  /** Current time, seconds. */
  readonly now: number;
  /** End of the run, seconds. */
  readonly horizonSeconds: number;
  readonly instanceTypes: readonly ResolvedInstanceType[];
  /** Restart overhead of the scenario, seconds (see Scenario.restartOverheadSeconds). */
  readonly restartOverheadSeconds: number;
  /** Period of policy ticks, seconds; undefined when decisions happen at events only. */
  readonly policyTickSeconds: number | undefined;
  /** Notice to termination of a spot instance, seconds (see Scenario.gracePeriodSeconds). */
  readonly gracePeriodSeconds: number;
  /** Notice to its detection, seconds (see Scenario.detectionLatencySeconds). */
  readonly detectionLatencySeconds: number;
  /** Tasks waiting for a placement, in arrival order (ties by id). */
  pendingTasks(): readonly TaskView[];
  /** Instances that are booting, running or notified, in launch order. */
  liveInstances(): readonly InstanceView[];
  /**
   * The first instance in launch order, strictly after `after` when given, that is booting or
   * running in `market` with at least `minFreeMemoryMb` free. O(log instances): use it rather
   * than scanning {@link SimulationView.liveInstances} for placements.
   */
  findInstance(
    market: Market,
    minFreeMemoryMb: number,
    after?: InstanceView,
  ): InstanceView | undefined;
  /** Current spot price of a type, $/hour. */
  spotPricePerHour(typeName: string): number;
  /**
   * Whether a spot instance of the type can be launched now (always true without a trace).
   * Asking has one effect a waiting policy relies on: when the answer is false, the simulation
   * asks the policy to decide again at the instant spot can next be launched (without a policy
   * tick, that is the only thing that wakes a policy waiting for spot). Launching spot when it
   * is unavailable is refused the same way (a `launch-refused` event) and wakes it too.
   */
  spotAvailable(typeName: string): boolean;
  /**
   * When a spot launch of the type was last refused for lack of capacity, seconds; undefined if
   * never. In simulation the refusal comes from the market (a trace with no capacity); in live
   * mode it is the cloud's capacity error (AWS InsufficientInstanceCapacity): the same input in
   * both, so a policy can back off from a type that keeps refusing.
   */
  lastSpotRefusalAt(typeName: string): number | undefined;
  /** The task with this id once it has arrived; undefined before, or for an unknown id. */
  task(id: string): TaskView | undefined;
  instance(id: string): InstanceView | undefined;
}

/** Launch a new instance. */
export interface LaunchRequest {
  readonly instanceType: string;
  readonly market: Market;
}

/**
 * Put a pending task on an instance: an existing one (`instanceId`) or one launched in the same
 * decision (`launchIndex` into `launches`).
 */
export type Placement =
  | { readonly taskId: string; readonly instanceId: string }
  | { readonly taskId: string; readonly launchIndex: number };

/** A policy's answer. Every field optional. */
export interface Decisions {
  readonly launches?: readonly LaunchRequest[];
  readonly placements?: readonly Placement[];
  /** Idle instances (hosting no task) to release now. */
  readonly releases?: readonly string[];
}

/** A scheduling policy. */
export interface SchedulingPolicy {
  /** Name, as registered (e.g. `greedy-spot`). */
  readonly name: string;
  /** Decides placements for pending tasks, launches and releases. */
  decide(view: SimulationView): Decisions;
  /**
   * Whether the migration planner may move `task` onto `instance` when the task is displaced.
   * Default: any instance. (E.g. on-demand fallback allows only on-demand after N preemptions.)
   */
  acceptsMigration?(task: TaskView, instance: InstanceView, view: SimulationView): boolean;
  /**
   * Whether to move a running task elsewhere now (e.g. to on-demand when behind schedule).
   * Returning true makes the task pending again (its state is checkpointed at its instance's
   * bandwidth with no time limit); the next `decide` places it. Default: never.
   */
  preempts?(task: TaskView, view: SimulationView): boolean;
}

/** Thrown when a policy returns an invalid decision; names the policy and the decision. */
export class PolicyDecisionError extends Error {
  constructor(policy: string, message: string) {
    super(`policy "${policy}": ${message}`);
    this.name = 'PolicyDecisionError';
  }
}
