/**
 * Builds one round of decisions while tracking the memory it has already promised, so several
 * pending tasks can share an existing instance or a new launch in the same round.
 */

import type {
  Decisions,
  InstanceView,
  LaunchRequest,
  Market,
  Placement,
  ResolvedInstanceType,
  SimulationView,
  TaskView,
} from '@synkti/sim-core';

/** An instance launched in this round. */
interface NewLaunch {
  readonly market: Market;
  readonly type: ResolvedInstanceType;
  readonly launchIndex: number;
  free: number;
}

/** Collects one round's launches and placements (see the file comment). */
export class DecisionBuilder {
  readonly #view: SimulationView;
  /** Memory promised in this round on existing instances, MB, by instance id. */
  readonly #promised = new Map<string, number>();
  readonly #new: NewLaunch[] = [];
  readonly #launches: LaunchRequest[] = [];
  readonly #placements: Placement[] = [];

  constructor(view: SimulationView) {
    this.#view = view;
  }

  /**
   * Places `task` on the first instance of `market` (existing ones in launch order, then this
   * round's launches) with room for it after this round's promises and, when given, accepted
   * by `accept`. Returns whether it did. O(log instances) per candidate examined.
   */
  placeOnExisting(
    task: TaskView,
    market: Market,
    accept?: (t: ResolvedInstanceType) => boolean,
  ): boolean {
    let candidate: InstanceView | undefined = this.#view.findInstance(market, task.memoryMb);
    while (candidate !== undefined) {
      const promised = this.#promised.get(candidate.id) ?? 0;
      if (
        candidate.freeMemoryMb - promised >= task.memoryMb &&
        (!accept || accept(candidate.type))
      ) {
        this.#promised.set(candidate.id, promised + task.memoryMb);
        this.#placements.push({ taskId: task.id, instanceId: candidate.id });
        return true;
      }
      candidate = this.#view.findInstance(market, task.memoryMb, candidate);
    }
    for (const launch of this.#new) {
      if (launch.market !== market || launch.free < task.memoryMb) continue;
      if (accept && !accept(launch.type)) continue;
      launch.free -= task.memoryMb;
      this.#placements.push({ taskId: task.id, launchIndex: launch.launchIndex });
      return true;
    }
    return false;
  }

  /** Launches a new instance of `type` in `market` for `task`. */
  launchFor(task: TaskView, type: ResolvedInstanceType, market: Market): void {
    const launchIndex = this.#launches.length;
    this.#launches.push({ instanceType: type.name, market });
    this.#new.push({ market, type, launchIndex, free: type.gpuMemoryMb - task.memoryMb });
    this.#placements.push({ taskId: task.id, launchIndex });
  }

  build(): Decisions {
    return { launches: this.#launches, placements: this.#placements };
  }
}

/** Types whose GPU memory fits `task`. */
export function typesFitting(view: SimulationView, task: TaskView): ResolvedInstanceType[] {
  return view.instanceTypes.filter((t) => t.gpuMemoryMb >= task.memoryMb);
}

/** The cheapest type per unit of work by `pricePerHour`, ties by name; undefined if none. */
export function cheapestPerWork(
  types: readonly ResolvedInstanceType[],
  pricePerHour: (t: ResolvedInstanceType) => number,
): ResolvedInstanceType | undefined {
  let best: ResolvedInstanceType | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const t of types) {
    const c = pricePerHour(t) / t.speed;
    if (c < bestCost || (c === bestCost && best !== undefined && t.name < best.name)) {
      best = t;
      bestCost = c;
    }
  }
  return best;
}

/** The cheapest on-demand type that fits `task`; undefined if none does. */
export function onDemandTypeFor(
  view: SimulationView,
  task: TaskView,
): ResolvedInstanceType | undefined {
  return cheapestPerWork(typesFitting(view, task), (t) => t.onDemandPerHour);
}

/** The cheapest spot type, at today's spot price, that fits `task` and can be launched now. */
export function spotTypeFor(
  view: SimulationView,
  task: TaskView,
): ResolvedInstanceType | undefined {
  return cheapestPerWork(
    typesFitting(view, task).filter((t) => view.spotAvailable(t.name)),
    (t) => view.spotPricePerHour(t.name),
  );
}

/** Where a pending task should go this round: a market, or `wait` (hold no instance). */
export type Want = Market | 'wait';

/**
 * One round in which each pending task goes where `want` says: onto an existing instance of
 * that market with room ({@link DecisionBuilder.placeOnExisting}), else onto a new launch of the
 * cheapest type that fits ({@link spotTypeFor}, {@link onDemandTypeFor}). A task with nowhere to
 * go, or told to `wait`, stays pending.
 */
export function placeAll(view: SimulationView, want: (task: TaskView) => Want): Decisions {
  const b = new DecisionBuilder(view);
  for (const task of view.pendingTasks()) {
    const where = want(task);
    if (where === 'wait') continue;
    if (b.placeOnExisting(task, where)) continue;
    const type = where === 'spot' ? spotTypeFor(view, task) : onDemandTypeFor(view, task);
    if (type) b.launchFor(task, type, where);
  }
  return b.build();
}
