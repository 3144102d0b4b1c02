/**
 * Every default of a scenario, stated once with where it comes from. `resolveScenario`
 * (resolve.ts) and `resolveWorkload` (workload.ts) fill them in; nothing downstream writes a
 * default of its own.
 */

/** Work-seconds per wall-second of an instance type. 1: the reference GPU. */
export const DEFAULT_SPEED = 1;
/** Launch request to running, seconds. 90: typical of a GPU instance with a prepared image. */
export const DEFAULT_BOOT_SECONDS = 90;
/** Spot price as a share of on-demand when a type gives none: the prototype's $0.30 vs $1.00. */
export const DEFAULT_SPOT_SHARE = 0.3;
/** Price-update step of an OU spot price, seconds (5 minutes: AWS's spot price granularity). */
export const DEFAULT_OU_STEP_SECONDS = 300;
/** Lowest OU spot price, $/hour: prices are never negative. (The cap defaults to on-demand.) */
export const DEFAULT_OU_FLOOR_PER_HOUR = 0;
/** Poisson preemptions per spot instance-hour: the Synkti prototype's 5%/hour. */
export const DEFAULT_PREEMPTION_RATE_PER_HOUR = 0.05;
/** Preemption-rate sensitivity to the spot price: 0, a constant rate. */
export const DEFAULT_PRICE_SENSITIVITY = 0;
/** Trace time at t = 0, seconds: the trace's start. */
export const DEFAULT_TRACE_OFFSET_SECONDS = 0;
/** Grace periods between a preemption notice and termination, seconds, by cloud. */
export const GRACE_PERIOD_SECONDS = { aws: 120, gcp: 30, azure: 30 } as const;
/** Notice to termination, seconds: AWS's two-minute warning. */
export const DEFAULT_GRACE_PERIOD_SECONDS = GRACE_PERIOD_SECONDS.aws;
/** Notice to detection by the orchestrator, seconds: IMDS polled about every second. */
export const DEFAULT_DETECTION_LATENCY_SECONDS = 1;
/** An instance with no task is released after this long, seconds: at once. */
export const DEFAULT_IDLE_RELEASE_SECONDS = 0;
/** Time without progress on each start on a new instance, seconds: none unless stated. */
export const DEFAULT_RESTART_OVERHEAD_SECONDS = 0;
/** Grace-period checkpoint thresholds and storage bandwidth (docs/model.md). */
export const DEFAULT_CHECKPOINT = {
  /** Ratio at or above which all progress is kept: 1.0, all state must fit (physical). */
  fullThreshold: 1.0,
  /** Ratio at or above which progress × ratio is kept: 0.3, the prototype's. */
  partialThreshold: 0.3,
  /** Bandwidth of checkpoint storage for periodic checkpoints, Gbps: 10. */
  storageBandwidthGbps: 10,
} as const;
/** A task's kind when none is given. */
export const DEFAULT_TASK_KIND = 'batch';
