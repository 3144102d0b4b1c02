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

interface Slot {
  readonly market: Market;
  readonly type: ResolvedInstanceType;
  free: number;
  readonly instanceId?: string;
  readonly launchIndex?: number;
}

export class DecisionBuilder {
  readonly #slots: Slot[];
  readonly #launches: LaunchRequest[] = [];
  readonly #placements: Placement[] = [];

  constructor(view: SimulationView) {
    this.#slots = view
      .liveInstances()
      .filter((i) => i.state === 'booting' || i.state === 'running')
      .map((i) => ({ market: i.market, type: i.type, free: i.freeMemoryMb, instanceId: i.id }));
  }

  /**
   * Places `task` on the first instance (in launch order, then this round's launches) of
   * `market` with room for it and, when given, accepted by `accept`. Returns whether it did.
   */
  placeOnExisting(
    task: TaskView,
    market: Market,
    accept?: (i: ResolvedInstanceType) => boolean,
  ): boolean {
    for (const slot of this.#slots) {
      if (slot.market !== market || slot.free < task.memoryMb) continue;
      if (accept && !accept(slot.type)) continue;
      this.#place(task, slot);
      return true;
    }
    return false;
  }

  /** Launches a new instance of `type` in `market` for `task`. */
  launchFor(task: TaskView, type: ResolvedInstanceType, market: Market): void {
    const slot: Slot = { market, type, free: type.gpuMemoryMb, launchIndex: this.#launches.length };
    this.#launches.push({ instanceType: type.name, market });
    this.#slots.push(slot);
    this.#place(task, slot);
  }

  #place(task: TaskView, slot: Slot): void {
    slot.free -= task.memoryMb;
    this.#placements.push(
      slot.instanceId !== undefined
        ? { taskId: task.id, instanceId: slot.instanceId }
        : { taskId: task.id, launchIndex: slot.launchIndex as number },
    );
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
