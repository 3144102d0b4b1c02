/**
 * The state of one run: the engine, the markets, the tasks and instances with their indexes,
 * the tallies and the event log, and the two hooks through which the lifecycle reaches the run
 * (asking the policy for a decision, handling a detected notice). The lifecycle
 * (lifecycle.ts), the preemption response (preemption.ts) and the run loop (run.ts) change it.
 *
 * Event priorities at equal times: state changes (arrivals, boots, starts, completions,
 * notices, detections, terminations) first, in scheduling order; then policy ticks (the policy's
 * moves of running tasks); then policy decisions; then idle releases — so a tick and a decision
 * see every change of their instant (a spot instance whose trace tick turns unavailable at t is
 * gone before the tick at t asks the policy anything, as in the Can't Be Late simulator), and an
 * instance freed at t can take a pending task at t before it is released.
 */

import { CapacityIndex } from '../cluster/capacity-index.js';
import type { InstanceState } from '../cluster/instance-state.js';
import { TaskState } from '../cluster/task-state.js';
import { Engine } from '../engine/engine.js';
import type { SimEvent } from '../metrics/run-result.js';
import { type Market, PolicyDecisionError, type SimulationView } from '../policy.js';
import { MB_PER_SECOND_PER_GBPS, type ResolvedScenario } from '../scenario/resolve.js';
import type { ResolvedTask } from '../scenario/workload.js';
import type { SimulateOptions } from '../simulate-options.js';
import type { DecisionWorld } from './decisions.js';
import type { LifecycleActions } from './lifecycle.js';
import { buildMarket, type TypeMarket } from './market.js';
import { Tallies } from './tallies.js';

/** Priority of arrivals: before the other state changes of their instant. */
export const P_ARRIVAL = -1;
/** Priority of state changes. */
export const P_STATE = 0;
/** Priority of policy ticks: after the state changes of their instant. */
export const P_TICK = 5;
/** Priority of policy decisions: after ticks. */
export const P_DECIDE = 10;
/** Priority of idle releases: after decisions. */
export const P_IDLE = 20;

/** What the lifecycle needs of the run that owns the state (run.ts): the view, two hooks. */
export interface RunOwner extends SimulationView {
  /** Asks the policy for a decision at this instant (coalesced). */
  requestDecision(): void;
  /** Handles a detected notice of `inst` (the preemption response). */
  detect(inst: InstanceState): void;
  /** Lets the policy move tasks off accepting instances (SchedulingPolicy.preempts). */
  policyMoves(): void;
}

/** See the file comment. */
export class RunState implements DecisionWorld {
  readonly engine = new Engine();
  readonly markets = new Map<string, TypeMarket>();
  /** The tasks to run, in workload order. */
  readonly workload: readonly ResolvedTask[];
  /**
   * Tasks that have arrived, in arrival order. A task's state is created when it arrives
   * ({@link RunState.arrive}), not when the run starts: the states of the tasks in flight are
   * then allocated close together, so the run's writes to them (their events, their instance)
   * touch a few pages of the heap. Created all at once, a million tasks' states spread those
   * writes over every page, and each write from an old object to a young one is visited by
   * the young-generation collector: that made each of its collections several times slower.
   * For the same reason the states are appended here, not written into a workload-sized
   * array at random positions.
   */
  readonly arrived: TaskState[] = [];
  /** Workload position of each of {@link RunState.arrived}. */
  readonly #arrivedAt: number[] = [];
  /**
   * Tasks that have arrived and not completed, by id: what decisions and notices look up. Kept
   * apart from {@link RunState.#byId} so that those lookups search the tasks in flight (tens
   * of thousands in a million-task run), not every task.
   */
  readonly #inFlight = new Map<string, TaskState>();
  /** Every arrived task by id; built at the first lookup of a task not in flight, then kept. */
  #byId: Map<string, TaskState> | undefined;
  readonly #storageMBps: number;
  readonly #clock = (): number => this.engine.now;
  /** Tasks waiting for a placement. */
  readonly pending = new Set<TaskState>();
  /** The lifecycle's event actions, made once per run (lifecycle.ts). */
  actions: LifecycleActions | undefined;
  /** Every instance launched, in launch order. */
  readonly instances: InstanceState[] = [];
  readonly instancesById = new Map<string, InstanceState>();
  /** Booting, running or notified instances. */
  readonly live = new Set<InstanceState>();
  /** Free memory of accepting instances by launch position, per market. */
  readonly capacity: Record<Market, CapacityIndex> = {
    spot: new CapacityIndex(),
    'on-demand': new CapacityIndex(),
  };
  /** `live` as a list, until it changes. */
  liveCache: InstanceState[] | undefined;
  /** Times at which a "spot is available again" decision is already scheduled. */
  readonly wakeups = new Set<number>();
  /** When a spot launch of each type was last refused for capacity, seconds. */
  readonly spotRefusals = new Map<string, number>();
  readonly events: SimEvent[] | undefined;
  readonly tallies = new Tallies();
  /** End of the run, seconds. */
  readonly horizonSeconds: number;
  /** Names of every instance type (decisions.ts `DecisionWorld`). */
  readonly typeNames: readonly string[];
  /** Bandwidth of every instance type, MB/s (a destination source's, planning/). */
  readonly bandwidthsMBps: readonly number[];

