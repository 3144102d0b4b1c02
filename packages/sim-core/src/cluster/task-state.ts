/**
 * A task's mutable state inside a run. Its progress arithmetic (periodic checkpoints, closed
 * forms) is progress.ts's, shared with live mode.
 */

import type { EventHandle } from '../engine/engine.js';
import type { Market, TaskStatus, TaskView } from '../policy.js';
import type { ResolvedTask } from '../scenario/workload.js';
import {
  type CheckpointCycle,
  type ComputingStretch,
  checkpointAt,
  checkpointCycle,
  completionTime,
  progressAt,
} from './progress.js';

/**
 * What a task knows of the instance it is on. The instance (InstanceState) owns the link: it
 * sets and clears it in `attach` / `detach`, so the two sides always agree.
 */
export interface TaskHost {
  readonly id: string;
}

/** A task's mutable state; policies see it only as a {@link TaskView}. */
export class TaskState implements TaskView {
  status: TaskStatus = 'pending';
  /** Retained progress when the current computing stretch began, work-seconds. */
  baseProgress = 0;
  /** Progress saved by periodic checkpoints, work-seconds. */
  lastCheckpoint = 0;
  /** Work-seconds per wall-second of the current instance. */
  speed = 0;
  /** The instance it is on or assigned to; set only by InstanceState.attach / detach. */
  instance: TaskHost | undefined;
  /** The instance it last computed on (for the restart overhead). */
  lastInstanceId: string | undefined;
  /** Market of the instance it is on or was last placed on (see TaskView.lastMarket). */
  lastMarket: Market | undefined;
  /** Event that starts computing (after boot, transfer, overhead). */
  startEvent: EventHandle | undefined;
  completionEvent: EventHandle | undefined;
  /** Time its saved state is readable from storage, seconds. */
  stateReadyAt = 0;
  /** Whether resuming needs the state restored (kept progress > 0 and not moved directly). */
  needsRestore = false;
  preemptions = 0;
  readonly #cycle: CheckpointCycle | undefined;
  // The optional times below are kept as NaN when unset, behind accessors that show undefined.
  // A field that holds undefined or a number stores each new number as a fresh heap object;
  // written into a task allocated long before, it makes the young-generation collector visit
  // the task (an old-to-new pointer). With a million tasks those visits were the largest share
  // of the run's collection time. A field that only ever holds numbers is updated in place.
  #runningSince = Number.NaN;
  #detachedAt = Number.NaN;
  #displacedAt = Number.NaN;
  #completedAt = Number.NaN;

  constructor(
    readonly spec: ResolvedTask,
    storageMBps: number,
  ) {
    this.#cycle = checkpointCycle(spec.checkpointIntervalSeconds, spec.stateMb, storageMBps);
  }

  /** Wall time the current computing stretch began, seconds; undefined when not computing. */
  get runningSince(): number | undefined {
    return optional(this.#runningSince);
  }
  set runningSince(t: number | undefined) {
    this.#runningSince = t ?? Number.NaN;
  }
  /** When it last left an instance, seconds (see TaskView.detachedAtSeconds). */
  get detachedAtSeconds(): number | undefined {
    return optional(this.#detachedAt);
  }
  set detachedAtSeconds(t: number | undefined) {
    this.#detachedAt = t ?? Number.NaN;
  }
  /** When it was displaced, seconds, until it computes again (for migration downtime). */
  get displacedAt(): number | undefined {
    return optional(this.#displacedAt);
  }
  set displacedAt(t: number | undefined) {
    this.#displacedAt = t ?? Number.NaN;
  }
  /** When it completed, seconds; undefined until then. */
  get completedAt(): number | undefined {
    return optional(this.#completedAt);
  }
  set completedAt(t: number | undefined) {
    this.#completedAt = t ?? Number.NaN;
  }

  get id(): string {
    return this.spec.id;
  }
  get kind(): string {
    return this.spec.kind;
  }
  get workSeconds(): number {
    return this.spec.workSeconds;
  }
  get memoryMb(): number {
    return this.spec.memoryMb;
  }
  get stateMb(): number {
    return this.spec.stateMb;
  }
  get arrivalSeconds(): number {
    return this.spec.arrivalSeconds;
  }
  get deadlineSeconds(): number | undefined {
    return this.spec.deadlineSeconds;
  }
  get instanceId(): string | undefined {
    return this.instance?.id;
  }

  /** Set by the simulation so views can read progress "now". */
  clock: () => number = () => 0;

  progressSeconds(): number {
    return this.progressAt(this.clock());
  }

  /** The current computing stretch (runningSince must be set). */
  #stretch(runningSince: number, speed = this.speed): ComputingStretch {
    return {
      workSeconds: this.spec.workSeconds,
      baseProgress: this.baseProgress,
      runningSince,
      speed,
      cycle: this.#cycle,
    };
  }

  /** Retained progress at wall time t (≥ runningSince), work-seconds, capped at the work. */
  progressAt(t: number): number {
    if (this.status === 'completed') return this.spec.workSeconds;
    if (this.runningSince === undefined) return this.baseProgress;
    return progressAt(this.#stretch(this.runningSince), t);
  }

  /** Progress saved by the last completed periodic checkpoint at wall time t. */
  checkpointAt(t: number): number {
    if (this.runningSince === undefined) return this.lastCheckpoint;
    return checkpointAt(this.#stretch(this.runningSince), t, this.lastCheckpoint);
  }

  /** Wall time at which a stretch starting now at `speed` from baseProgress completes. */
  completionTime(startSeconds: number, speed: number): number {
    return completionTime(this.#stretch(startSeconds, speed));
  }

  /** Stops computing at t: folds progress and checkpoints into the base. */
  stopAt(t: number): void {
    if (this.runningSince === undefined) return;
    const progress = this.progressAt(t);
    this.lastCheckpoint = this.checkpointAt(t);
    this.baseProgress = progress;
    this.runningSince = undefined;
  }
}

/** A NaN-coded optional time as `number | undefined`. */
function optional(t: number): number | undefined {
  return Number.isNaN(t) ? undefined : t;
}
