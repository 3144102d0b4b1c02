/**
 * comparison.csv: the optimal planner against first-fit and greedy, paired by seed, with 95%
 * confidence intervals, per scenario point and policy; and the counterfactual rows (every planner
 * on the very same displaced sets).
 */

import { type MigrationPlanner, type PairedDifference, pairedDifference } from '@synkti/sim-core';
import { stringify } from 'csv-stringify/sync';
import { BASELINE_POLICY } from '../scenario-file/load.js';
import type { Column } from '../sweep/metric-columns.js';
import type { RunRow } from '../sweep/runs.js';
import { formatNumber, formatParam } from './format.js';
import { byPlanner, columnValue, type ResultTable } from './table.js';

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

/** comparison.csv text: optimal versus each other planner, paired by seed. */
export function comparisonCsv(t: ResultTable): string {
  const params = t.paramPaths;
  const header = [
    'scenario',
    ...params.map((p) => `param_${p}`),
    'policy',
    'metric',
    'planner_a',
    'planner_b',
    'mean_a',
    'mean_b',
    'mean_diff',
    'ci95_low',
    'ci95_high',
    'n_seeds',
  ];
  const body: string[][] = [];
  for (const list of t.groups) {
    const first = list[0] as RunRow;
    if (first.policy === BASELINE_POLICY) continue; // planners cannot differ without preemptions
    const pushRow = (metric: string, other: string, d: PairedDifference) =>
      body.push([
        first.scenario,
        ...params.map((p) => formatParam(first.params[p])),
        first.policy,
        metric,
        'optimal',
        other,
        ...[d.meanA, d.meanB, d.meanDiff, d.ciLow, d.ciHigh].map(formatNumber),
        String(d.n),
      ]);
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
        pushRow(metric, other, d);
      }
    }
    const optimal = planners.get('optimal');
    if (!optimal) continue;
    for (const other of ['first-fit', 'greedy']) {
      const versus = planners.get(other);
      if (!versus) continue;
      for (const m of COMPARED_METRICS) {
        const a = new Map(optimal.map((r) => [String(r.seed), columnValue(t, r, m)]));
        const b = new Map(versus.map((r) => [String(r.seed), columnValue(t, r, m)]));
        const d = pairedDifference(a, b);
        pushRow(m, other, d);
      }
    }
  }
  return stringify([header, ...body]);
}
