/**
 * A synthetic task (live.md: a task with no command): the agent itself makes its progress, by
 * sim-core's arithmetic — the type's speed, the task's periodic checkpoint pauses — on the time
 * the orchestrator gives with each request (the cloud's clock). This is how any simulator
 * scenario runs live unchanged, with the agent, not the orchestrator, holding the task's
 * progress and its checkpoints.
 *
 * A checkpoint is a real file: a one-line JSON header (the task, the progress it keeps) and
 * {@link SYNTHETIC_BYTES_PER_MB} bytes of padding per MB of the task's state, so moving it costs
 * something that grows with the state without moving gigabytes on a test machine. The agent that
 * resumes a task from a checkpoint takes its progress from the file: a lost or wrong checkpoint
 * shows as a different completion time, which the orchestrator refuses.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { checkpointCycle, completionTime, progressAt } from '@synkti/sim-core';

/** Checkpoint bytes per MB of a synthetic task's state (a scale-down of 1/4096). */
export const SYNTHETIC_BYTES_PER_MB = 256;

/** What the orchestrator says of a synthetic task when it starts it. */
export interface SyntheticSpec {
  /** Work at speed 1, seconds. */
  readonly workSeconds: number;
  /** Progress it starts from, work-seconds (without a checkpoint file: what storage held). */
  readonly baseProgressSeconds: number;
  /** Work-seconds per second on this instance's type. */
  readonly speed: number;
  /** Periodic checkpoint interval, seconds (none: no periodic checkpoints). */
  readonly checkpointIntervalSeconds: number | null;
  /** State size, MB. */
  readonly stateMb: number;
  /** Storage bandwidth of periodic checkpoints, MB/s. */
  readonly storageMBps: number;
  /** When it starts computing, the cloud's seconds. */
  readonly startSeconds: number;
}

/** The header of a synthetic checkpoint file. */
interface CheckpointHeader {
  readonly synkti: 'synthetic-checkpoint';
  readonly taskId: string;
  /** Progress the checkpoint keeps, work-seconds. */
  readonly progressSeconds: number;
}

/** Checks a spec's fields. @throws RangeError naming the field and what it was. */
export function checkSyntheticSpec(spec: unknown): SyntheticSpec {
  const s = spec as Record<string, unknown>;
  if (typeof s !== 'object' || s === null) throw new RangeError('synthetic: expected an object');
  for (const key of [
    'workSeconds',
    'baseProgressSeconds',
    'speed',
    'stateMb',
    'storageMBps',
    'startSeconds',
  ]) {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(
        `synthetic.${key}: expected a finite number ≥ 0, got ${JSON.stringify(v)}`,
      );
    }
  }
  const interval = s['checkpointIntervalSeconds'];
  if (interval !== null && !(typeof interval === 'number' && interval > 0)) {
    throw new RangeError(
      `synthetic.checkpointIntervalSeconds: expected null or a number > 0, got ${JSON.stringify(interval)}`,
    );
  }
  if ((s['speed'] as number) <= 0) throw new RangeError(`synthetic.speed: expected > 0`);
  return s as unknown as SyntheticSpec;
}

/** A synthetic task's computing stretch, as sim-core's progress arithmetic takes it. */
function stretch(spec: SyntheticSpec) {
  return {
    workSeconds: spec.workSeconds,
    baseProgress: spec.baseProgressSeconds,
    runningSince: spec.startSeconds,
    speed: spec.speed,
    cycle: checkpointCycle(
      spec.checkpointIntervalSeconds ?? undefined,
      spec.stateMb,
      spec.storageMBps,
    ),
  };
}

/** Progress at `t` (the cloud's seconds), work-seconds. */
export function syntheticProgressAt(spec: SyntheticSpec, t: number): number {
  return progressAt(stretch(spec), t);
}

/** When the task's work is done, the cloud's seconds. */
export function syntheticFinishesAt(spec: SyntheticSpec): number {
  return completionTime(stretch(spec));
}

/** Writes a checkpoint keeping `progressSeconds` to `file`. */
export function writeSyntheticCheckpoint(
  file: string,
  taskId: string,
  progressSeconds: number,
  stateMb: number,
): void {
  const header: CheckpointHeader = { synkti: 'synthetic-checkpoint', taskId, progressSeconds };
  const padding = Buffer.alloc(Math.ceil(stateMb * SYNTHETIC_BYTES_PER_MB), 0x5a);
  writeFileSync(file, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), padding]));
}

/**
 * The progress a synthetic checkpoint keeps.
 * @throws RangeError when the file is not a checkpoint of `taskId`.
 */
export function readSyntheticCheckpoint(file: string, taskId: string): number {
  const bytes = readFileSync(file);
  const end = bytes.indexOf(0x0a);
  let header: CheckpointHeader | undefined;
  try {
    header = JSON.parse(bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8'));
  } catch {
    header = undefined;
  }
  if (header?.synkti !== 'synthetic-checkpoint' || header.taskId !== taskId) {
    throw new RangeError(`${file}: not a synthetic checkpoint of task ${taskId}`);
  }
  return header.progressSeconds;
}
