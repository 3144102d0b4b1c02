/**
 * The run loop: one seeded run of a scenario under a policy and a migration planner. `Run` is
 * the {@link SimulationView} policies see; it schedules arrivals and policy ticks, asks the
 * policy for decisions (checked by decisions.ts, carried out by lifecycle.ts), lets it move
 * tasks at ticks, routes detected notices to the preemption response (preemption.ts), and
 * builds the result (tallies.ts). Event order at equal times is stated in state.ts.
 */

import type { InstanceState } from '../cluster/instance-state.js';
import type { TaskState } from '../cluster/task-state.js';
import { checkInvariants, type InvariantMemory } from '../metrics/invariants.js';
import type { RunResult, SpotPriceSample } from '../metrics/run-result.js';
import type { Decisions, InstanceView, Market, SimulationView, TaskView } from '../policy.js';
import type { ResolvedInstanceType, ResolvedScenario } from '../scenario/resolve.js';
import type { ResolvedTask } from '../scenario/workload.js';
import type { SimulateOptions } from '../simulate-options.js';
import { sortInPlace } from '../util/sort.js';
import { checkDecisions } from './decisions.js';
import { assign, detach, end, launch, resumeTime, scheduleIdle } from './lifecycle.js';
import { freeSlot } from './market.js';
import { detect } from './preemption.js';
import { P_ARRIVAL, P_DECIDE, P_TICK, RunState } from './state.js';
import { accruedCostUsd, buildResult } from './tallies.js';

/** See the file comment. */
export class Run implements SimulationView {
  readonly #s: RunState;
  readonly horizonSeconds: number;
  readonly instanceTypes: readonly ResolvedInstanceType[];
  readonly restartOverheadSeconds: number;
  readonly policyTickSeconds: number | undefined;
  readonly gracePeriodSeconds: number;
  readonly detectionLatencySeconds: number;
  #decisionScheduled = false;
  /** The decision event's action: one closure for the run, not one per decision. */
  readonly #onDecide = (): void => this.#decide();

  constructor(
    readonly scenario: ResolvedScenario,
    workload: readonly ResolvedTask[],
    readonly options: SimulateOptions,
  ) {
    this.#s = new RunState(scenario, workload, options, this);
    this.horizonSeconds = scenario.horizonSeconds;
    this.instanceTypes = scenario.instanceTypes;
    this.restartOverheadSeconds = scenario.restartOverheadSeconds;
    this.policyTickSeconds = scenario.policyTickSeconds;
    this.gracePeriodSeconds = scenario.gracePeriodSeconds;
    this.detectionLatencySeconds = scenario.detectionLatencySeconds;
  }

  get now(): number {
    return this.#s.now;
  }

  // ---- SimulationView ----------------------------------------------------------------------

  pendingTasks(): readonly TaskView[] {
    return sortInPlace(
      [...this.#s.pending],
      (a, b) => a.arrivalSeconds - b.arrivalSeconds || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  }

  liveInstances(): readonly InstanceView[] {
    this.#s.liveCache ??= [...this.#s.live];
    return this.#s.liveCache;
  }

  findInstance(
    market: Market,
    minFreeMemoryMb: number,
    after?: InstanceView,
  ): InstanceView | undefined {
    return this.#s.findInstance(market, minFreeMemoryMb, after ? after.position + 1 : 0);
  }

  spotPricePerHour(typeName: string): number {
    return this.#s.market(typeName).spotPrice.priceAt(this.now);
  }

  spotAvailable(typeName: string): boolean {
    const m = this.#s.market(typeName);
    const next = m.preemption.nextLaunchAt(this.now, freeSlot(m));
    if (next <= this.now) return true;
    this.#s.wakeUpAt(next);
    return false;
  }

  lastSpotRefusalAt(typeName: string): number | undefined {
    return this.#s.spotRefusals.get(typeName);
  }

  task(id: string): TaskView | undefined {
    return this.#s.task(id);
  }

  instance(id: string): InstanceView | undefined {
    return this.#s.instancesById.get(id);
  }

  // ---- the run -----------------------------------------------------------------------------

  execute(): RunResult {
    const s = this.#s;
    const { engine } = s;
    // Arrivals one at a time, in (time, workload) order: the next is scheduled when one
    // fires, so the queue holds one arrival rather than all of them (a million tasks' arrivals
    // were most of a large run's memory). At their instant they come before every other state
    // change (P_ARRIVAL), as they did when all were scheduled first. A task's state is created
    // as it arrives (state.ts). The order is sorted over typed arrays of workload positions and
    // arrival times, one block of memory rather than a million task objects.
    const specs = s.workload;
    const arrivalAt = new Float64Array(specs.length);
    let count = 0;
    for (let k = 0; k < specs.length; k++) {
      arrivalAt[k] = (specs[k] as ResolvedTask).arrivalSeconds;
      if ((arrivalAt[k] as number) <= this.horizonSeconds) count++;
    }
    const arrivals = new Int32Array(count);
    for (let k = 0, j = 0; k < specs.length; k++)
      if ((arrivalAt[k] as number) <= this.horizonSeconds) arrivals[j++] = k;
    arrivals.sort((a, b) => (arrivalAt[a] as number) - (arrivalAt[b] as number) || a - b);
    // One action serves every arrival (the queue holds one at a time): no closure per task.
    let nextArrival = 0;
    const scheduleNext = (): void => {
      if (nextArrival < count) {
        const at = arrivalAt[arrivals[nextArrival] as number] as number;
        engine.scheduleAt(at, onArrival, 'arrival', P_ARRIVAL);
      }
    };
    const onArrival = (): void => {
      this.#arrive(s.arrive(arrivals[nextArrival++] as number));
      scheduleNext();
    };
    scheduleNext();
    const tick = this.scenario.policyTickSeconds;
    if (tick !== undefined) {
      // Tick k at k × tick exactly (not a running sum), so ticks equal to a trace's gap stay on
      // its tick starts.
      const onTick = (k: number): void => {
        this.policyMoves();
        this.requestDecision();
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
          s.arrived,
          s.instances,
          accruedCostUsd(s.instances, this.now),
          memory,
        );
      }
    }
    engine.run(this.horizonSeconds);
    return buildResult(
      this.scenario.source,
      this.options,
      this.horizonSeconds,
      s.instances,
      s.allTasks(),
      s.tallies,
      engine.eventsFired,
      s.events,
      () => this.#spotPrices(),
    );
  }

  #arrive(task: TaskState): void {
    this.#s.pending.add(task);
    this.#s.log('arrival', task);
    this.requestDecision();
  }

