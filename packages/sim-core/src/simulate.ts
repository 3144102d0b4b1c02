/**
 * `simulate`: one seeded run of a scenario under a policy and a migration planner.
 *
 * Randomness (common random numbers): the workload draws from stream `workload`, each spot
 * price from `prices/<type>`, and the k-th spot instance launched of a type from
 * `preemptions/<type>/<k>`. Runs that differ only in policy or planner therefore see the same
 * tasks, the same prices and the same preemption draws for corresponding instances.
 *
 * Event priorities at equal times: state changes (arrivals, boots, starts, completions,
 * notices, detections, terminations) first, in scheduling order; then policy ticks (the
 * policy's moves of running tasks); then policy decisions; then idle releases — so a tick and a
 * decision see every change of their instant (a spot instance whose trace tick turns
 * unavailable at t is gone before the tick at t asks the policy anything, as in the Can't Be
 * Late simulator), and an instance freed at t can take a pending task at t before it is
 * released.
 */

import { CapacityIndex } from './cluster/capacity-index.js';
import { InstanceState } from './cluster/instance-state.js';
import { TaskState } from './cluster/task-state.js';
import { type ResolvedTask, resolveWorkload } from './cluster/workload.js';
import { Engine } from './engine/engine.js';
import { createRng } from './engine/rng.js';
import { AvailabilityTrace } from './market/availability-trace.js';
import { instanceCostUsd } from './market/billing.js';
import { OuPriceProcess } from './market/ou-price.js';
import {
  PoissonPreemption,
  type PreemptionProcess,
  PriceSensitivePreemption,
  TracePreemption,
} from './market/preemption.js';
import { ConstantPrice, type PriceProcess } from './market/price-process.js';
import { TracePriceProcess } from './market/spot-price-history.js';
import { traceOffsetSeconds } from './market/trace-offset.js';
import { checkInvariants, type InvariantMemory } from './metrics/invariants.js';
import type { RunResult, SimEvent, SpotPriceSample } from './metrics/run-result.js';
import { mean, quantile } from './metrics/stats.js';
import {
  type Destination,
  MIGRATION_PLANNERS,
  type MigrationPlanner,
  type PlannedMove,
} from './planning/migration.js';
import { respondToPreemption } from './planning/preemption-response.js';
import {
  type Decisions,
  type InstanceView,
  type Market,
  PolicyDecisionError,
  type SchedulingPolicy,
  type SimulationView,
  type TaskView,
} from './policy.js';
import type { Scenario } from './scenario.js';
import {
  MB_PER_SECOND_PER_GBPS,
  type ResolvedInstanceType,
  type ResolvedScenario,
  resolveScenario,
} from './scenario-resolve.js';
import { checkSimulateOptions, type SimulateOptions } from './simulate-options.js';

export type { SimulateOptions } from './simulate-options.js';

const P_STATE = 0;
const P_TICK = 5;
const P_DECIDE = 10;
const P_IDLE = 20;

/** Market state of one instance type: its spot price and preemption process. */
interface TypeMarket {
  readonly type: ResolvedInstanceType;
  readonly spotPrice: PriceProcess;
  readonly onDemandPrice: PriceProcess;
  readonly preemption: PreemptionProcess;
  /** Spot instances launched so far (names the preemption streams). */
  spotLaunched: number;
  /** Live spot instances (their slots). */
  readonly spotSlots: Set<number>;
}

