/**
 * Jobs and instances through their lives, as simulate's lifecycle.ts does it — launch, ready,
 * placement, start after boot, restore and overhead, completion, idle release, notice, end —
 * with the instance's life in the cloud's hands and every change written through to the store.
 *
 * Durability (live.md): a launch's intent (REQUESTED, with its idempotency token) is committed
 * before the cloud is called and its outcome (BOOTING with the cloud's id, or FAILED) after; a
 * release is committed (TERMINATED, "released") before the cloud is asked to terminate, so a
 * crash between the two leaves an instance that reconciliation (docs/live.md: not built yet)
 * must find running and terminate.
 */

import { createRng, type EventHandle, type Market, type Rng } from '@synkti/sim-core';
import { CloudError, TransientCloudError } from '../cloud/provider.js';
import type { JobState } from '../store/states.js';
import type { JobPatch } from '../store/store.js';
import { LiveInstance, type LiveTask } from './objects.js';
import { type Orchestrator, P_IDLE, P_STATE } from './orchestrator.js';

/** Attempts of a cloud call that fails transiently, the first included. */
export const CLOUD_CALL_ATTEMPTS = 5;
/** Backoff before the second attempt, wall milliseconds; doubled each time, with full jitter. */
export const CLOUD_BACKOFF_MS = 50;

/** See the file comment. */
export class Lifecycle {
  readonly #starts = new Map<LiveTask, EventHandle>();
  readonly #completions = new Map<LiveTask, EventHandle>();
  readonly #idle = new Map<LiveInstance, EventHandle>();
  readonly #detections = new Map<LiveInstance, EventHandle>();

  /** Jitter of retried cloud calls. */
  readonly #backoff: Rng;

  constructor(readonly o: Orchestrator) {
    this.#backoff = createRng(o.options.runId, 'cloud-backoff');
  }

  // ---- instances -----------------------------------------------------------------------------

  /**
   * Launches an instance: intent, cloud call (retried on transient errors), outcome.
   * @throws CapacityError when the market has no capacity (the intent is FAILED).
   */
  async launch(typeName: string, market: Market): Promise<LiveInstance> {
    const { store, cloud, runId } = this.o.options;
    const now = this.o.now;
    const token = `${runId}-r${store.instances().length}`;
    store.requestInstance(token, typeName, market, now);
    let launched: Awaited<ReturnType<typeof cloud.launch>>;
    try {
      launched = await retried(
        () => cloud.launch({ type: typeName, market, jobTag: runId, token }),
        this.#backoff,
      );
    } catch (error) {
      const reason =
        error instanceof CloudError ? `${error.kind}: ${error.message}` : String(error);
      store.transitionInstance(token, 'FAILED', reason, now);
      throw error;
    }
    const inst = this.adopt(token, launched.id, launched.launchedAt, launched.readyAt, 'launched');
    inst.agent = launched.agent;
    return inst;
  }

  /** Records a launched instance (its outcome) and makes it visible to the policy. */
  adopt(
    token: string,
    cloudId: string,
    launchedAt: number,
    readyAt: number,
    reason: string,
  ): LiveInstance {
    const { store } = this.o.options;
    const row = store.instance(token);
    if (row === undefined) throw new Error(`instance ${token}: no intent in the store`);
    const type = this.o.instanceTypes.find((t) => t.name === row.type);
    if (type === undefined) throw new Error(`instance ${token}: unknown type ${row.type}`);
    const position = this.o.instances.length;
    const inst = new LiveInstance(token, position, type, row.market, launchedAt, readyAt, cloudId);
    store.transitionInstance(token, 'BOOTING', reason, this.o.now, {
      cloud_id: cloudId,
      granted_position: position,
      launched_at: launchedAt,
      ready_at: readyAt,
    });
    this.o.instances.push(inst);
    this.o.byView.set(inst.id, inst);
    this.o.byCloudId.set(cloudId, inst);
    return inst;
  }

  /** The cloud reports the instance running. */
  ready(inst: LiveInstance): void {
    if (inst.state !== 'booting') return;
    inst.state = 'running';
    this.o.options.store.transitionInstance(inst.token, 'RUNNING', 'running', this.o.now);
  }

