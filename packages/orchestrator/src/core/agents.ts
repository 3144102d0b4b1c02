/**
 * The orchestrator's work through instance agents (live.md, "Instance agent and the task
 * contract"), for instances the cloud runs an agent on:
 *
 * - **start**: when a job starts computing, its agent is given the task — the workload command
 *   (an argv array) or, with none, a synthetic task whose progress the agent keeps
 *   (agent/synthetic.ts) — resumed from the job's checkpoint when it has one;
 * - **checkpoint and transfer** (the preemption response's plan, and a policy's move): the
 *   source agent checkpoints the task (a synthetic one keeps exactly the plan's progress; a
 *   command is signalled and its own checkpoint awaited), the checkpoint goes to the checkpoint
 *   storage directory and, when the planner chose a destination, to the destination's agent;
 *   with none and S3 configured (AWS), the source agent uploads it to S3 and the next
 *   instance's agent restores it from there; the task is stopped on the source;
 * - **watching** (scaled clock): every look, each instance computing a task is asked its
 *   status. A command's exit is the job's end: 0 succeeds it; any other status is a failed
 *   attempt, retried (from the start) while the job has retries left, then FAILED with the exit
 *   status. An agent that does not answer twice in a row is an instance failure: the instance is
 *   terminated and its jobs recovered from their last checkpoint.
 *
 * A synthetic task's completion time is the orchestrator's arithmetic (so that decisions happen
 * at the instants `simulate` has them); the agent computes its own from what it was given and its
 * checkpoint file, and the run stops with {@link AgentDisagreementError} if they differ.
 * Synthetic checkpoints move on the run's order of work (deterministic on the virtual clock);
 * a command's checkpoint is awaited in the background, and the job's next start waits for it.
 */

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AgentClient, AgentRefusedError, AgentUnreachableError } from '../agent/agent-client.js';
import type { S3Location } from '../agent/s3-checkpoints.js';
import { readSyntheticCheckpoint, type SyntheticSpec } from '../agent/synthetic.js';
import type { AgentEndpoint, CloudInstance } from '../cloud/provider.js';
import { LogReader } from '../store/job-logs.js';
import type { LiveInstance, LiveTask } from './objects.js';
import { type Orchestrator, P_STATE } from './orchestrator.js';

/** Attempts of a job whose command fails, by default: the first and two retries. */
export const DEFAULT_TASK_RETRIES = 2;
/** Wall milliseconds an agent may take to start; and between looks for it. */
export const AGENT_START_MS = 30_000;
const AGENT_WAIT_MS = 50;
/** Consecutive unanswered status requests after which an instance counts as failed. */
export const UNANSWERED_LIMIT = 2;

/** An agent's synthetic task disagreed with the orchestrator: a bug, never papered over. */
export class AgentDisagreementError extends Error {
  constructor(taskId: string, expected: number, got: number | null) {
    super(`task ${taskId}: the orchestrator has it done at ${expected} s, its agent at ${got} s`);
    this.name = 'AgentDisagreementError';
  }
}

/** See the file comment. */
export class AgentWork {
  /** Checkpoints in flight (a command's), by job: the job's next start waits for them. */
  readonly #transfers = new Map<LiveTask, Promise<void>>();
  /** A checkpoint already handed to an agent, by job. */
  readonly #delivered = new Map<LiveTask, { readonly inst: LiveInstance; readonly path: string }>();

  /** Checkpoints taken from a source agent and kept (in storage, and at a destination). */
  checkpointsMoved = 0;

  constructor(readonly o: Orchestrator) {
    this.#logs = new LogReader(o.options.store);
  }

  /**
   * The command `task` runs: its own (submitted with it), else the run's workload command;
   * none: a synthetic task.
   */
  commandOf(task: LiveTask): readonly string[] | undefined {
    return task.argv ?? this.o.options.workloadCommand;
  }

  /** Jobs' output, read from their agents into the store. */
  readonly #logs: LogReader;

  get retries(): number {
    return this.o.options.taskRetries ?? DEFAULT_TASK_RETRIES;
  }

  /** Where a job's checkpoint is kept between instances. */
  storageFile(task: LiveTask): string {
    return path.join(this.o.options.checkpointDir ?? '.', `${task.id}.checkpoint`);
  }

  /** Where `task`'s checkpoint is kept on S3, when S3 is configured. */
  s3Location(task: LiveTask): S3Location | undefined {
    const s3 = this.o.options.s3Checkpoints;
    if (s3 === undefined) return undefined;
    const { prefix, ...bucket } = s3;
    return { ...bucket, key: `${prefix}${task.id}.checkpoint` };
  }

