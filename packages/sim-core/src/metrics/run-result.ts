/** The metrics of one run (model.md, Metrics). Undefined marks "not defined", never NaN. */

import type { MigrationPlanner } from '../planning/migration.js';

/** One entry of the optional event log. */
export interface SimEvent {
  /** Simulated time, seconds. */
  readonly t: number;
  readonly kind:
    | 'arrival'
    | 'launch'
    | 'launch-refused'
    | 'ready'
    | 'place'
    | 'start'
    | 'complete'
    | 'rebalance'
    | 'notice'
    | 'detect'
    | 'checkpoint'
    | 'migrate'
    | 'terminate'
    | 'release'
    | 'policy-move';
  readonly task?: string;
  readonly instance?: string;
  /** Extra fields of the event (market, outcome, prices, …). */
  readonly detail?: Readonly<Record<string, string | number>>;
}

/** Everything measured in one run. */
export interface RunResult {
  readonly scenario: string;
  readonly policy: string;
  readonly migration: MigrationPlanner;
  readonly seed: string | number;
  readonly horizonHours: number;
  /** Total cost, USD (spot + on-demand), of every instance's billed time (see `billing`). */
  readonly totalCostUsd: number;
  readonly spotCostUsd: number;
  readonly onDemandCostUsd: number;
  /** Work retained at the end (completed tasks' work plus unfinished tasks' progress), hours. */
  readonly workHours: number;
  /** totalCostUsd / workHours, $/work-hour; undefined when no work was done. */
  readonly costPerWorkHour: number | undefined;
  readonly tasksTotal: number;
  readonly tasksCompleted: number;
  /** Tasks whose deadline (≤ horizon) passed before they completed. */
  readonly deadlineMisses: number;
  /** Preemption notices received by spot instances. */
  readonly preemptions: number;
  /** Grace-period checkpoint outcomes of tasks computing on a notified instance. */
  readonly checkpointsFull: number;
  readonly checkpointsPartial: number;
  readonly restarts: number;
  /** Progress lost to preemptions, work-hours. */
  readonly progressLostHours: number;
  /** Tasks moved directly to another instance by the migration planner. */
  readonly migrations: number;
  /** Downtime of displaced tasks, from detection to computing again (all that resumed), seconds. */
  readonly migrationDowntimeTotalSeconds: number;
  readonly migrationDowntimeMeanSeconds: number | undefined;
  readonly migrationDowntimeP99Seconds: number | undefined;
  /** Time spot instances were held (launch to end, or to the horizon), hours; billed time may be more. */
  readonly spotInstanceHours: number;
  /** Time on-demand instances were held, hours; billed time may be more. */
  readonly onDemandInstanceHours: number;
  /** Time of the last completion, hours; undefined when none completed. */
  readonly makespanHours: number | undefined;
  /** Completion time (completion − arrival) quantiles over completed tasks, hours. */
  readonly completionP50Hours: number | undefined;
  readonly completionP99Hours: number | undefined;
  /**
   * Every planner evaluated on the same displaced tasks and destinations at each migration
   * decision of this run (whichever planner the run used): tasks placed and the sum of their
   * edge costs (transfer + boot left), seconds. A paired comparison of planners that no
   * divergence of trajectories can blur.
   */
  readonly plannerCounterfactual: Readonly<Record<MigrationPlanner, PlannerTally>>;
  /** Migration decisions (detections with displaced tasks) and tasks displaced in them. */
  readonly migrationDecisions: number;
  readonly displacedTasks: number;
  /** Events the engine fired. */
  readonly eventsProcessed: number;
  /** The event log, when `recordEvents` was set. */
  readonly events?: readonly SimEvent[];
  /**
   * Spot price of each instance type at t = 0 and at every change up to the horizon, when
   * `recordEvents` was set ($/hour; piecewise constant between samples).
   */
  readonly spotPrices?: readonly SpotPriceSample[];
}

/** What one planner did over a run's migration decisions. */
export interface PlannerTally {
  /** Tasks it placed. */
  readonly placed: number;
  /** Sum of the placed tasks' edge costs (transfer + boot left), seconds. */
  readonly edgeSeconds: number;
}

/** One step of a spot price path. */
export interface SpotPriceSample {
  readonly type: string;
  /** Time the price takes effect, seconds. */
  readonly t: number;
  readonly perHour: number;
}

/**
 * Savings of `run` against `baseline` (usually on-demand-only on the same workload and seed):
 * 1 − costPerWorkHour(run) / costPerWorkHour(baseline), as a fraction. Undefined when either
 * cost per work-hour is undefined or the baseline's is 0.
 */
export function savings(run: RunResult, baseline: RunResult): number | undefined {
  const a = run.costPerWorkHour;
  const b = baseline.costPerWorkHour;
  if (a === undefined || b === undefined || b === 0) return undefined;
  return 1 - a / b;
}

/** Raw-cost savings: 1 − totalCost(run) / totalCost(baseline); undefined if the baseline cost 0. */
export function rawCostSavings(run: RunResult, baseline: RunResult): number | undefined {
  if (baseline.totalCostUsd === 0) return undefined;
  return 1 - run.totalCostUsd / baseline.totalCostUsd;
}