  /** Releases an instance: recorded, then terminated in the cloud. */
  async release(inst: LiveInstance, reason = 'released'): Promise<void> {
    this.#end(inst, 'released', reason);
    await retried(() => this.o.options.cloud.terminate(inst.cloudId), this.#backoff);
  }

  /**
   * The cloud reports the instance gone (its grace period over, or vanished), at `atSeconds`
   * by its clock. One the orchestrator released already keeps the cloud's time as its end:
   * billing stops there (on the scaled clock, a little after the release was recorded).
   */
  ended(inst: LiveInstance, why: 'terminated' | 'vanished', atSeconds = this.o.now): void {
    if (inst.endedAt !== undefined) {
      if (atSeconds !== inst.endedAt) {
        inst.endedAt = atSeconds;
        this.o.options.store.patchInstance(inst.token, { ended_at: atSeconds });
      }
      return;
    }
    // A notice is detected no later than its termination (detection latency ≤ grace period):
    // with both due at one instant (no grace), the detection goes first, as in simulate.
    const pendingDetection = this.#detections.get(inst);
    if (pendingDetection) {
      this.o.engine.cancel(pendingDetection);
      this.#detections.delete(inst);
      this.o.detect(inst);
    }
    // Tasks still on it (an instance that vanished) are displaced: the policy places them again.
    // (A notified instance's tasks left at its detection, before its termination.)
    const displaced = inst.tasks.size > 0;
    for (const task of [...inst.tasks]) {
      task.preemptions++;
      task.displacedAt ??= this.o.now;
      this.detach(task, inst);
      this.o.pending.add(task);
      this.setJob(task, 'RECOVERING', `instance ${inst.id} ${why}`);
    }
    this.#end(inst, 'terminated', 'terminated', atSeconds);
    if (displaced) this.o.requestDecision();
  }

  /** Records `inst`'s end: billing stops at `atSeconds` (the cloud's time, when it reported it). */
  #end(
    inst: LiveInstance,
    state: 'released' | 'terminated',
    reason: string = state,
    atSeconds = this.o.now,
  ): void {
    inst.state = state;
    inst.endedAt = atSeconds;
    this.cancelIdle(inst);
    const d = this.#detections.get(inst);
    if (d) this.o.engine.cancel(d);
    this.o.options.store.transitionInstance(inst.token, 'TERMINATED', reason, this.o.now, {
      ended_at: atSeconds,
    });
  }

  /**
   * A rebalance recommendation: recorded for the policy, which may move tasks off the instance
   * now and is asked to decide (as simulate).
   */
  rebalance(inst: LiveInstance): void {
    if (inst.endedAt !== undefined || inst.rebalanceRecommendedAt !== undefined) return;
    inst.rebalanceRecommendedAt = this.o.now;
    const { store } = this.o.options;
    store.patchInstance(inst.token, { rebalance_at: this.o.now });
    store.note(this.o.now, inst.token, 'rebalance recommendation');
    // As simulate: the policy may move tasks off it now (with a fresh market), then decides.
    if (this.o.options.policy.preempts) {
      this.o.withMarkets(() => {
        this.policyMoves();
        this.o.requestDecision();
      });
    }
    this.o.requestDecision();
  }

  /** A notice: detection after the latency (the cloud terminates it after the grace period). */
  notice(inst: LiveInstance): void {
    // A second warning for one instance (EventBridge and SQS deliver at least once) is a no-op.
    if (inst.endedAt !== undefined || inst.state === 'notified') return;
    const now = this.o.now;
    this.o.tallies.preemptions++;
    inst.state = 'notified';
    this.cancelIdle(inst);
    this.o.options.store.transitionInstance(inst.token, 'NOTICED', 'interruption warning', now, {
      noticed_at: now,
      terminate_at: now + this.o.gracePeriodSeconds,
    });
    for (const task of inst.tasks) this.setJob(task, 'NOTICED', `instance ${inst.id} noticed`);
    this.scheduleDetection(inst, this.o.detectionLatencySeconds);
  }