function buildMarket(
  type: ResolvedInstanceType,
  seed: string | number,
  horizonSeconds: number,
): TypeMarket {
  const sp = type.spotPrice;
  let spotPrice: PriceProcess;
  if (sp.kind === 'ou') {
    spotPrice = new OuPriceProcess(
      {
        meanPerHour: sp.meanPerHour,
        theta: sp.theta,
        sigma: sp.sigma,
        ...(sp.initialPerHour !== undefined ? { initialPerHour: sp.initialPerHour } : {}),
        floorPerHour: sp.floorPerHour ?? 0,
        capPerHour: sp.capPerHour ?? type.onDemandPerHour,
      },
      sp.stepSeconds ?? 300,
      createRng(seed, `prices/${type.name}`),
    );
  } else if (sp.kind === 'constant') {
    spotPrice = new ConstantPrice(sp.perHour);
  } else {
    spotPrice = new TracePriceProcess(sp.records, {
      instanceType: sp.instanceType ?? type.name,
      availabilityZone: sp.availabilityZone,
      ...(sp.productDescription !== undefined ? { productDescription: sp.productDescription } : {}),
      ...(sp.startSeconds !== undefined ? { startSeconds: sp.startSeconds } : {}),
    });
  }
  const pp = type.preemption;
  let preemption: PreemptionProcess;
  if (pp.kind === 'trace') {
    const offset = traceOffsetSeconds(pp, type.name, seed, horizonSeconds);
    preemption = new TracePreemption(new AvailabilityTrace(pp.trace, offset));
  } else if ((pp.priceSensitivity ?? 0) !== 0) {
    const mu =
      sp.kind === 'ou' ? sp.meanPerHour : (spotPrice.minPerHour + spotPrice.maxPerHour) / 2;
    preemption = new PriceSensitivePreemption(
      pp.ratePerHour ?? 0.05,
      pp.priceSensitivity ?? 0,
      spotPrice,
      mu,
    );
  } else {
    preemption = new PoissonPreemption(pp.ratePerHour ?? 0.05);
  }
  return {
    type,
    spotPrice,
    onDemandPrice: new ConstantPrice(type.onDemandPerHour),
    preemption,
    spotLaunched: 0,
    spotSlots: new Set(),
  };
}

/**
 * Runs `scenario` once. Deterministic: the same scenario, options and seed give an identical
 * result.
 *
 * @throws SimulateOptionsError on an invalid option, ScenarioError on an invalid scenario (both
 * before anything runs).
 * @throws EventFailedError wrapping a PolicyDecisionError when the policy returns an invalid
 * decision, or an InvariantViolation when `checkInvariants` finds one.
 */
export function simulate(scenario: Scenario, options: SimulateOptions): RunResult {
  checkSimulateOptions(options);
  const resolved = resolveScenario(scenario);
  const workload = resolveWorkload(scenario.workload, options.seed);
  return new Run(resolved, workload, options).execute();
}

