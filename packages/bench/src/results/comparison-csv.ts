/**
 * comparison.csv: the planner comparisons (comparisons.ts), one row each: optimal against
 * first-fit and greedy, paired by seed, with 95% confidence intervals, per scenario point and
 * policy; and the counterfactual rows.
 */

import { stringify } from 'csv-stringify/sync';
import { plannerComparisons } from './comparisons.js';
import { formatNumber, formatParam } from './format.js';
import type { ResultTable } from './table.js';

export { COMPARED_METRICS } from './comparisons.js';

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
  const body = plannerComparisons(t).map(({ first, metric, other, d }) => [
    first.scenario,
    ...params.map((p) => formatParam(first.params[p])),
    first.policy,
    metric,
    'optimal',
    other,
    ...[d.meanA, d.meanB, d.meanDiff, d.ciLow, d.ciHigh].map(formatNumber),
    String(d.n),
  ]);
  return stringify([header, ...body]);
}
