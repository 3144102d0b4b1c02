/** The metric columns of runs.csv (one module, so run producers can share them). */

/** runs.csv metric columns, in order (savings_pct is computed against the baseline). */
export const METRIC_COLUMNS = [
  'total_cost_usd',
  'spot_cost_usd',
  'on_demand_cost_usd',
  'work_hours',
  'cost_per_work_hour',
  'tasks_total',
  'tasks_completed',
  'deadline_misses',
  'preemptions',
  'checkpoints_full',
  'checkpoints_partial',
  'restarts',
  'progress_lost_hours',
  'migrations',
  'migration_downtime_mean_s',
  'migration_downtime_p99_s',
  'spot_instance_hours',
  'on_demand_instance_hours',
  'makespan_hours',
  'completion_p50_hours',
  'completion_p99_hours',
  'cf_decisions',
  'cf_displaced',
  'cf_first_fit_placed',
  'cf_first_fit_seconds',
  'cf_greedy_placed',
  'cf_greedy_seconds',
  'cf_optimal_placed',
  'cf_optimal_seconds',
] as const;
/** One of {@link METRIC_COLUMNS}. */
export type MetricColumn = (typeof METRIC_COLUMNS)[number];

/** Every metric column, undefined: the start of a row that defines only some of them. */
export function undefinedMetrics(): Record<MetricColumn, number | undefined> {
  return Object.fromEntries(METRIC_COLUMNS.map((c) => [c, undefined])) as Record<
    MetricColumn,
    number | undefined
  >;
}
