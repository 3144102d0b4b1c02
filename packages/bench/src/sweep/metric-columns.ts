/**
 * The metric columns, each declared once: its runs.csv name, where its value comes from, and how
 * summary.md shows it. runs.csv writes them in this order; summary.md, comparison.csv and the
 * charts pick columns from here by name. Adding a metric is one entry here (and, if it is new
 * to `RunResult`, the field in sim-core).
 */

import type { RunResult } from '@synkti/sim-core';

/** One metric column. */
export interface MetricColumnSpec<N extends string = string> {
  /** runs.csv column name; its suffix gives the unit (`_usd`, `_hours`, `_s`, `_pct`). */
  readonly name: N;
  /**
   * The value of a simulated run. Absent for a column derived over the whole result table
   * (`savings_pct`, result-table.ts), which no single run knows.
   */
  readonly from?: (r: RunResult) => number | undefined;
  /** summary.md: the column's title and decimals, for the columns it shows. */
  readonly summary?: { readonly title: string; readonly digits: number };
}

const col = <N extends string>(spec: MetricColumnSpec<N>) => spec;

/** Every metric column, in runs.csv order. */
export const METRIC_TABLE = [
  col({
    name: 'total_cost_usd',
    from: (r) => r.totalCostUsd,
    summary: { title: 'cost $', digits: 2 },
  }),
  col({ name: 'spot_cost_usd', from: (r) => r.spotCostUsd }),
  col({ name: 'on_demand_cost_usd', from: (r) => r.onDemandCostUsd }),
  col({ name: 'work_hours', from: (r) => r.workHours }),
  col({ name: 'cost_per_work_hour', from: (r) => r.costPerWorkHour }),
  // 100 × (1 − cost per work-hour / the baseline's on the same seed and point): derived.
  col({ name: 'savings_pct', summary: { title: 'savings %', digits: 1 } }),
  col({ name: 'tasks_total', from: (r) => r.tasksTotal }),
  col({
    name: 'tasks_completed',
    from: (r) => r.tasksCompleted,
    summary: { title: 'completed', digits: 1 },
  }),
  col({ name: 'deadline_misses', from: (r) => r.deadlineMisses }),
  col({
    name: 'preemptions',
    from: (r) => r.preemptions,
    summary: { title: 'preemptions', digits: 1 },
  }),
  col({ name: 'checkpoints_full', from: (r) => r.checkpointsFull }),
  col({ name: 'checkpoints_partial', from: (r) => r.checkpointsPartial }),
  col({ name: 'restarts', from: (r) => r.restarts }),
  col({
    name: 'progress_lost_hours',
    from: (r) => r.progressLostHours,
    summary: { title: 'progress lost h', digits: 2 },
  }),
  col({ name: 'migrations', from: (r) => r.migrations }),
  col({
    name: 'migration_downtime_mean_s',
    from: (r) => r.migrationDowntimeMeanSeconds,
    summary: { title: 'downtime mean s', digits: 1 },
  }),
  col({ name: 'migration_downtime_p99_s', from: (r) => r.migrationDowntimeP99Seconds }),
  col({ name: 'spot_instance_hours', from: (r) => r.spotInstanceHours }),
  col({ name: 'on_demand_instance_hours', from: (r) => r.onDemandInstanceHours }),
  col({ name: 'makespan_hours', from: (r) => r.makespanHours }),
  col({ name: 'completion_p50_hours', from: (r) => r.completionP50Hours }),
  col({ name: 'completion_p99_hours', from: (r) => r.completionP99Hours }),
  // Counterfactuals: every planner on the same displaced tasks at each decision (model.md).
  col({ name: 'cf_decisions', from: (r) => r.migrationDecisions }),
  col({ name: 'cf_displaced', from: (r) => r.displacedTasks }),
  col({ name: 'cf_first_fit_placed', from: (r) => r.plannerCounterfactual['first-fit'].placed }),
  col({
    name: 'cf_first_fit_seconds',
    from: (r) => r.plannerCounterfactual['first-fit'].edgeSeconds,
  }),
  col({ name: 'cf_greedy_placed', from: (r) => r.plannerCounterfactual.greedy.placed }),
  col({ name: 'cf_greedy_seconds', from: (r) => r.plannerCounterfactual.greedy.edgeSeconds }),
  col({ name: 'cf_optimal_placed', from: (r) => r.plannerCounterfactual.optimal.placed }),
  col({ name: 'cf_optimal_seconds', from: (r) => r.plannerCounterfactual.optimal.edgeSeconds }),
] as const;

/** Any column of {@link METRIC_TABLE}, derived ones included. */
export type Column = (typeof METRIC_TABLE)[number]['name'];
/** The derived column: computed over the result table, not stored in a run's row. */
export const SAVINGS_COLUMN = 'savings_pct' satisfies Column;
/** A column a run's row stores. */
export type MetricColumn = Exclude<Column, typeof SAVINGS_COLUMN>;

/** Every stored metric column, in runs.csv order. */
export const METRIC_COLUMNS = METRIC_TABLE.filter((c) => c.name !== SAVINGS_COLUMN).map(
  (c) => c.name,
) as MetricColumn[];

/** The stored metrics of a simulated run, by column. */
export function metricsOf(r: RunResult): Record<MetricColumn, number | undefined> {
  const out = {} as Record<MetricColumn, number | undefined>;
  for (const c of METRIC_TABLE) if ('from' in c) out[c.name as MetricColumn] = c.from(r);
  return out;
}

/** Every metric column, undefined: the start of a row that defines only some of them. */
export function undefinedMetrics(): Record<MetricColumn, number | undefined> {
  return Object.fromEntries(METRIC_COLUMNS.map((c) => [c, undefined])) as Record<
    MetricColumn,
    number | undefined
  >;
}