  /** The notice's detection, `delaySeconds` from now. */
  scheduleDetection(inst: LiveInstance, delaySeconds: number): void {
    this.#detections.set(
      inst,
      this.o.engine.schedule(
        delaySeconds,
        () => {
          this.#detections.delete(inst);
          this.o.detect(inst);
        },
        `detect ${inst.id}`,
        P_STATE,
      ),
    );
  }

  scheduleIdle(inst: LiveInstance): void {
    if (!inst.accepting || this.#idle.has(inst)) return;
    this.#idle.set(
      inst,
      this.o.engine.schedule(
        this.o.scenario.idleReleaseSeconds,
        () => {
          this.#idle.delete(inst);
          if (inst.accepting && inst.tasks.size === 0) {
            this.o.work.push(() => this.release(inst));
          }
        },
        `idle ${inst.id}`,
        P_IDLE,
      ),
    );
  }

  cancelIdle(inst: LiveInstance): void {
    const e = this.#idle.get(inst);
    if (e) this.o.engine.cancel(e);
    this.#idle.delete(inst);
  }

  // ---- jobs ----------------------------------------------------------------------------------

  /**
   * When a task placed on `inst` at `t` starts computing (boot, state restore, overhead); every
   * start on an instance other than the one it last computed on pays the restart overhead.
   */
  resumeTime(task: LiveTask, inst: LiveInstance, t: number): number {
    let start = Math.max(t, inst.readyAt, task.stateReadyAt);
    if (task.needsRestore) start += task.stateMb / inst.type.networkMBps;
    if (task.lastInstanceId !== inst.id) start += this.o.restartOverheadSeconds;
    return start;
  }

  /** Puts `task` on `inst`, to start computing at `startAt`. */
  assign(task: LiveTask, inst: LiveInstance, startAt: number, reason: string): void {
    this.cancelIdle(inst);
    inst.attach(task);
    task.lastMarket = inst.market;
    task.status = 'assigned';
    task.startsAt = startAt;
    this.setJob(task, task.jobState === 'CHECKPOINTING' ? 'MIGRATING' : 'STARTING', reason);
    this.scheduleStart(task, startAt);
  }

  /** `task` (assigned) starts computing at `startAt`. */
  scheduleStart(task: LiveTask, startAt: number): void {
    this.#starts.set(
      task,
      this.o.engine.scheduleAt(startAt, () => this.#start(task), `start ${task.id}`, P_STATE),
    );
  }

  #start(task: LiveTask): void {
    const inst = task.instance as LiveInstance;
    const now = this.o.now;
    this.#starts.delete(task);
    task.status = 'running';
    task.startsAt = undefined;
    task.runningSince = now;
    task.speed = inst.type.speed;
    task.needsRestore = false;
    task.lastInstanceId = inst.id;
    if (task.displacedAt !== undefined) {
      this.o.tallies.downtimes.push(now - task.displacedAt);
      task.displacedAt = undefined;
    }
    if (task.jobState === 'NOTICED') {
      // Its instance was noticed after the start was scheduled and before the notice's
      // detection: as simulate, it computes until detection, and the job stays NOTICED.
      this.saveJob(task);
      this.o.options.store.note(now, task.id, `computing on noticed ${inst.id}`);
    } else {
      this.setJob(task, 'RUNNING', `computing on ${inst.id}`);
    }
    this.scheduleCompletion(task);
    this.o.agents.started(task, inst);
  }

  /**
   * `task` (computing since `runningSince`) completes when its work is done, if in the horizon.
   * A job running a command completes when the command exits (core/agents.ts).
   */
  scheduleCompletion(task: LiveTask): void {
    if (this.o.agents.commandOf(task)) return;
    const done = task.completionTime(task.runningSince as number, task.speed);
    if (done > this.o.horizonSeconds) return;
    this.#completions.set(
      task,
      this.o.engine.scheduleAt(
        Math.max(done, this.o.now),
        () => this.complete(task),
        `complete ${task.id}`,
        P_STATE,
      ),
    );
  }

  /** `task`'s work is done: SUCCEEDED. */
  complete(task: LiveTask): void {
    const inst = task.instance as LiveInstance;
    const now = this.o.now;
    this.#completions.delete(task);
    task.runningSince = undefined;
    task.baseProgress = task.workSeconds;
    task.status = 'completed';
    task.completedAt = now;
    inst.detach(task);
    this.o.tallies.completionTimes.push(now - task.arrivalSeconds);
    this.setJob(task, 'SUCCEEDED', 'work done');
    this.o.agents.completed(task, inst);
    if (inst.tasks.size === 0) this.scheduleIdle(inst);
    this.o.requestDecision();
  }

  /**
   * Takes `task` off `inst` (folding progress in, cancelling its start or completion); the
   * caller says where it goes. Returns whether it was computing.
   */
  detach(task: LiveTask, inst: LiveInstance): boolean {
    const wasComputing = task.status === 'running';
    for (const timers of [this.#starts, this.#completions]) {
      const e = timers.get(task);
      if (e) this.o.engine.cancel(e);
      timers.delete(task);
    }
    if (wasComputing) task.stopAt(this.o.now);
    inst.detach(task);
    task.status = 'pending';
    task.startsAt = undefined;
    task.detachedAtSeconds = this.o.now;
    return wasComputing;
  }

  /**
   * Cancels `task` (a user's request): off its instance, if it is on one, its agent told to
   * stop it; out of the policy's hands, if it was waiting; CANCELLED. A checkpoint in flight
   * for it finishes and is not used.
   */
  cancel(task: LiveTask, reason: string): void {
    const inst = task.instance;
    if (inst !== undefined) {
      this.detach(task, inst);
      this.o.agents.leaves(task, inst, 0);
      if (inst.tasks.size === 0) this.scheduleIdle(inst);
    }
    this.o.pending.delete(task);
    task.status = 'completed';
    task.displacedAt = undefined;
    this.setJob(task, 'CANCELLED', reason);
  }

  /**
   * At ticks, lets the policy move tasks placed on accepting instances (e.g. to on-demand when
   * behind schedule), as simulate does; the state leaves at the instance's bandwidth. Run
   * with a fresh market snapshot (the orchestrator's tick does).
   */
  policyMoves(): void {
    const policy = this.o.options.policy;
    if (!policy.preempts) return;
    const preempts = policy.preempts.bind(policy);
    for (const inst of [...this.o.instances]) {
      if (!inst.accepting) continue;
      for (const task of [...inst.tasks]) {
        if (!preempts(task, this.o)) continue;
        const wasComputing = this.detach(task, inst);
        this.o.agents.leaves(task, inst, wasComputing ? task.baseProgress : 0);
        if (wasComputing || (!task.needsRestore && task.baseProgress > 0)) {
          task.stateReadyAt =
            Math.max(this.o.now, task.stateReadyAt) + task.stateMb / inst.type.networkMBps;
          task.needsRestore = task.baseProgress > 0;
        }
        task.displacedAt ??= this.o.now;
        this.o.pending.add(task);
        this.setJob(task, 'RECOVERING', `moved by policy ${policy.name}`);
        if (inst.tasks.size === 0) this.scheduleIdle(inst);
      }
    }
  }

  /** Moves the job to `to` for `reason` in the store, with its whole working state. */
  setJob(task: LiveTask, to: JobState, reason: string): void {
    this.o.options.store.transitionJob(task.id, to, reason, this.o.now, jobPatch(task));
    task.jobState = to;
  }

  /** Saves the job's whole working state in the store, without a state change. */
  saveJob(task: LiveTask): void {
    this.o.options.store.patchJob(task.id, jobPatch(task));
  }
}

