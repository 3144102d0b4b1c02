/**
 * The scenario: a plain typed object that says everything one simulated run needs, writable by
 * hand in a notebook. Defaults are given on each field with their source; {@link resolveScenario}
 * fills them in and checks every value, naming the field path of anything wrong.
 */

import type { AvailabilityTraceData } from '../market/availability-trace.js';
import type { BillingSpec } from '../market/billing.js';
import type { SpotPriceRecord } from '../market/spot-price-history.js';

/** Kinds of task. Open to user kinds (any string). */
export type TaskKind = 'inference' | 'training' | 'batch' | (string & {});

/** A task as the workload states it. */
export interface TaskSpec {
  /** Unique id. Default: `t<index>` in workload order. */
  readonly id?: string;
  /** Default `'batch'`. */
  readonly kind?: TaskKind;
  /** Compute needed at speed 1, seconds (> 0). */
  readonly workSeconds: number;
  /** GPU memory the task occupies, MB (> 0). */
  readonly memoryMb: number;
  /** State that must move to resume elsewhere, MB (≥ 0). */
  readonly stateMb: number;
  /** Arrival time, seconds from the start. Default 0. */
  readonly arrivalSeconds?: number;
  /** Deadline, seconds from the start (absolute). Default: none. */
  readonly deadlineSeconds?: number;
  /** Periodic checkpoint interval, seconds of running time. Default: none (no periodic checkpoints). */
  readonly checkpointIntervalSeconds?: number;
}

/** A distribution for generated task fields. */
export type Distribution =
  | { readonly dist: 'constant'; readonly value: number }
  | { readonly dist: 'uniform'; readonly min: number; readonly max: number }
  | { readonly dist: 'lognormal'; readonly median: number; readonly sigma: number };

/** Draws a workload from the scenario seed's `workload` stream. */
export interface WorkloadGenerator {
  /** Number of tasks (integer ≥ 0). */
  readonly count: number;
  /** Arrival times, hours; the prototype's is uniform in [0, 0.8 × horizon]. */
  readonly arrivalHours: Distribution;
  /** Work at speed 1, hours; the prototype's is uniform in [1, 20]. */
  readonly workHours: Distribution;
  /** GPU memory, MB. */
  readonly memoryMb: Distribution;
  /**
   * State, MB: a distribution, or the prototype's rule min(perWorkHourMb × work hours, maxMb)
   * (200 MB per hour, at most 8000 MB).
   */
  readonly stateMb: Distribution | { readonly perWorkHourMb: number; readonly maxMb: number };
  /** Kind weights, e.g. `{training: 1, inference: 1}`. Default all `batch`. */
  readonly kinds?: Readonly<Record<string, number>>;
  /** Deadline = arrival + slack × work, when given. Default: no deadlines. */
  readonly deadlineSlack?: number;
  /** Periodic checkpoint interval for training tasks, seconds. Default: none. */
  readonly trainingCheckpointIntervalSeconds?: number;
}

/** Either a list of tasks or a generator. */
export type WorkloadSpec =
  | { readonly tasks: readonly TaskSpec[] }
  | { readonly generate: WorkloadGenerator };

/** How the spot price of a type evolves. */
export type SpotPriceSpec =
  | {
      readonly kind: 'ou';
      /** μ, $/hour. */
      readonly meanPerHour: number;
      /** θ, 1/hour. */
      readonly theta: number;
      /** σ, $/hour/√hour. */
      readonly sigma: number;
      /** Price-update step, seconds. Default 300. */
      readonly stepSeconds?: number;
      /** Initial price, $/hour. Default μ. */
      readonly initialPerHour?: number;
      /** Lowest price, $/hour. Default 0. */
      readonly floorPerHour?: number;
      /** Highest price, $/hour. Default: the type's on-demand price (spot never costs more on AWS). */
      readonly capPerHour?: number;
    }
  | { readonly kind: 'constant'; readonly perHour: number }
  | {
      readonly kind: 'trace';
      /** Parsed price history (see `parseSpotPriceHistory`). */
      readonly records: readonly SpotPriceRecord[];
      readonly availabilityZone: string;
      /** Default: the instance type's name. */
      readonly instanceType?: string;
      readonly productDescription?: string;
      /** Unix seconds at t = 0. Default: the first record. */
      readonly startSeconds?: number;
    };