  /** Asks the policy for a decision at this instant (coalesced); state.ts `RunOwner`. */
  requestDecision(): void {
    if (this.#decisionScheduled || this.#s.pending.size === 0) return;
    this.#decisionScheduled = true;
    this.#s.engine.schedule(0, this.#onDecide, 'policy decision', P_DECIDE);
  }

  /** A detected notice goes to the preemption response; state.ts `RunOwner`. */
  detect(inst: InstanceState): void {
    detect(this.#s, inst);
  }

  #decide(): void {
    this.#decisionScheduled = false;
    if (this.#s.pending.size === 0) return;
    this.#apply(this.options.policy.decide(this));
  }

  /** Checks the policy's decisions (decisions.ts), then carries them out. */
  #apply(d: Decisions): void {
    const s = this.#s;
    const checked = checkDecisions(d, this.#s);
    const launched = checked.launches.map((req) =>
      launch(s, s.market(req.instanceType), req.market),
    );
    for (const p of checked.placements) {
      const task = s.task(p.taskId) as TaskState;
      const inst =
        'launchIndex' in p
          ? launched[p.launchIndex]
          : (s.instancesById.get(p.instanceId) as InstanceState);
      if (inst === undefined) continue; // spot launch refused: the task stays pending
      s.pending.delete(task);
      assign(s, task, inst, resumeTime(s, task, inst, this.now));
    }
    for (const id of checked.releases) end(s, s.instancesById.get(id) as InstanceState, 'released');
    // Launches nobody used become idle and follow the idle-release rule.
    for (const inst of launched) if (inst && inst.tasks.size === 0) scheduleIdle(s, inst);
  }

  /**
   * At ticks and rebalance recommendations, lets the policy move tasks placed on accepting
   * instances, computing or still starting (e.g. to on-demand when behind schedule). Tasks on
   * notified instances belong to the preemption response.
   */
  policyMoves(): void {
    const s = this.#s;
    const policy = s.options.policy;
    if (!policy.preempts) return;
    for (const inst of [...s.live]) {
      if (!inst.accepting) continue;
      for (const task of [...inst.tasks]) {
        if (!policy.preempts(task, this)) continue;
        const wasComputing = detach(s, task, inst);
        if (wasComputing || (!task.needsRestore && task.baseProgress > 0)) {
          // Its state is on this instance. A voluntary move has no deadline: the whole state is
          // saved at the instance's bandwidth.
          task.stateReadyAt =
            Math.max(s.now, task.stateReadyAt) + task.stateMb / inst.type.networkMBps;
          task.needsRestore = task.baseProgress > 0;
        }
        task.displacedAt ??= s.now;
        s.pending.add(task);
        s.log('policy-move', task, inst);
        if (inst.tasks.size === 0) scheduleIdle(s, inst);
      }
    }
  }

  /** Each type's spot price path over the horizon (sampled after the run: same streams). */
  #spotPrices(): SpotPriceSample[] {
    const out: SpotPriceSample[] = [];
    for (const [name, m] of this.#s.markets) {
      for (let t = 0; t <= this.horizonSeconds; t = m.spotPrice.nextChangeAfter(t)) {
        out.push({ type: name, t, perHour: m.spotPrice.priceAt(t) });
      }
    }
    return out;
  }
}
