/**
 * The planner comparisons of a sweep, computed once per result table: optimal against first-fit
 * and against greedy, paired by seed, per scenario point and policy, for each compared metric;
 * and the counterfactual rows (every planner on the very same displaced sets). comparison.csv
 * writes them; the report charts the savings ones.
 */

import { type MigrationPlanner, type PairedDifference, pairedDifference } from '@synkti/sim-core';
import { BASELINE_POLICY } from '../scenario-file/load.js';
import type { Column } from '../sweep/metric-columns.js';
import type { RunRow } from '../sweep/runs.js';
import { byPlanner, columnValue, type ResultTable } from './table.js';

/** One comparison: optimal − `other` on `metric` at one sweep point and policy. */
export interface PlannerComparison {
  /** A row of the group (its scenario, params and policy). */
  readonly first: RunRow;
  readonly metric: string;
  readonly other: MigrationPlanner;
  readonly d: PairedDifference;
}

/** Metric columns compared between planners in comparison.csv, in its order. */
export const COMPARED_METRICS: readonly Column[] = [
  'total_cost_usd',
  'savings_pct',
  'migration_downtime_mean_s',
  'progress_lost_hours',
  'tasks_completed',
];

const cfKey = (p: MigrationPlanner) => p.replace('-', '_') as 'first_fit' | 'greedy' | 'optimal';

/**
 * Counterfactual metrics (comparison.csv `metric` values starting with `cf_`): all planners
 * evaluated on the very same displaced tasks and destinations at each migration decision of a
 * run. `cf_placed`: tasks placed per run; `cf_seconds_per_placed`: mean edge cost (transfer +
 * boot left) of a placed task.
 */
const COUNTERFACTUAL_METRICS: [string, (r: RunRow, p: MigrationPlanner) => number | undefined][] = [
  ['cf_placed', (r, p) => r.metrics[`cf_${cfKey(p)}_placed`]],
  [
    'cf_seconds_per_placed',
    (r, p) => {
      const placed = r.metrics[`cf_${cfKey(p)}_placed`];
      const seconds = r.metrics[`cf_${cfKey(p)}_seconds`];
      return placed === undefined || seconds === undefined || placed === 0
        ? undefined
        : seconds / placed;
    },
  ],
];

const cache = new WeakMap<ResultTable, readonly PlannerComparison[]>();

/** Every planner comparison of `t`, in comparison.csv's order (computed once per table). */
export function plannerComparisons(t: ResultTable): readonly PlannerComparison[] {
  const cached = cache.get(t);
  if (cached) return cached;
  const out: PlannerComparison[] = [];
  for (const list of t.groups) {
    const first = list[0] as RunRow;
    if (first.policy === BASELINE_POLICY) continue; // planners cannot differ without preemptions
    const planners = byPlanner(list);
    // Counterfactual rows: every planner on the displaced sets of the same runs (paired within
    // each run, then by seed), from the runs that used the first listed planner.
    const own = planners.values().next().value as RunRow[];
    for (const other of ['first-fit', 'greedy'] as const) {
      for (const [metric, pick] of COUNTERFACTUAL_METRICS) {
        const a = new Map(own.map((r) => [String(r.seed), pick(r, 'optimal')]));
        const b = new Map(own.map((r) => [String(r.seed), pick(r, other)]));
        const d = pairedDifference(a, b);
        if (d.n === 0) continue;
        out.push({ first, metric, other, d });
      }
    }
    const optimal = planners.get('optimal');
    if (!optimal) continue;
    for (const other of ['first-fit', 'greedy'] as const) {
      const versus = planners.get(other);
      if (!versus) continue;
      for (const m of COMPARED_METRICS) {
        const a = new Map(optimal.map((r) => [String(r.seed), columnValue(t, r, m)]));
        const b = new Map(versus.map((r) => [String(r.seed), columnValue(t, r, m)]));
        out.push({ first, metric: m, other, d: pairedDifference(a, b) });
      }
    }
  }
  cache.set(t, out);
  return out;
}
