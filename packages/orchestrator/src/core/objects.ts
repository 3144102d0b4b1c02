/**
 * The orchestrator's working copy of its jobs and instances, as the policy's view needs them
 * ({@link TaskView}, {@link InstanceView}). The store is the source of truth: these are rebuilt
 * from it on start, and every change to them is written through to it by the orchestrator.
 * Progress follows sim-core's arithmetic (progressAt, checkpointAt, completionTime).
 */

import {
  type CheckpointCycle,
  type ComputingStretch,
  checkpointAt,
  checkpointCycle,
  completionTime,
  type InstanceState,
  type InstanceView,
  type Market,
  progressAt,
  type ResolvedInstanceType,
  type TaskStatus,
  type TaskView,
} from '@synkti/sim-core';
import type { AgentEndpoint } from '../cloud/provider.js';
import type { JobState } from '../store/states.js';
import type { JobRow } from '../store/store.js';

/** A job as the policy sees it. */
export class LiveTask implements TaskView {
  status: TaskStatus = 'pending';
  baseProgress = 0;
  lastCheckpoint = 0;
  runningSince: number | undefined;
  speed = 0;
  instance: LiveInstance | undefined;
  lastInstanceId: string | undefined;
  lastMarket: Market | undefined;
  detachedAtSeconds: number | undefined;
  stateReadyAt = 0;
  needsRestore = false;
  preemptions = 0;
  displacedAt: number | undefined;
  completedAt: number | undefined;
  /** Its state in the store (the job state machine). */
  jobState: JobState = 'PENDING';
  /** Its attempts that ended in a non-zero exit (live mode with agents). */
  failures = 0;
  /** Why it FAILED, once it has. */
  cause: string | undefined;
  /** When it starts computing on its instance (set while assigned). */
  startsAt: number | undefined;
  readonly #cycle: CheckpointCycle | undefined;
  /** The job's own command (submitted with it); undefined: the run's, or synthetic. */
  readonly argv: readonly string[] | undefined;
  /** The view's clock. */
  clock: () => number = () => 0;

  constructor(
    readonly row: Pick<
      JobRow,
      | 'id'
      | 'kind'
      | 'work_seconds'
      | 'memory_mb'
      | 'state_mb'
      | 'arrival_seconds'
      | 'deadline_seconds'
      | 'checkpoint_interval_seconds'
      | 'argv'
    >,
    /** Bandwidth of its periodic checkpoints to storage, MB/s. */
    readonly storageMBps: number,
  ) {
    this.argv = row.argv == null ? undefined : (JSON.parse(row.argv) as string[]);
    this.#cycle = checkpointCycle(
      row.checkpoint_interval_seconds ?? undefined,
      row.state_mb,
      storageMBps,
    );
  }

  get id(): string {
    return this.row.id;
  }
  get kind(): string {
    return this.row.kind;
  }
  get workSeconds(): number {
    return this.row.work_seconds;
  }
  get memoryMb(): number {
    return this.row.memory_mb;
  }
  get stateMb(): number {
    return this.row.state_mb;
  }
  get arrivalSeconds(): number {
    return this.row.arrival_seconds;
  }
  get deadlineSeconds(): number | undefined {
    return this.row.deadline_seconds ?? undefined;
  }
  get instanceId(): string | undefined {
    return this.instance?.id;
  }

  #stretch(runningSince: number, speed = this.speed): ComputingStretch {
    return {
      workSeconds: this.workSeconds,
      baseProgress: this.baseProgress,
      runningSince,
      speed,
      cycle: this.#cycle,
    };
  }

  progressSeconds(): number {
    return this.progressAt(this.clock());
  }

  progressAt(t: number): number {
    if (this.status === 'completed') return this.workSeconds;
    if (this.runningSince === undefined) return this.baseProgress;
    return progressAt(this.#stretch(this.runningSince), t);
  }

  checkpointAt(t: number): number {
    if (this.runningSince === undefined) return this.lastCheckpoint;
    return checkpointAt(this.#stretch(this.runningSince), t, this.lastCheckpoint);
  }

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

/** An instance as the policy sees it. `id` is the view's (`i<k>`, k its launch order). */
export class LiveInstance implements InstanceView {
  state: InstanceState = 'booting';
  readonly tasks = new Set<LiveTask>();
  usedMemoryMb = 0;
  endedAt: number | undefined;
  /** The cloud's id. */
  cloudId: string;
  /** Its agent, when the cloud runs one on it. */
  agent: AgentEndpoint | 'starting' | undefined;
  /** When it got a rebalance recommendation, seconds (the cloud's event). */
  rebalanceRecommendedAt: number | undefined;
  /** Consecutive times its agent did not answer. */
  unanswered = 0;

  constructor(
    /** The store's key: the launch's idempotency token. */
    readonly token: string,
    readonly position: number,
    readonly type: ResolvedInstanceType,
    readonly market: Market,
    readonly launchedAt: number,
    readonly readyAt: number,
    cloudId: string,
  ) {
    this.cloudId = cloudId;
  }

  get id(): string {
    return `i${this.position}`;
  }
  get accepting(): boolean {
    return this.state === 'booting' || this.state === 'running';
  }
  get freeMemoryMb(): number {
    return this.type.gpuMemoryMb - this.usedMemoryMb;
  }
  get taskIds(): readonly string[] {
    return [...this.tasks].map((t) => t.id);
  }

  attach(task: LiveTask): void {
    this.tasks.add(task);
    this.usedMemoryMb += task.memoryMb;
    task.instance = this;
  }

  detach(task: LiveTask): void {
    if (!this.tasks.delete(task)) return;
    this.usedMemoryMb -= task.memoryMb;
    if (this.tasks.size === 0) this.usedMemoryMb = 0; // no drift from float sums
    task.instance = undefined;
  }
}
