/**
 * The orchestrator: one sim-core `SchedulingPolicy` driving a cloud, with every state change
 * durable in the store. It is the {@link SimulationView} its policy sees, as `simulate`'s run is;
 * decisions are checked by sim-core's `checkDecisions` and notices answered by sim-core's
 * `respondToPreemption` (preemption.ts), so a policy and a planner behave as they do in
 * simulation. What differs is underneath: instances are the cloud's (launched, described and
 * terminated through a {@link CloudProvider}, after an intent is written), and the clock is the
 * cloud's.
 *
 * Event order at one instant is simulate's (sim-core simulate/state.ts): state changes (cloud
 * events, arrivals, starts, completions, detections), then policy ticks, then one coalesced
 * decision, then idle releases. Handlers are synchronous; what needs the cloud is queued as
 * work the driver awaits before the next event (run-live.ts), so nothing at the same instant
 * runs before a launch it depends on has returned.
 */

import {
  type CheckedDecisions,
  checkDecisions,
  type DecisionInstance,
  type Decisions,
  Engine,
  type InstanceView,
  type Market,
  type MigrationPlanner,
  type ResolvedInstanceType,
  type ResolvedScenario,
  type ResolvedTask,
  type SchedulingPolicy,
  type SimulationView,
  type TaskView,
} from '@synkti/sim-core';
import type { S3Location } from '../agent/s3-checkpoints.js';
import {
  CapacityError,
  type CloudEvent,
  type CloudProvider,
  type LoggedCloudEvent,
  type SpotMarketSnapshot,
} from '../cloud/provider.js';
import type { LiveStore } from '../store/store.js';
import { AgentWork } from './agents.js';
import { Lifecycle } from './lifecycle.js';
import { type LiveInstance, LiveTask } from './objects.js';
import { detectNotice } from './preemption.js';
import { resumeFromStore } from './resume.js';

/** The store's meta key holding the seq of the last cloud event handled. */
export const CLOUD_EVENT_SEQ = 'cloud_event_seq';
/** The store's meta key holding the tallies (JSON), saved with every step. */
export const TALLIES = 'tallies';

/** Priority of state changes (simulate's P_STATE). */
export const P_STATE = 0;
/** Priority of policy ticks, after the state changes of their instant (P_TICK). */
export const P_TICK = 5;
/** Priority of a policy decision, after ticks (P_DECIDE). */
export const P_DECIDE = 10;
/** Priority of idle releases, after decisions (P_IDLE). */
export const P_IDLE = 20;

/** What an orchestrator runs. */
export interface OrchestratorOptions {
  readonly scenario: ResolvedScenario;
  readonly tasks: readonly ResolvedTask[];
  readonly policy: SchedulingPolicy;
  readonly migration: MigrationPlanner;
  readonly store: LiveStore;
  readonly cloud: CloudProvider;
  /** Names this run's launches (idempotency tokens, tags). */
  readonly runId: string;
  /** The cloud's time when the orchestrator starts, seconds (0 for a fresh run). */
  readonly startSeconds?: number;
  /**
   * Called when a notice's preemption response has been applied, with the instance's view id
   * and the time the detection was due, seconds (for measurements: `npm run bench:live`).
   */
  readonly onResponded?: (instanceId: string, dueSeconds: number) => void;
  /**
   * The command every job runs on its instance's agent (an argv array); none: synthetic tasks
   * (core/agents.ts). Only with agents, and only on a clock that moves with the wall.
   */
  readonly workloadCommand?: readonly string[];
  /** Retries of a job whose command exits non-zero, before it is FAILED. Default 2. */
  readonly taskRetries?: number;
  /**
   * Called when a source agent has checkpointed a job at a notice's detection (with agents),
   * with the job's id and the time the detection was due, seconds (`npm run bench:live`).
   */
  readonly onCheckpointed?: (taskId: string, dueSeconds: number) => void;
  /** Where jobs' checkpoints are kept between instances (with agents). */
  readonly checkpointDir?: string;
  /**
   * Wall milliseconds an instance's agent may take to serve before the instance counts as
   * failed. Default 30 s (an emulated instance's); a real instance boots for minutes.
   */
  readonly agentStartMs?: number;
  /**
   * S3 for the checkpoints of jobs left without a destination (AWS): the source agent uploads
   * there and the next instance's agent restores from there. Keys are `prefix` + the job id.
   */
  readonly s3Checkpoints?: Omit<S3Location, 'key'> & { readonly prefix: string };
}

