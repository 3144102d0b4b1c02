/**
 * The grace-period checkpoint planner (model.md): how much of a displaced task's progress
 * survives, given how much of its state can move before the instance terminates.
 */

/** Full: all progress kept; partial: progress × ratio kept; restart: back to the last checkpoint. */
export type CheckpointOutcome = 'full' | 'partial' | 'restart';

/** Thresholds on ratio = transferable MB / state MB. */
export interface CheckpointThresholds {
  /** At or above: Full. Default 1.0 (all state must fit). */
  readonly fullThreshold: number;
  /** At or above (and below full): Partial. Default 0.3. */
  readonly partialThreshold: number;
}

/** Input of one decision. */
export interface GraceCheckpointInput {
  /** State to move, MB. */
  readonly stateMb: number;
  /** Progress at the moment the task stops, work-seconds. */
  readonly progressSeconds: number;
  /** Progress saved by the last periodic checkpoint, work-seconds (0 if none). */
  readonly lastCheckpointSeconds: number;
  /** Bandwidth available to this transfer, MB/s. */
  readonly bandwidthMBps: number;
  /** Time this transfer has before termination, seconds (≥ 0). */
  readonly windowSeconds: number;
}

/** The planner's verdict. */
export interface GraceCheckpointPlan {
  readonly outcome: CheckpointOutcome;
  /** transferable / state (Infinity when there is no state). */
  readonly ratio: number;
  /** Progress the task keeps, work-seconds. */
  readonly keptProgressSeconds: number;
  /** Time the transfer takes inside the window, seconds (≤ window). */
  readonly transferSeconds: number;
}

/**
 * Decides Full / Partial / Restart by the ratio rule:
 * ratio = bandwidth × window / state; ratio ≥ full → keep all; partial ≤ ratio < full → keep
 * progress × min(1, ratio); below → fall back to the last periodic checkpoint. A task with no
 * state (0 MB) is always Full in zero time.
 */
export function planGraceCheckpoint(
  input: GraceCheckpointInput,
  thresholds: CheckpointThresholds,
): GraceCheckpointPlan {
  const { stateMb, progressSeconds, lastCheckpointSeconds, bandwidthMBps } = input;
  const window = Math.max(0, input.windowSeconds);
  if (stateMb === 0) {
    return {
      outcome: 'full',
      ratio: Number.POSITIVE_INFINITY,
      keptProgressSeconds: progressSeconds,
      transferSeconds: 0,
    };
  }
  const ratio = (bandwidthMBps * window) / stateMb;
  const transferSeconds = Math.min(window, stateMb / bandwidthMBps);
  if (ratio >= thresholds.fullThreshold) {
    return { outcome: 'full', ratio, keptProgressSeconds: progressSeconds, transferSeconds };
  }
  if (ratio >= thresholds.partialThreshold) {
    const kept = Math.max(lastCheckpointSeconds, progressSeconds * Math.min(1, ratio));
    return { outcome: 'partial', ratio, keptProgressSeconds: kept, transferSeconds };
  }
  return { outcome: 'restart', ratio, keptProgressSeconds: lastCheckpointSeconds, transferSeconds };
}