/** How spot instances of a type are preempted. */
export type PreemptionSpec =
  | {
      readonly kind: 'poisson';
      /** Notices per instance-hour. Default 0.05 (the prototype's 5%/hour). */
      readonly ratePerHour?: number;
      /**
       * Rate factor 1 + s·(price − μ)/μ, floored at 0. Default 0 (constant rate). Needs an OU or
       * trace price.
       */
      readonly priceSensitivity?: number;
    }
  | {
      readonly kind: 'trace';
      /** Parsed availability trace (see `parseAvailabilityTrace`). */
      readonly trace: AvailabilityTraceData;
      /**
       * Trace time at t = 0, seconds, or `'random'`: uniform over the windows that fit the horizon,
       * drawn from the seed's `trace-offset/<type>` stream. Default 0.
       */
      readonly offsetSeconds?: number | 'random';
    };

/** A kind of machine. */
export interface InstanceTypeSpec {
  /** e.g. `g5.xlarge`; unique within the scenario. */
  readonly name: string;
  /** GPU memory, MB. */
  readonly gpuMemoryMb: number;
  /** Network bandwidth, Gbps (1 Gbps = 125 MB/s). */
  readonly networkGbps: number;
  /** On-demand price, $/hour. */
  readonly onDemandPerHour: number;
  /** Work-seconds done per wall-second. Default 1. */
  readonly speed?: number;
  /** Launch request to running, seconds. Default 90. */
  readonly bootSeconds?: number;
  /** Spot price. Default: constant at 30% of on-demand (the prototype's $0.30 vs $1.00). */
  readonly spotPrice?: SpotPriceSpec;
  /** Spot preemptions. Default Poisson at 0.05/hour. */
  readonly preemption?: PreemptionSpec;
  /**
   * A rebalance recommendation (EC2's "Instance Rebalance Recommendation": the instance is at
   * elevated risk of interruption) this many seconds before each spot instance's notice, or at
   * its launch when the notice comes sooner. Default: none.
   */
  readonly rebalanceLeadSeconds?: number;
  /**
   * Billing increments, spot and on-demand alike. Default per-second billing with a 60 s minimum
   * (AWS, GCP); the Can't Be Late simulator bills whole trace ticks.
   */
  readonly billing?: BillingSpec;
  readonly zone?: string;
  readonly region?: string;
}

/** The grace-period checkpoint planner's thresholds (model.md). */
export interface CheckpointSpec {
  /** Ratio transferable/state at or above which all progress is kept. Default 1.0 (physical). */
  readonly fullThreshold?: number;
  /** Ratio at or above which progress × ratio is kept. Default 0.3 (the prototype's). */
  readonly partialThreshold?: number;
  /** Bandwidth of checkpoint storage for periodic checkpoints, Gbps. Default 10. */
  readonly storageBandwidthGbps?: number;
}

/** Everything one run needs. */
export interface Scenario {
  readonly name?: string;
  /** Simulated span, hours. */
  readonly horizonHours: number;
  readonly instanceTypes: readonly InstanceTypeSpec[];
  readonly workload: WorkloadSpec;
  readonly checkpoint?: CheckpointSpec;
  /** Notice to termination, seconds. Default 120 (AWS; GCP and Azure 30). */
  readonly gracePeriodSeconds?: number;
  /** Notice to detection by the orchestrator, seconds. Default 1 (IMDS polling). */
  readonly detectionLatencySeconds?: number;
  /** An instance with no task is released after this long, seconds. Default 0. */
  readonly idleReleaseSeconds?: number;
  /**
   * Time without progress each time a task starts on an instance it did not last compute on (the
   * job's setup on a new machine: the first start, every relaunch and every move), seconds, on
   * top of boot and transfer. Billed like any other instance time. Default 0.
   */
  readonly restartOverheadSeconds?: number;
  /** Policy re-decision period, seconds. Default: none (decisions happen at events only). */
  readonly policyTickSeconds?: number;
}