/** Counts of what happened, for the summary (summary.ts). */
export interface LiveTallies {
  preemptions: number;
  full: number;
  partial: number;
  restarts: number;
  lostSeconds: number;
  migrations: number;
  launchRefusals: number;
  downtimes: number[];
  completionTimes: number[];
}

/** See the file comment. */
export class Orchestrator implements SimulationView {
  readonly engine: Engine;
  readonly tasks = new Map<string, LiveTask>();
  readonly instances: LiveInstance[] = [];
  readonly byView = new Map<string, LiveInstance>();
  readonly byCloudId = new Map<string, LiveInstance>();
  readonly pending = new Set<LiveTask>();
  /** When a spot launch of each type was last refused for capacity (a CapacityError), seconds. */
  readonly spotRefusals = new Map<string, number>();
  readonly tallies: LiveTallies = {
    preemptions: 0,
    full: 0,
    partial: 0,
    restarts: 0,
    lostSeconds: 0,
    migrations: 0,
    launchRefusals: 0,
    downtimes: [],
    completionTimes: [],
  };
  readonly lifecycle: Lifecycle;
  /** What goes through the instances' agents. */
  readonly agents: AgentWork;
  /** Cloud work queued by handlers, awaited by the driver in order. */
  readonly work: (() => Promise<void>)[] = [];
  #decisionScheduled = false;
  readonly #wakeups = new Set<number>();
  /** Every type's spot market, read from the cloud before the policy is asked anything. */
  #markets: ReadonlyMap<string, SpotMarketSnapshot> = new Map();

  constructor(readonly options: OrchestratorOptions) {
    this.engine = new Engine(options.startSeconds ?? 0);
    this.lifecycle = new Lifecycle(this);
    this.agents = new AgentWork(this);
  }

  /** Saves the tallies (with the step that changed them). */
  saveTallies(): void {
    this.options.store.setMeta(TALLIES, JSON.stringify(this.tallies));
  }

  // ---- SimulationView ----------------------------------------------------------------------

  get now(): number {
    return this.engine.now;
  }
  get scenario(): ResolvedScenario {
    return this.options.scenario;
  }
  get horizonSeconds(): number {
    return this.scenario.horizonSeconds;
  }
  get instanceTypes(): readonly ResolvedInstanceType[] {
    return this.scenario.instanceTypes;
  }
  get restartOverheadSeconds(): number {
    return this.scenario.restartOverheadSeconds;
  }
  get policyTickSeconds(): number | undefined {
    return this.scenario.policyTickSeconds;
  }
  get gracePeriodSeconds(): number {
    return this.scenario.gracePeriodSeconds;
  }
  get detectionLatencySeconds(): number {
    return this.scenario.detectionLatencySeconds;
  }

  pendingTasks(): readonly TaskView[] {
    return [...this.pending].sort(
      (a, b) => a.arrivalSeconds - b.arrivalSeconds || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  }

  liveInstances(): readonly InstanceView[] {
    return this.instances.filter(
      (i) => i.state === 'booting' || i.state === 'running' || i.state === 'notified',
    );
  }

  findInstance(
    market: Market,
    minFreeMemoryMb: number,
    after?: InstanceView,
  ): InstanceView | undefined {
    return this.findFrom(market, minFreeMemoryMb, after ? after.position + 1 : 0);
  }

  /** The first accepting instance of `market` at position ≥ `from` with the room asked. */
  findFrom(market: Market, minFreeMemoryMb: number, from: number): LiveInstance | undefined {
    for (let k = from; k < this.instances.length; k++) {
      const i = this.instances[k] as LiveInstance;
      if (i.market === market && i.accepting && i.freeMemoryMb >= minFreeMemoryMb) return i;
    }
    return undefined;
  }

  #market(typeName: string): SpotMarketSnapshot {
    const m = this.#markets.get(typeName);
    if (m === undefined) throw new Error(`unknown instance type "${typeName}"`);
    return m;
  }