/** A job's whole working state, as its store row holds it. */
function jobPatch(task: LiveTask): JobPatch {
  return {
    instance_token: task.instance?.token ?? null,
    base_progress_seconds: task.baseProgress,
    last_checkpoint_seconds: task.lastCheckpoint,
    running_since: task.runningSince ?? null,
    starts_at: task.startsAt ?? null,
    last_instance_token: task.lastInstanceId ?? null,
    last_market: task.lastMarket ?? null,
    detached_at: task.detachedAtSeconds ?? null,
    needs_restore: task.needsRestore ? 1 : 0,
    state_ready_at: task.stateReadyAt,
    preemptions: task.preemptions,
    displaced_at: task.displacedAt ?? null,
    completed_at: task.completedAt ?? null,
    attempts: task.failures,
    cause: task.cause ?? null,
  };
}

/**
 * Runs a cloud call, retrying transient failures with exponential backoff and full jitter
 * (drawn from `rng`, a named stream), at most {@link CLOUD_CALL_ATTEMPTS} attempts.
 */
export async function retried<T>(call: () => Promise<T>, rng: Rng): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof TransientCloudError) || attempt >= CLOUD_CALL_ATTEMPTS) throw error;
      const ms = rng.next() * CLOUD_BACKOFF_MS * 2 ** (attempt - 1);
      await new Promise((r) => setTimeout(r, ms));
    }
  }
}