  /** The progress `task`'s S3 checkpoint keeps, work-seconds (in the store: durable). */
  #s3Progress(task: LiveTask): number | undefined {
    const v = this.o.options.store.getMeta(`s3-checkpoint:${task.id}`);
    return v === undefined ? undefined : Number(v);
  }

  /**
   * A client of `inst`'s agent. One still starting (a cloud on the scaled clock starts agents
   * while the instance boots) is waited for through the cloud's `describe()`.
   */
  async #client(inst: LiveInstance): Promise<AgentClient> {
    const limit = this.o.options.agentStartMs ?? AGENT_START_MS;
    for (let waited = 0, k = 0; inst.agent === 'starting'; k++) {
      if (waited > limit) {
        // An instance whose agent never serves is a failed instance: its jobs are recovered.
        const why = `agent of ${inst.id} did not start within ${Math.round(waited / 1000)} s`;
        this.#at(this.o.now, () => this.instanceFailed(inst, why));
        throw new AgentUnreachableError(inst.cloudId, new Error(why));
      }
      // Every 50 ms for the first 2 s (an emulated agent starts within them), then every second
      // (a real instance boots for minutes: its cloud is not asked 20 times a second).
      const pause = k < 40 ? AGENT_WAIT_MS : 1000;
      waited += pause;
      await new Promise((r) => setTimeout(r, pause));
      const there = (await this.o.options.cloud.describe()).find((c) => c.id === inst.cloudId);
      if (there === undefined) throw new AgentUnreachableError(inst.cloudId, new Error('ended'));
      inst.agent = there.agent;
    }
    return new AgentClient(inst.agent as AgentEndpoint);
  }

  // ---- start ---------------------------------------------------------------------------------

  /**
   * `task` starts computing on `inst` at `at` (now, or when it did before a restart): its agent
   * starts it (queued work; asked again, an agent returns the task it started).
   */
  started(task: LiveTask, inst: LiveInstance, at = this.o.now): void {
    if (inst.agent === undefined) return;
    const base = task.baseProgress;
    const expected = task.completionTime(at, inst.type.speed);
    const spec: SyntheticSpec = {
      workSeconds: task.workSeconds,
      baseProgressSeconds: base,
      speed: inst.type.speed,
      checkpointIntervalSeconds: task.row.checkpoint_interval_seconds,
      stateMb: task.stateMb,
      storageMBps: task.storageMBps,
      startSeconds: at,
    };
    this.o.work.push(() =>
      this.#tolerated(inst, async () => {
        await this.#transfers.get(task);
        const resumeFrom = base > 0 ? await this.#resumeFile(task, inst, base) : undefined;
        const client = await this.#client(inst);
        const command = this.commandOf(task);
        if (command) {
          await client.startCommand(task.id, command, at, resumeFrom);
          return;
        }
        const started = await client.startSynthetic(task.id, spec, resumeFrom);
        if (started.finishesAt !== expected && expected <= this.o.horizonSeconds) {
          throw new AgentDisagreementError(task.id, expected, started.finishesAt);
        }
      }),
    );
  }

  /**
   * Runs `call` to `inst`'s agent; an agent that does not answer is not an error here: on the
   * scaled clock an instance may end between a decision and the call, and its end (the cloud's
   * event, or {@link watch} finding the agent gone) recovers its jobs.
   */
  async #tolerated(inst: LiveInstance, call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (!(error instanceof AgentUnreachableError)) throw error;
      this.o.options.store.note(this.o.now, inst.token, `agent unreachable: ${error.message}`);
    }
  }

  /** Stops `task` on `inst`'s agent (gone with its instance: nothing to stop). */
  #stop(task: LiveTask, inst: LiveInstance): Promise<void> {
    return this.#tolerated(inst, async () => (await this.#client(inst)).stop(task.id));
  }

  /**
   * The checkpoint `inst`'s agent resumes `task` from: one delivered to it, or the storage
   * copy handed over now; undefined when there is none (a synthetic task's must keep `base`).
   */
  async #resumeFile(task: LiveTask, inst: LiveInstance, base: number): Promise<string | undefined> {
    const delivered = this.#delivered.get(task);
    this.#delivered.delete(task);
    if (delivered?.inst === inst) return delivered.path;
    const file = this.storageFile(task);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      // none kept here (a synthetic task's periodic ones are modelled only): S3's, if any
      return this.#fromS3(task, inst, base);
    }
    if (!this.commandOf(task) && readSyntheticCheckpoint(file, task.id) !== base)
      return this.#fromS3(task, inst, base);
    return (await this.#client(inst)).putCheckpoint(task.id, bytes);
  }

  /** `inst`'s agent restores `task`'s S3 checkpoint, when that keeps `base` (a command's: any). */
  async #fromS3(task: LiveTask, inst: LiveInstance, base: number): Promise<string | undefined> {
    const at = this.s3Location(task);
    const kept = this.#s3Progress(task);
    if (at === undefined || kept === undefined || (!this.commandOf(task) && kept !== base))
      return undefined;
    try {
      return await (await this.#client(inst)).restoreCheckpoint(task.id, at);
    } catch (error) {
      if (!(error instanceof AgentRefusedError)) throw error;
      return undefined; // not there (deleted behind the run's back): from what the spec says
    }
  }

  /** `task` completed on `inst` (the orchestrator's arithmetic): its agent lets it go. */
  completed(task: LiveTask, inst: LiveInstance): void {
    if (inst.agent === undefined || this.commandOf(task)) return;
    this.o.work.push(() => this.#stop(task, inst));
  }

  /**
   * After a restart: the agents' endpoints as the cloud describes them, and every job computing
   * on an agent's instance started again there (the agent returns the one it has: a crash may
   * have come between the job's RUNNING and its agent hearing of it).
   */
  resumed(described: readonly CloudInstance[]): void {
    for (const c of described) {
      const inst = this.o.byCloudId.get(c.id);
      if (inst !== undefined) inst.agent = c.agent;
    }
    for (const task of this.o.tasks.values()) {
      const inst = task.instance;
      if (task.status === 'running' && inst?.agent !== undefined && inst.accepting) {
        this.started(task, inst, task.runningSince as number);
      }
    }
  }

  // ---- checkpoint and transfer ---------------------------------------------------------------

  /**
   * `task` leaves `from` now keeping `keptSeconds` of progress (0: nothing to keep), to `to`
   * when the planner chose a destination: checkpoint, transfer, stop.
   */
  leaves(task: LiveTask, from: LiveInstance, keptSeconds: number, to?: LiveInstance): void {
    if (from.agent === undefined) return;
    const at = this.o.now;
    this.#delivered.delete(task);
    if (keptSeconds <= 0) {
      this.o.work.push(() => this.#stop(task, from));
      return;
    }
    const s3 = to === undefined ? this.s3Location(task) : undefined;
    const move = async (): Promise<void> => {
      const source = await this.#client(from);
      await this.#checkpoint(source, task, at, keptSeconds);
      if (s3 !== undefined) {
        // No destination: the source agent uploads it; the next instance restores it.
        await source.uploadCheckpoint(task.id, s3);
        this.o.options.store.setMeta(`s3-checkpoint:${task.id}`, String(keptSeconds));
        this.checkpointsMoved++;
        return;
      }
      const bytes = await source.checkpoint(task.id);
      if (bytes === undefined) return;
      const file = this.storageFile(task);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, bytes);
      renameSync(`${file}.tmp`, file);
      this.checkpointsMoved++;
      if (to?.agent !== undefined) {
        await this.#tolerated(to, async () => {
          const put = await (await this.#client(to)).putCheckpoint(task.id, bytes);
          this.#delivered.set(task, { inst: to, path: put });
        });
      }
    };
    if (!this.commandOf(task)) {
      this.o.work.push(async () => {
        try {
          await move();
        } catch (error) {
          if (!(error instanceof AgentUnreachableError)) throw error;
          this.#checkpointLost(task, error.message);
          return;
        }
        await this.#stop(task, from);
      });
      return;
    }
    // A command checkpoints in its own time: in the background, the next start waits for it.
    const transfer = move()
      .catch(() => undefined) // the source died first: the job restarts without it
      .finally(() => this.#stop(task, from));
    this.#transfers.set(task, transfer);
  }

  /**
   * The source agent was gone before it checkpointed `task` (on the scaled clock its instance
   * can end first): the job goes back to the progress its stored checkpoint keeps, or to zero,
   * and the difference is counted as progress lost. Runs before the job's next start (the
   * driver awaits this work first), which resumes from what is stored.
   */
  #checkpointLost(task: LiveTask, why: string): void {
    let kept = this.#s3Progress(task) ?? 0;
    try {
      kept = Math.max(kept, readSyntheticCheckpoint(this.storageFile(task), task.id));
    } catch {
      // nothing stored here: S3's, or from the start
    }
    if (kept >= task.baseProgress) return;
    const { store } = this.o.options;
    this.o.tallies.lostSeconds += task.baseProgress - kept;
    task.baseProgress = kept;
    task.lastCheckpoint = Math.min(task.lastCheckpoint, kept);
    task.needsRestore = kept > 0;
    store.patchJob(task.id, {
      base_progress_seconds: kept,
      last_checkpoint_seconds: task.lastCheckpoint,
      needs_restore: task.needsRestore ? 1 : 0,
    });
    store.note(this.o.now, task.id, `checkpoint lost (${why}): back to ${kept} work-seconds`);
    this.o.saveTallies();
  }

  async #checkpoint(source: AgentClient, task: LiveTask, at: number, keptSeconds: number) {
    if (!this.commandOf(task)) await source.checkpointSynthetic(task.id, at, keptSeconds);
    else await source.checkpointCommand(task.id);
    this.o.options.onCheckpointed?.(task.id, at);
  }

  /** Waits for every checkpoint in flight (the end of a run). */
  async settle(): Promise<void> {
    await Promise.all(this.#transfers.values());
  }

  // ---- watching (scaled clock) ---------------------------------------------------------------

  /**
   * Asks the agent of every instance computing a job for its status, and schedules what it
   * reports — a command's exit, an agent gone — as state changes at `nowSeconds`, the cloud's
   * time of the look.
   */
  async watch(nowSeconds: number): Promise<void> {
    const watched = this.o.instances.filter(
      (i) =>
        typeof i.agent === 'object' &&
        i.accepting &&
        [...i.tasks].some((t) => t.status === 'running'),
    );
    await Promise.all(watched.map((inst) => this.#watch(inst, nowSeconds)));
  }

  async #watch(inst: LiveInstance, nowSeconds: number): Promise<void> {
    let status: Awaited<ReturnType<AgentClient['status']>>;
    try {
      status = await (await this.#client(inst)).status();
    } catch (error) {
      if (!(error instanceof AgentUnreachableError)) throw error;
      if (++inst.unanswered >= UNANSWERED_LIMIT) {
        this.#at(nowSeconds, () => this.instanceFailed(inst, `agent of ${inst.id} lost`));
      }
      return;
    }
    inst.unanswered = 0;
    for (const task of inst.tasks) {
      if (!this.commandOf(task)) continue;
      const record = status.tasks.find((t) => t.id === task.id);
      if (record !== undefined) {
        const client = await this.#client(inst);
        await this.#logs.read(task.id, inst.token, record.logLines ?? 0, nowSeconds, client);
      }
      if (task.status !== 'running' || record?.state !== 'exited') continue;
      const exit = record.exitCode;
      this.#at(nowSeconds, () => {
        if (task.instance !== inst || task.status !== 'running') return;
        if (exit === 0) this.o.lifecycle.complete(task);
        else
          this.taskFailed(
            task,
            inst,
            exit === null ? `signal ${record.signal}` : `exit status ${exit}`,
          );
      });
    }
  }

  /** Runs `fn` as a state change at `t` (the cloud's time of the report), or now if later. */
  #at(t: number, fn: () => void): void {
    this.o.engine.scheduleAt(Math.max(t, this.o.now), fn, 'agent report', P_STATE);
  }

  /**
   * `task`'s command failed on `inst`: retried from the start while it has retries left, then
   * FAILED with `why`.
   */
  taskFailed(task: LiveTask, inst: LiveInstance, why: string): void {
    const life = this.o.lifecycle;
    life.detach(task, inst);
    task.baseProgress = 0;
    task.lastCheckpoint = 0;
    task.needsRestore = false;
    task.failures++;
    this.#delivered.delete(task);
    const attempt = `attempt ${task.failures} of ${this.retries + 1}`;
    if (task.failures > this.retries) {
      task.status = 'completed';
      task.cause = `${why} (${attempt})`;
      life.setJob(task, 'FAILED', task.cause);
    } else {
      task.displacedAt ??= this.o.now;
      this.o.pending.add(task);
      life.setJob(task, 'RECOVERING', `${why} (${attempt}); retried`);
      this.o.requestDecision();
    }
    if (inst.tasks.size === 0) life.scheduleIdle(inst);
  }

  /**
   * `inst` failed (its agent is gone): its jobs go back to their last checkpoint and to the
   * policy, and the instance is terminated.
   */
  instanceFailed(inst: LiveInstance, why: string): void {
    if (inst.endedAt !== undefined) return;
    const life = this.o.lifecycle;
    for (const task of [...inst.tasks]) {
      life.detach(task, inst);
      this.o.tallies.lostSeconds += task.baseProgress - task.lastCheckpoint;
      task.baseProgress = task.lastCheckpoint;
      task.needsRestore = task.baseProgress > 0;
      task.displacedAt ??= this.o.now;
      this.#delivered.delete(task);
      this.o.pending.add(task);
      life.setJob(task, 'RECOVERING', why);
    }
    this.o.work.push(() => life.release(inst, why));
    this.o.requestDecision();
  }
}