  spotPricePerHour(typeName: string): number {
    return this.#market(typeName).spotPerHour;
  }

  spotAvailable(typeName: string): boolean {
    const next = this.#market(typeName).spotAvailableAt;
    if (next <= this.now) return true;
    this.wakeUpAt(next);
    return false;
  }

  lastSpotRefusalAt(typeName: string): number | undefined {
    return this.spotRefusals.get(typeName);
  }

  task(id: string): TaskView | undefined {
    return this.tasks.get(id);
  }

  instance(id: string): InstanceView | undefined {
    return this.byView.get(id);
  }

  // ---- start ---------------------------------------------------------------------------------

  /** The bandwidth of jobs' periodic checkpoints to storage, MB/s. */
  get storageMBps(): number {
    return this.scenario.checkpoint.storageBandwidthGbps * 125;
  }

  /**
   * Starts the run: a fresh store gets the jobs, scheduled from time 0; a store that holds a run
   * (after a crash; by default, one that has jobs) is resumed from where it stands (resume.ts).
   */
  start(resumed = this.options.store.jobs().length > 0): void {
    const { store } = this.options;
    const fresh = !resumed;
    if (fresh) store.insertJobs(this.options.tasks, this.now);
    for (const row of store.jobs()) {
      const task = new LiveTask(row, this.storageMBps);
      task.clock = () => this.now;
      this.tasks.set(task.id, task);
    }
    if (!fresh) {
      resumeFromStore(this);
    } else {
      for (const task of this.tasks.values()) this.scheduleArrival(task);
    }
    this.scheduleTicks();
  }

  /** Schedules `task`'s arrival (within the horizon). */
  scheduleArrival(task: LiveTask): void {
    if (task.arrivalSeconds > this.horizonSeconds) return;
    this.engine.scheduleAt(
      Math.max(task.arrivalSeconds, this.now),
      () => {
        if (task.status === 'completed') return; // cancelled before it arrived
        this.pending.add(task);
        this.requestDecision();
      },
      `arrival ${task.id}`,
      P_STATE,
    );
  }

  /** Policy ticks at k × tick, from the first after now (at time 0: the first, at tick). */
  scheduleTicks(): void {
    const tick = this.scenario.policyTickSeconds;
    if (tick === undefined) return;
    const onTick = (k: number): void => {
      // The policy may read prices: both run with a fresh market snapshot, in this order.
      this.withMarkets(() => {
        this.lifecycle.policyMoves();
        this.requestDecision();
      });
      const next = (k + 1) * tick;
      if (next <= this.horizonSeconds) {
        this.engine.scheduleAt(next, () => onTick(k + 1), 'policy tick', P_TICK);
      }
    };
    // At a restart exactly on a tick, that tick runs (again, if it ran before the crash: a tick
    // only asks the policy).
    const first = Math.max(1, Math.ceil(this.now / tick));
    if (first * tick <= this.horizonSeconds) {
      this.engine.scheduleAt(first * tick, () => onTick(first), 'policy tick', P_TICK);
    }
  }

  // ---- events from the cloud -----------------------------------------------------------------

  /**
   * Takes a cloud event in at its time (the driver has moved the clock there). Its handling
   * records its seq in the store, in the same transaction, so a restarted orchestrator reads the
   * cloud's log from the first event it had not handled.
   */
  cloudEvent(logged: LoggedCloudEvent): void {
    const e = logged.event;
    this.engine.scheduleAt(
      Math.max(e.at, this.now),
      () => {
        this.#onCloudEvent(e);
        this.options.store.setMeta(CLOUD_EVENT_SEQ, String(logged.seq));
      },
      `cloud ${e.kind}`,
      P_STATE,
    );
  }