  constructor(
    readonly scenario: ResolvedScenario,
    workload: readonly ResolvedTask[],
    readonly options: SimulateOptions,
    /** The run that owns this state: what the policy sees, and the run's two hooks. */
    readonly owner: RunOwner,
  ) {
    this.horizonSeconds = scenario.horizonSeconds;
    for (const t of scenario.instanceTypes)
      this.markets.set(t.name, buildMarket(t, options.seed, scenario.horizonSeconds));
    this.#storageMBps = scenario.checkpoint.storageBandwidthGbps * MB_PER_SECOND_PER_GBPS;
    this.workload = workload;
    this.events = options.recordEvents ? [] : undefined;
    this.typeNames = [...this.markets.keys()];
    this.bandwidthsMBps = scenario.instanceTypes.map((t) => t.networkMBps);
  }

  // ---- DecisionWorld (decisions.ts) --------------------------------------------------------

  get policy(): string {
    return this.options.policy.name;
  }

  typeMemoryMb(typeName: string): number | undefined {
    return this.markets.get(typeName)?.type.gpuMemoryMb;
  }

  pendingTaskMemoryMb(taskId: string): number | undefined {
    const task = this.task(taskId);
    return task !== undefined && this.pending.has(task) ? task.memoryMb : undefined;
  }

  instance(id: string): InstanceState | undefined {
    return this.instancesById.get(id);
  }

  // ---- tasks -------------------------------------------------------------------------------

  /** The state of task `id` once it has arrived; undefined before, or for an unknown id. */
  task(id: string): TaskState | undefined {
    const flying = this.#inFlight.get(id);
    if (flying !== undefined) return flying;
    if (this.#byId === undefined) {
      this.#byId = new Map();
      for (const task of this.arrived) this.#byId.set(task.id, task);
    }
    return this.#byId.get(id);
  }

  /** Creates the state of the task at workload position `k` as it arrives. */
  arrive(k: number): TaskState {
    const task = this.#create(k);
    this.arrived.push(task);
    this.#arrivedAt.push(k);
    this.#inFlight.set(task.id, task);
    this.#byId?.set(task.id, task);
    return task;
  }

  /** A task completed: it is no longer in flight (still found by {@link RunState.task}). */
  completed(task: TaskState): void {
    this.#inFlight.delete(task.id);
  }

  /**
   * Every task's state in workload order, for the result: the tasks that never arrived get
   * theirs now (pending, no progress).
   */
  allTasks(): TaskState[] {
    const states: (TaskState | undefined)[] = this.workload.map(() => undefined);
    for (let i = 0; i < this.arrived.length; i++)
      states[this.#arrivedAt[i] as number] = this.arrived[i] as TaskState;
    return states.map((task, k) => task ?? this.#create(k));
  }

  #create(k: number): TaskState {
    const task = new TaskState(this.workload[k] as ResolvedTask, this.#storageMBps);
    task.clock = this.#clock;
    return task;
  }

  get now(): number {
    return this.engine.now;
  }

  /** Records an event when the run keeps its log. */
  log(
    kind: SimEvent['kind'],
    task?: TaskState,
    instance?: InstanceState,
    detail?: SimEvent['detail'],
  ): void {
    if (this.events === undefined) return;
    this.events.push({
      t: this.now,
      kind,
      ...(task ? { task: task.id } : {}),
      ...(instance ? { instance: instance.id } : {}),
      ...(detail ? { detail } : {}),
    });
  }

  /** The market of a type. @throws PolicyDecisionError for an unknown type. */
  market(typeName: string): TypeMarket {
    const m = this.markets.get(typeName);
    if (m === undefined) {
      throw new PolicyDecisionError(
        this.options.policy.name,
        `unknown instance type "${typeName}"; known: ${[...this.markets.keys()].join(', ')}`,
      );
    }
    return m;
  }

  /**
   * The first accepting instance in launch order, after position `from`, of `market` with at
   * least `minFreeMemoryMb` free. O(log instances).
   */
  findInstance(market: Market, minFreeMemoryMb: number, from = 0): InstanceState | undefined {
    const pos = this.capacity[market].firstFit(minFreeMemoryMb, from);
    return pos < 0 ? undefined : this.instances[pos];
  }

  /** A policy told "no spot now" is asked again when spot can next be launched. */
  wakeUpAt(t: number): void {
    if (!Number.isFinite(t) || t > this.horizonSeconds || this.wakeups.has(t)) return;
    this.wakeups.add(t);
    this.engine.scheduleAt(
      t,
      () => {
        this.wakeups.delete(t);
        this.owner.requestDecision();
      },
      'spot available',
      P_STATE,
    );
  }
}
