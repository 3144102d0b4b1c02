/**
 * A task's progress arithmetic, pure: while computing, a task with periodic checkpoints
 * alternates I seconds of work with a pause of C = stateMb / storage bandwidth seconds while its
 * checkpoint is written; progress is retained at the end of each pause. Without checkpoints it
 * computes continuously. Closed forms from the time a computing stretch began, so no
 * per-checkpoint events are needed. `simulate` (TaskState) and live mode's synthetic tasks use
 * the same functions.
 */

/** Periodic checkpoint timing of a computing task. */
export interface CheckpointCycle {
  /** Work interval I, wall seconds. */
  readonly intervalSeconds: number;
  /** Checkpoint pause C, wall seconds. */
  readonly pauseSeconds: number;
}

/** One computing stretch: where it began and how fast it goes. */
export interface ComputingStretch {
  /** Work the task needs at speed 1, seconds. */
  readonly workSeconds: number;
  /** Retained progress when the stretch began, work-seconds. */
  readonly baseProgress: number;
  /** Wall time the stretch began, seconds. */
  readonly runningSince: number;
  /** Work-seconds per wall-second of the instance. */
  readonly speed: number;
  /** Periodic checkpoints; undefined when the task takes none. */
  readonly cycle: CheckpointCycle | undefined;
}

/** The checkpoint cycle of a task: undefined without an interval. */
export function checkpointCycle(
  intervalSeconds: number | undefined,
  stateMb: number,
  storageMBps: number,
): CheckpointCycle | undefined {
  return intervalSeconds === undefined
    ? undefined
    : { intervalSeconds, pauseSeconds: stateMb / storageMBps };
}

/** Retained progress at wall time t (≥ runningSince), work-seconds, capped at the work. */
export function progressAt(s: ComputingStretch, t: number): number {
  const elapsed = Math.max(0, t - s.runningSince);
  let run = elapsed;
  const c = s.cycle;
  if (c !== undefined) {
    const period = c.intervalSeconds + c.pauseSeconds;
    const cycles = Math.floor(elapsed / period);
    run = cycles * c.intervalSeconds + Math.min(elapsed - cycles * period, c.intervalSeconds);
  }
  return Math.min(s.workSeconds, s.baseProgress + s.speed * run);
}

/**
 * Progress saved by the last periodic checkpoint completed by wall time t, or `before` (the
 * checkpoint the stretch began with) when none completed yet.
 */
export function checkpointAt(s: ComputingStretch, t: number, before: number): number {
  const c = s.cycle;
  if (c === undefined) return before;
  const period = c.intervalSeconds + c.pauseSeconds;
  const cycles = Math.floor(Math.max(0, t - s.runningSince) / period);
  if (cycles === 0) return before;
  return Math.min(s.workSeconds, s.baseProgress + s.speed * cycles * c.intervalSeconds);
}

/** Wall time at which the stretch completes the work. */
export function completionTime(s: ComputingStretch): number {
  const remaining = (s.workSeconds - s.baseProgress) / s.speed;
  const c = s.cycle;
  if (c === undefined) return s.runningSince + remaining;
  // Full work+checkpoint cycles before the last stretch, which needs no checkpoint after it.
  const cycles = Math.max(0, Math.ceil(remaining / c.intervalSeconds) - 1);
  return (
    s.runningSince +
    cycles * (c.intervalSeconds + c.pauseSeconds) +
    (remaining - cycles * c.intervalSeconds)
  );
}
