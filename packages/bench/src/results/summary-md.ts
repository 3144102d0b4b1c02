/** summary.md: per scenario point, policy and planner, each metric's mean ± 95% CI half-width. */

import { estimate } from '@synkti/sim-core';
import { type Column, METRIC_TABLE, type MetricColumnSpec } from '../sweep/metric-columns.js';
import type { RunRow } from '../sweep/runs.js';
import { byPlanner, columnValue, pointKey, type ResultTable } from './table.js';

/** Metric columns of summary.md, in its order; titles and decimals from the metric table. */
export const SUMMARY_METRICS: readonly Column[] = [
  'total_cost_usd',
  'savings_pct',
  'tasks_completed',
  'preemptions',
  'migration_downtime_mean_s',
  'progress_lost_hours',
];

function meanCi(values: (number | undefined)[], digits: number): string {
  const e = estimate(values.filter((v): v is number => v !== undefined));
  if (e.mean === undefined) return '–';
  const hw = e.halfWidth === undefined ? '' : ` ± ${e.halfWidth.toFixed(digits)}`;
  return `${e.mean.toFixed(digits)}${hw}`;
}

/** summary.md text: per scenario point, policy and planner, mean ± 95% CI half-width. */
export function summaryMarkdown(t: ResultTable): string {
  const columns = SUMMARY_METRICS.map((name) => {
    const spec = METRIC_TABLE.find((c) => c.name === name) as MetricColumnSpec;
    return { name, ...(spec.summary as NonNullable<MetricColumnSpec['summary']>) };
  });
  const lines: string[] = [
    '# Synkti sweep summary',
    '',
    'Mean ± 95% CI half-width (Student t) over seeds.',
    '',
  ];
  let currentPoint = '';
  for (const list of t.groups) {
    const first = list[0] as RunRow;
    const point = pointKey(first);
    if (point !== currentPoint) {
      if (currentPoint !== '') lines.push('');
      currentPoint = point;
      const params = Object.entries(first.params)
        .map(([k, v]) => `${k} = ${v}`)
        .join(', ');
      lines.push(`## ${first.scenario}${params ? ` (${params})` : ''}`, '');
      lines.push(`| policy | planner | seeds | ${columns.map((c) => c.title).join(' | ')} |`);
      lines.push(`|${'---|'.repeat(3 + columns.length)}`);
    }
    for (const [planner, rs] of byPlanner(list)) {
      const cells = columns.map((c) =>
        meanCi(
          rs.map((r) => columnValue(t, r, c.name)),
          c.digits,
        ),
      );
      lines.push(`| ${first.policy} | ${planner} | ${rs.length} | ${cells.join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