  #onCloudEvent(e: CloudEvent): void {
    const inst = this.byCloudId.get(e.instanceId);
    if (inst === undefined) return; // not one of this run's instances
    if (e.kind === 'interruption-warning') this.lifecycle.notice(inst);
    else if (e.kind === 'rebalance-recommendation') this.lifecycle.rebalance(inst);
    else if (e.kind === 'state' && e.state === 'running') this.lifecycle.ready(inst);
    else if (e.kind === 'state' && e.state === 'terminated')
      this.lifecycle.ended(inst, 'terminated', e.at);
  }

  /** The notice's detection: the preemption response (preemption.ts). */
  detect(inst: LiveInstance): void {
    detectNotice(this, inst);
    this.options.onResponded?.(inst.id, this.now);
  }

  // ---- decisions -----------------------------------------------------------------------------

  /** Asks the policy for a decision at this instant (coalesced), after ticks. */
  requestDecision(): void {
    if (this.#decisionScheduled || this.pending.size === 0) return;
    this.#decisionScheduled = true;
    this.engine.schedule(0, () => this.#decide(), 'policy decision', P_DECIDE);
  }

  /** A policy told "no spot now" is asked again when spot can next be launched. */
  wakeUpAt(t: number): void {
    if (!Number.isFinite(t) || t > this.horizonSeconds || this.#wakeups.has(t)) return;
    this.#wakeups.add(t);
    this.engine.scheduleAt(
      t,
      () => {
        this.#wakeups.delete(t);
        this.requestDecision();
      },
      'spot available',
      P_STATE,
    );
  }

  /** Queues `fn` as cloud work, run with a fresh market snapshot (the policy may read it). */
  withMarkets(fn: () => Promise<void> | void): void {
    this.work.push(async () => {
      this.#markets = await this.options.cloud.markets();
      await fn();
    });
  }

  #decide(): void {
    this.#decisionScheduled = false;
    this.withMarkets(async () => {
      if (this.pending.size === 0) return;
      const checked = checkDecisions(this.options.policy.decide(this), this.#world());
      await this.#apply(checked);
    });
  }

  /** The decision world of `checkDecisions`: this orchestrator's state. */
  #world() {
    const policy = this.options.policy.name;
    const types = new Map(this.instanceTypes.map((t) => [t.name, t]));
    return {
      policy,
      typeNames: [...types.keys()],
      typeMemoryMb: (name: string) => types.get(name)?.gpuMemoryMb,
      pendingTaskMemoryMb: (id: string) => {
        const t = this.tasks.get(id);
        return t !== undefined && this.pending.has(t) ? t.memoryMb : undefined;
      },
      instance: (id: string): DecisionInstance | undefined => this.byView.get(id),
    };
  }

  /** Carries out a checked decision: launches (intent first), placements, releases. */
  async #apply(d: CheckedDecisions): Promise<void> {
    const launched: (LiveInstance | undefined)[] = [];
    for (const req of d.launches) {
      try {
        launched.push(await this.lifecycle.launch(req.instanceType, req.market));
      } catch (error) {
        if (!(error instanceof CapacityError)) throw error;
        this.tallies.launchRefusals++;
        this.spotRefusals.set(req.instanceType, this.now);
        if (error.availableAt !== undefined) this.wakeUpAt(error.availableAt);
        launched.push(undefined); // the tasks placed on it stay pending
      }
    }
    for (const p of d.placements) {
      const task = this.tasks.get(p.taskId) as LiveTask;
      const inst = 'launchIndex' in p ? launched[p.launchIndex] : this.byView.get(p.instanceId);
      if (inst === undefined) continue;
      this.pending.delete(task);
      this.lifecycle.assign(task, inst, this.lifecycle.resumeTime(task, inst, this.now), 'placed');
    }
    for (const id of d.releases) await this.lifecycle.release(this.byView.get(id) as LiveInstance);
    for (const inst of launched)
      if (inst && inst.tasks.size === 0) this.lifecycle.scheduleIdle(inst);
  }
}

export type { Decisions };