class Run implements SimulationView {
  readonly engine = new Engine();
  readonly horizonSeconds: number;
  readonly instanceTypes: readonly ResolvedInstanceType[];
  readonly restartOverheadSeconds: number;
  readonly policyTickSeconds: number | undefined;
  readonly gracePeriodSeconds: number;
  readonly detectionLatencySeconds: number;
  readonly #markets = new Map<string, TypeMarket>();
  readonly #tasks: TaskState[];
  readonly #tasksById = new Map<string, TaskState>();
  readonly #pending = new Set<TaskState>();
  readonly #instances: InstanceState[] = [];
  readonly #instancesById = new Map<string, InstanceState>();
  readonly #live = new Set<InstanceState>();
  readonly #capacity: Record<Market, CapacityIndex> = {
    spot: new CapacityIndex(),
    'on-demand': new CapacityIndex(),
  };
  #liveCache: InstanceState[] | undefined;
  #decisionScheduled = false;
  readonly #wakeups = new Set<number>();
  readonly #events: SimEvent[] | undefined;
  readonly #downtimes: number[] = [];
  readonly #completionTimes: number[] = [];
  #preemptions = 0;
  #full = 0;
  #partial = 0;
  #restarts = 0;
  #lostSeconds = 0;
  #migrations = 0;
  #decisions = 0;
  #displacedCount = 0;
  readonly #counterfactual: Record<MigrationPlanner, { placed: number; edgeSeconds: number }> = {
    'first-fit': { placed: 0, edgeSeconds: 0 },
    greedy: { placed: 0, edgeSeconds: 0 },
    optimal: { placed: 0, edgeSeconds: 0 },
  };

  constructor(
    readonly scenario: ResolvedScenario,
    workload: readonly ResolvedTask[],
    readonly options: SimulateOptions,
  ) {
    this.horizonSeconds = scenario.horizonSeconds;
    this.instanceTypes = scenario.instanceTypes;
    this.restartOverheadSeconds = scenario.restartOverheadSeconds;
    this.policyTickSeconds = scenario.policyTickSeconds;
    this.gracePeriodSeconds = scenario.gracePeriodSeconds;
    this.detectionLatencySeconds = scenario.detectionLatencySeconds;
    for (const t of scenario.instanceTypes)
      this.#markets.set(t.name, buildMarket(t, options.seed, this.horizonSeconds));
    const storageMBps = scenario.checkpoint.storageBandwidthGbps * MB_PER_SECOND_PER_GBPS;
    const clock = () => this.engine.now;
    this.#tasks = workload.map((spec) => {
      const task = new TaskState(spec, storageMBps);
      task.clock = clock;
      this.#tasksById.set(task.id, task);
      return task;
    });
    this.#events = options.recordEvents ? [] : undefined;
  }

  get now(): number {
    return this.engine.now;
  }

  // ---- SimulationView ----------------------------------------------------------------------

  pendingTasks(): readonly TaskView[] {
    return [...this.#pending].sort(
      (a, b) => a.arrivalSeconds - b.arrivalSeconds || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  }

  liveInstances(): readonly InstanceView[] {
    this.#liveCache ??= [...this.#live];
    return this.#liveCache;
  }

  findInstance(
    market: Market,
    minFreeMemoryMb: number,
    after?: InstanceView,
  ): InstanceView | undefined {
    const pos = this.#capacity[market].firstFit(minFreeMemoryMb, after ? after.position + 1 : 0);
    return pos < 0 ? undefined : this.#instances[pos];
  }

  spotPricePerHour(typeName: string): number {
    return this.#market(typeName).spotPrice.priceAt(this.now);
  }

  spotAvailable(typeName: string): boolean {
    const m = this.#market(typeName);
    const next = m.preemption.nextLaunchAt(this.now, this.#freeSlot(m));
    if (next <= this.now) return true;
    this.#wakeUpAt(next);
    return false;
  }

  /** A policy told "no spot now" is asked again when spot can next be launched. */
  #wakeUpAt(t: number): void {
    if (!Number.isFinite(t) || t > this.horizonSeconds || this.#wakeups.has(t)) return;
    this.#wakeups.add(t);
    this.engine.scheduleAt(
      t,
      () => {
        this.#wakeups.delete(t);
        this.#requestDecision();
      },
      'spot available',
      P_STATE,
    );
  }

  task(id: string): TaskView | undefined {
    return this.#tasksById.get(id);
  }

  instance(id: string): InstanceView | undefined {
    return this.#instancesById.get(id);
  }

  #market(typeName: string): TypeMarket {
    const m = this.#markets.get(typeName);
    if (m === undefined) {
      throw new PolicyDecisionError(
        this.options.policy.name,
        `unknown instance type "${typeName}"; known: ${[...this.#markets.keys()].join(', ')}`,
      );
    }
    return m;
  }

  /** The lowest pool slot no live spot instance of the type holds. Only traces use slots. */
  #freeSlot(m: TypeMarket): number {
    if (m.type.preemption.kind !== 'trace') return 0;
    let slot = 0;
    while (m.spotSlots.has(slot)) slot++;
    return slot;
  }

  // ---- the run -----------------------------------------------------------------------------

  execute(): RunResult {
    const { engine } = this;
    for (const task of this.#tasks) {
      if (task.arrivalSeconds > this.horizonSeconds) continue;
      engine.scheduleAt(
        task.arrivalSeconds,
        () => this.#arrive(task),
        `arrival ${task.id}`,
        P_STATE,
      );
    }
    const tick = this.scenario.policyTickSeconds;
    if (tick !== undefined) {
      // Tick k at k × tick exactly (not a running sum), so ticks equal to a trace's gap stay on
      // its tick starts.
      const onTick = (k: number): void => {
        this.#policyMoves();
        this.#requestDecision();
        const next = (k + 1) * tick;
        if (next <= this.horizonSeconds)
          engine.scheduleAt(next, () => onTick(k + 1), 'policy tick', P_TICK);
      };
      if (tick <= this.horizonSeconds)
        engine.scheduleAt(tick, () => onTick(1), 'policy tick', P_TICK);
    }
    if (this.options.checkInvariants) {
      const memory: InvariantMemory = { lastTime: 0, lastCostUsd: 0 };
      while (engine.nextEventTime <= this.horizonSeconds) {
        engine.step();
        checkInvariants(
          this.now,
          this.#tasks,
          this.#instances,
          this.#accruedCost(this.now),
          memory,
        );
      }
    }
    engine.run(this.horizonSeconds);
    return this.#result();
  }

  #log(
    kind: SimEvent['kind'],
    task?: TaskState,
    instance?: InstanceState,
    detail?: SimEvent['detail'],
  ): void {
    if (this.#events === undefined) return;
    this.#events.push({
      t: this.now,
      kind,
      ...(task ? { task: task.id } : {}),
      ...(instance ? { instance: instance.id } : {}),
      ...(detail ? { detail } : {}),
    });
  }

  #arrive(task: TaskState): void {
    task.arrived = true;
    this.#pending.add(task);
    this.#log('arrival', task);
    this.#requestDecision();
  }

  #requestDecision(): void {
    if (this.#decisionScheduled || this.#pending.size === 0) return;
    this.#decisionScheduled = true;
    this.engine.schedule(0, () => this.#decide(), 'policy decision', P_DECIDE);
  }

  #decide(): void {
    this.#decisionScheduled = false;
    if (this.#pending.size === 0) return;
    const decisions = this.options.policy.decide(this);
    this.#apply(decisions);
  }

  #apply(d: Decisions): void {
    const policy = this.options.policy.name;
    if (d === null || typeof d !== 'object') {
      throw new PolicyDecisionError(
        policy,
        `decide returned ${String(d)}, expected a Decisions object ({} to decide nothing)`,
      );
    }
    const launched: (InstanceState | undefined)[] = [];
    for (const [k, req] of (d.launches ?? []).entries()) {
      const m = this.#market(req.instanceType);
      if (req.market !== 'spot' && req.market !== 'on-demand') {
        throw new PolicyDecisionError(
          policy,
          `launches[${k}].market must be "spot" or "on-demand", got ${String(req.market)}`,
        );
      }
      launched.push(this.#launch(m, req.market));
    }
    for (const [k, p] of (d.placements ?? []).entries()) {
      const task = this.#tasksById.get(p.taskId);
      if (task === undefined || !this.#pending.has(task)) {
        throw new PolicyDecisionError(
          policy,
          `placements[${k}]: task "${p.taskId}" is not pending`,
        );
      }
      let inst: InstanceState | undefined;
      if ('launchIndex' in p) {
        if (
          !(
            Number.isInteger(p.launchIndex) &&
            p.launchIndex >= 0 &&
            p.launchIndex < launched.length
          )
        ) {
          throw new PolicyDecisionError(
            policy,
            `placements[${k}].launchIndex ${p.launchIndex} names no launch`,
          );
        }
        inst = launched[p.launchIndex];
        if (inst === undefined) continue; // spot launch refused: the task stays pending
      } else {
        inst = this.#instancesById.get(p.instanceId);
        if (inst === undefined || !inst.accepting) {
          throw new PolicyDecisionError(
            policy,
            `placements[${k}]: instance "${p.instanceId}" is ${inst ? inst.state : 'unknown'}, not booting or running`,
          );
        }
      }
      if (task.memoryMb > inst.freeMemoryMb + 1e-9) {
        throw new PolicyDecisionError(
          policy,
          `placements[${k}]: task "${task.id}" needs ${task.memoryMb} MB, instance "${inst.id}" has ${inst.freeMemoryMb} MB free`,
        );
      }
      this.#pending.delete(task);
      this.#assign(task, inst, this.#resumeTime(task, inst, this.now));
    }
    for (const id of d.releases ?? []) {
      const inst = this.#instancesById.get(id);
      if (inst === undefined || !inst.accepting || inst.tasks.size > 0) {
        throw new PolicyDecisionError(
          policy,
          `release of "${id}": only idle booting or running instances can be released`,
        );
      }
      this.#end(inst, 'released');
    }
    // Launches nobody used become idle and follow the idle-release rule.
    for (const inst of launched) if (inst && inst.tasks.size === 0) this.#scheduleIdle(inst);
  }

  #launch(m: TypeMarket, market: Market): InstanceState | undefined {
    const now = this.now;
    let slot = 0;
    if (market === 'spot') {
      slot = this.#freeSlot(m);
      const next = m.preemption.nextLaunchAt(now, slot);
      if (next > now) {
        this.#log('launch-refused', undefined, undefined, { type: m.type.name });
        this.#wakeUpAt(next); // ask the policy again when spot capacity returns
        return undefined;
      }
    }
    const id = `i${this.#instances.length}`;
    const price = market === 'spot' ? m.spotPrice : m.onDemandPrice;
    const inst = new InstanceState(
      id,
      m.type,
      market,
      now,
      now + m.type.bootSeconds,
      price,
      slot,
      this.#instances.length,
    );
    const index = this.#capacity[market];
    inst.onChange = (i) =>
      index.set(i.position, i.accepting ? i.freeMemoryMb : Number.NEGATIVE_INFINITY);
    inst.onChange(inst);
    this.#instances.push(inst);
    this.#instancesById.set(id, inst);
    this.#live.add(inst);
    this.#liveCache = undefined;
    this.#log('launch', undefined, inst, { market, type: m.type.name });
    inst.events.push(
      this.engine.scheduleAt(
        inst.readyAt,
        () => {
          if (inst.state === 'booting') inst.state = 'running';
          this.#log('ready', undefined, inst);
        },
        `ready ${id}`,
        P_STATE,
      ),
    );
    if (market === 'spot') {
      m.spotSlots.add(slot);
      const rng = createRng(this.options.seed, `preemptions/${m.type.name}/${m.spotLaunched++}`);
      const noticeAt = m.preemption.nextNoticeAt(now, this.horizonSeconds, rng, slot);
      if (noticeAt <= this.horizonSeconds) {
        inst.events.push(
          this.engine.scheduleAt(noticeAt, () => this.#notice(inst), `notice ${id}`, P_STATE),
        );
      }
    }
    return inst;
  }

  /**
   * When a task placed on `inst` at `t` starts computing (boot, state restore, overhead). Every
   * start on an instance other than the one it last computed on pays the restart overhead, the
   * first start included (docs/model.md).
   */
  #resumeTime(task: TaskState, inst: InstanceState, t: number): number {
    let start = Math.max(t, inst.readyAt, task.stateReadyAt);
    if (task.needsRestore) start += task.stateMb / inst.type.networkMBps;
    if (task.lastInstanceId !== inst.id) start += this.restartOverheadSeconds;
    return start;
  }

  #assign(task: TaskState, inst: InstanceState, startAt: number): void {
    this.#cancelIdle(inst);
    inst.add(task);
    task.instance = inst;
    task.lastMarket = inst.market;
    task.status = 'assigned';
    this.#log('place', task, inst, { startAt });
    task.startEvent = this.engine.scheduleAt(
      startAt,
      () => this.#start(task),
      `start ${task.id}`,
      P_STATE,
    );
  }

  #start(task: TaskState): void {
    const inst = task.instance as InstanceState;
    task.startEvent = undefined;
    task.status = 'running';
    task.runningSince = this.now;
    task.speed = inst.type.speed;
    task.needsRestore = false;
    task.lastInstanceId = inst.id;
    if (task.displacedAt !== undefined) {
      this.#downtimes.push(this.now - task.displacedAt);
      task.displacedAt = undefined;
    }
    this.#log('start', task, inst);
    const done = task.completionTime(this.now, task.speed);
    if (done <= this.horizonSeconds) {
      task.completionEvent = this.engine.scheduleAt(
        done,
        () => this.#complete(task),
        `complete ${task.id}`,
        P_STATE,
      );
    }
  }

  #complete(task: TaskState): void {
    const inst = task.instance as InstanceState;
    task.completionEvent = undefined;
    task.runningSince = undefined;
    task.baseProgress = task.workSeconds;
    task.status = 'completed';
    task.completedAt = this.now;
    task.instance = undefined;
    inst.remove(task);
    this.#completionTimes.push(this.now - task.arrivalSeconds);
    this.#log('complete', task, inst);
    if (inst.tasks.size === 0) this.#scheduleIdle(inst);
    this.#requestDecision();
  }

  #scheduleIdle(inst: InstanceState): void {
    if (!inst.accepting || inst.idleEvent) return;
    inst.idleEvent = this.engine.schedule(
      this.scenario.idleReleaseSeconds,
      () => {
        inst.idleEvent = undefined;
        if (inst.accepting && inst.tasks.size === 0) this.#end(inst, 'released');
      },
      `idle ${inst.id}`,
      P_IDLE,
    );
  }

  #end(inst: InstanceState, state: 'released' | 'terminated'): void {
    inst.state = state;
    inst.endedAt = this.now;
    for (const e of inst.events) this.engine.cancel(e);
    this.#cancelIdle(inst);
    this.#live.delete(inst);
    this.#liveCache = undefined;
    this.#freeSpotSlot(inst);
    this.#log(state === 'released' ? 'release' : 'terminate', undefined, inst);
  }

  #cancelIdle(inst: InstanceState): void {
    if (inst.idleEvent) this.engine.cancel(inst.idleEvent);
    inst.idleEvent = undefined;
  }

  /**
   * Takes `task` off `inst` and makes it pending: cancels its completion (folding progress in)
   * or its pending start. Returns whether it was computing.
   */
  #detach(task: TaskState, inst: InstanceState): boolean {
    const wasComputing = task.status === 'running';
    if (task.completionEvent) this.engine.cancel(task.completionEvent);
    if (task.startEvent) this.engine.cancel(task.startEvent);
    task.completionEvent = undefined;
    task.startEvent = undefined;
    if (wasComputing) task.stopAt(this.now);
    inst.remove(task);
    task.instance = undefined;
    task.status = 'pending';
    task.detachedAtSeconds = this.now;
    return wasComputing;
  }

  /** A spot instance gives its pool slot back at notice (its capacity is gone) or at its end. */
  #freeSpotSlot(inst: InstanceState): void {
    if (inst.market !== 'spot' || inst.state === 'notified' || !inst.holdsSlot) return;
    inst.holdsSlot = false;
    this.#markets.get(inst.type.name)?.spotSlots.delete(inst.slot);
  }

  #notice(inst: InstanceState): void {
    this.#preemptions++;
    this.#freeSpotSlot(inst);
    inst.state = 'notified';
    this.#cancelIdle(inst);
    this.#log('notice', undefined, inst, { price: inst.price.priceAt(this.now) });
    const { gracePeriodSeconds, detectionLatencySeconds } = this.scenario;
    this.engine.schedule(
      detectionLatencySeconds,
      () => this.#detect(inst),
      `detect ${inst.id}`,
      P_STATE,
    );
    this.engine.schedule(
      gracePeriodSeconds,
      () => this.#end(inst, 'terminated'),
      `terminate ${inst.id}`,
      P_STATE,
    );
  }

  /** The orchestrator learns of a notice: checkpoint, migrate, hand the rest to the policy. */
  #detect(inst: InstanceState): void {
    const now = this.now;
    this.#log('detect', undefined, inst);
    const computing = new Set<TaskState>();
    const displaced: TaskState[] = [];
    for (const task of [...inst.tasks].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      task.preemptions++;
      task.displacedAt ??= now;
      // A task not computing yet (waiting for boot or restore) still has its state in storage.
      if (this.#detach(task, inst)) computing.add(task);
      displaced.push(task);
    }
    // Tasks displaced earlier and still waiting for capacity are matched too.
    const fromHere = new Set(displaced);
    for (const task of this.#pending)
      if (task.preemptions > 0 && !fromHere.has(task)) displaced.push(task);

    // Candidates from the capacity index: accepting instances with room for the smallest task.
    const smallest = Math.min(...displaced.map((t) => t.memoryMb));
    const destinations: Destination[] = [];
    for (const market of ['spot', 'on-demand'] as const) {
      for (
        let d = this.findInstance(market, smallest);
        d;
        d = this.findInstance(market, smallest, d)
      ) {
        destinations.push({
          id: d.id,
          position: d.position,
          freeMemoryMb: d.freeMemoryMb,
          bandwidthMBps: d.type.networkMBps,
          bootSecondsLeft: Math.max(0, d.readyAt - now),
        });
      }
    }
    const policy = this.options.policy;
    const accepts = policy.acceptsMigration?.bind(policy);
    const response = respondToPreemption({
      sourceBandwidthMBps: inst.type.networkMBps,
      displaced: displaced.map((task) => ({
        id: task.id,
        memoryMb: task.memoryMb,
        stateMb: task.stateMb,
        computing: computing.has(task),
        needsRestore: task.needsRestore,
        progressSeconds: task.baseProgress,
        lastCheckpointSeconds: task.lastCheckpoint,
      })),
      destinations,
      windowSeconds: this.scenario.gracePeriodSeconds - this.scenario.detectionLatencySeconds,
      thresholds: this.scenario.checkpoint,
      planner: this.options.migration,
      ...(accepts
        ? {
            accepts: (taskId: string, destinationId: string) =>
              accepts(
                this.#tasksById.get(taskId) as TaskState,
                this.#instancesById.get(destinationId) as InstanceState,
                this,
              ),
          }
        : {}),
    });
    // Every planner on the same displaced set: the counterfactual tallies.
    if (displaced.length > 0) {
      this.#decisions++;
      this.#displacedCount += displaced.length;
      for (const planner of MIGRATION_PLANNERS) {
        const tally = this.#counterfactual[planner];
        const plan = response.plans.get(planner) as readonly PlannedMove[];
        tally.placed += plan.length;
        for (const m of plan) tally.edgeSeconds += m.downtimeSeconds;
      }
    }
    for (const step of response.checkpoints) {
      const task = this.#tasksById.get(step.taskId) as TaskState;
      const { plan } = step;
      if (plan.outcome === 'full') this.#full++;
      else if (plan.outcome === 'partial') this.#partial++;
      else this.#restarts++;
      this.#lostSeconds += task.baseProgress - plan.keptProgressSeconds;
      task.baseProgress = plan.keptProgressSeconds;
      task.lastCheckpoint = Math.min(task.lastCheckpoint, plan.keptProgressSeconds);
      this.#log('checkpoint', task, inst, {
        outcome: plan.outcome,
        ratio: plan.ratio,
        kept: plan.keptProgressSeconds,
      });
      task.stateReadyAt = now + step.startsAfterSeconds + plan.transferSeconds;
      // Streamed straight to its destination, or written to storage for a later restore.
      task.needsRestore =
        step.destinationId !== undefined && plan.outcome !== 'restart'
          ? false
          : plan.keptProgressSeconds > 0;
    }
    const moved = new Set<string>();
    for (const move of response.moves) {
      const task = this.#tasksById.get(move.taskId) as TaskState;
      const dest = this.#instancesById.get(move.destinationId) as InstanceState;
      moved.add(task.id);
      this.#pending.delete(task);
      this.#migrations++;
      this.#log('migrate', task, dest, { from: inst.id });
      this.#assign(task, dest, this.#resumeTime(task, dest, now));
    }
    for (const task of displaced) if (!moved.has(task.id)) this.#pending.add(task);
    this.#requestDecision();
  }

  /**
   * At ticks, lets the policy move tasks placed on accepting instances, computing or still
   * starting (e.g. to on-demand when behind schedule). Tasks on notified instances belong to the
   * preemption response.
   */
  #policyMoves(): void {
    const policy = this.options.policy;
    if (!policy.preempts) return;
    for (const inst of [...this.#live]) {
      if (!inst.accepting) continue;
      for (const task of [...inst.tasks]) {
        if (!policy.preempts(task, this)) continue;
        const wasComputing = this.#detach(task, inst);
        if (wasComputing || (!task.needsRestore && task.baseProgress > 0)) {
          // Its state is on this instance. A voluntary move has no deadline: the whole state is
          // saved at the instance's bandwidth.
          task.stateReadyAt =
            Math.max(this.now, task.stateReadyAt) + task.stateMb / inst.type.networkMBps;
          task.needsRestore = task.baseProgress > 0;
        }
        task.displacedAt ??= this.now;
        this.#pending.add(task);
        this.#log('policy-move', task, inst);
        if (inst.tasks.size === 0) this.#scheduleIdle(inst);
      }
    }
  }

  /** Each type's spot price path over the horizon (sampled after the run: same streams). */
  #spotPrices(): SpotPriceSample[] {
    const out: SpotPriceSample[] = [];
    for (const [name, m] of this.#markets) {
      for (let t = 0; t <= this.horizonSeconds; t = m.spotPrice.nextChangeAfter(t)) {
        out.push({ type: name, t, perHour: m.spotPrice.priceAt(t) });
      }
    }
    return out;
  }

  #accruedCost(t: number): number {
    let usd = 0;
    for (const inst of this.#instances) {
      usd += instanceCostUsd(inst.price, inst.type.billing, inst.launchedAt, inst.endedAt, t);
    }
    return usd;
  }

  #result(): RunResult {
    const horizon = this.horizonSeconds;
    let spot = 0;
    let onDemand = 0;
    let spotSeconds = 0;
    let onDemandSeconds = 0;
    for (const inst of this.#instances) {
      const end = inst.endedAt ?? horizon;
      const usd = instanceCostUsd(
        inst.price,
        inst.type.billing,
        inst.launchedAt,
        inst.endedAt,
        end,
      );
      if (inst.market === 'spot') {
        spot += usd;
        spotSeconds += end - inst.launchedAt;
      } else {
        onDemand += usd;
        onDemandSeconds += end - inst.launchedAt;
      }
    }
    let work = 0;
    let completed = 0;
    let misses = 0;
    let makespan: number | undefined;
    for (const task of this.#tasks) {
      work += task.progressAt(horizon);
      if (task.status === 'completed') {
        completed++;
        makespan = Math.max(makespan ?? 0, task.completedAt as number);
      }
      const deadline = task.deadlineSeconds;
      if (deadline !== undefined && deadline <= horizon) {
        if (task.completedAt === undefined || task.completedAt > deadline) misses++;
      }
    }
    const total = spot + onDemand;
    const workHours = work / 3600;
    const p = (q: number, xs: number[]) => {
      const v = quantile(xs, q);
      return v === undefined ? undefined : v / 3600;
    };
    const source = this.scenario.source;
    return {
      scenario: source.name ?? 'scenario',
      policy: this.options.policy.name,
      migration: this.options.migration,
      seed: this.options.seed,
      horizonHours: source.horizonHours,
      totalCostUsd: total,
      spotCostUsd: spot,
      onDemandCostUsd: onDemand,
      workHours,
      costPerWorkHour: workHours > 0 ? total / workHours : undefined,
      tasksTotal: this.#tasks.length,
      tasksCompleted: completed,
      deadlineMisses: misses,
      preemptions: this.#preemptions,
      checkpointsFull: this.#full,
      checkpointsPartial: this.#partial,
      restarts: this.#restarts,
      progressLostHours: this.#lostSeconds / 3600,
      migrations: this.#migrations,
      migrationDowntimeTotalSeconds: this.#downtimes.reduce((a, b) => a + b, 0),
      migrationDowntimeMeanSeconds: mean(this.#downtimes),
      migrationDowntimeP99Seconds: quantile(this.#downtimes, 0.99),
      spotInstanceHours: spotSeconds / 3600,
      onDemandInstanceHours: onDemandSeconds / 3600,
      makespanHours: makespan === undefined ? undefined : makespan / 3600,
      completionP50Hours: p(0.5, this.#completionTimes),
      completionP99Hours: p(0.99, this.#completionTimes),
      plannerCounterfactual: {
        'first-fit': { ...this.#counterfactual['first-fit'] },
        greedy: { ...this.#counterfactual.greedy },
        optimal: { ...this.#counterfactual.optimal },
      },
      migrationDecisions: this.#decisions,
      displacedTasks: this.#displacedCount,
      eventsProcessed: this.engine.eventsFired,
      ...(this.#events ? { events: this.#events, spotPrices: this.#spotPrices() } : {}),
    };
  }
}
