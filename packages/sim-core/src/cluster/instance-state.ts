/** An instance's mutable state inside a run. */

import type { EventHandle } from '../engine/engine.js';
import type { PriceProcess } from '../market/price-process.js';
import type { InstanceView, InstanceState as Lifecycle, Market } from '../policy.js';
import type { ResolvedInstanceType } from '../scenario/resolve.js';
import type { TaskState } from './task-state.js';

/** A launched instance's mutable state; policies see it only as an {@link InstanceView}. */
export class InstanceState implements InstanceView {
  #state: Lifecycle = 'booting';
  /** Called after every change of state or free memory (keeps the capacity index current). */
  onChange: (instance: InstanceState) => void = () => {};
  /** Memory used or reserved by its tasks, MB. */
  usedMemoryMb = 0;
  readonly tasks = new Set<TaskState>();
  /** Termination or release time, seconds; undefined while live. */
  endedAt: number | undefined;
  readonly events: EventHandle[] = [];
  idleEvent: EventHandle | undefined;
  /** Whether it still holds its slot in the spot pool (given back at notice or end). */
  holdsSlot: boolean;
  /** When it got a rebalance recommendation, seconds; undefined when it has not. */
  rebalanceRecommendedAt: number | undefined;
  #taskIds: string[] | undefined;

  constructor(
    readonly id: string,
    readonly type: ResolvedInstanceType,
    readonly market: Market,
    readonly launchedAt: number,
    readonly readyAt: number,
    /** The price this instance pays, $/hour. */
    readonly price: PriceProcess,
    /** Its slot in the spot pool of its type (trace capacity), 0 for on-demand. */
    readonly slot: number,
    /** Launch order within the run (0, 1, …). */
    readonly position: number,
  ) {
    this.holdsSlot = market === 'spot';
  }

  get state(): Lifecycle {
    return this.#state;
  }

  set state(next: Lifecycle) {
    this.#state = next;
    this.onChange(this);
  }

  get freeMemoryMb(): number {
    return this.type.gpuMemoryMb - this.usedMemoryMb;
  }

  get taskIds(): readonly string[] {
    this.#taskIds ??= [...this.tasks].map((t) => t.id);
    return this.#taskIds;
  }

  get live(): boolean {
    return this.state === 'booting' || this.state === 'running' || this.state === 'notified';
  }

  /** Accepts new tasks: booting or running (not notified, not ended). */
  get accepting(): boolean {
    return this.state === 'booting' || this.state === 'running';
  }

  /** Puts `task` on this instance and points the task here: both sides of the link at once. */
  attach(task: TaskState): void {
    this.tasks.add(task);
    task.instance = this;
    this.usedMemoryMb += task.memoryMb;
    this.#taskIds = undefined;
    this.onChange(this);
  }

  /** Takes `task` off this instance and clears the task's link to it. */
  detach(task: TaskState): void {
    if (!this.tasks.delete(task)) return;
    task.instance = undefined;
    this.usedMemoryMb -= task.memoryMb;
    if (this.tasks.size === 0) this.usedMemoryMb = 0; // no drift from float sums
    this.#taskIds = undefined;
    this.onChange(this);
  }
}
