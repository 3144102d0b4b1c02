/**
 * The report's Vega-Lite chart specs, built from the result table. Each answers one question:
 * how much does optimal migration buy over first-fit and greedy (the paired difference, on a
 * zero-centred axis), what does each policy cost relative to on-demand-only, and what do
 * policies and planners save. Means over seeds with 95% Student-t intervals; axes fitted to the
 * data and shared within a figure; sweep points in numeric order; titles with units.
 */

import { estimate } from '@synkti/sim-core';
import type { TopLevelSpec } from 'vega-lite';
import { plannerComparisons } from '../results/comparisons.js';
import type { ResultTable } from '../results/table.js';
import { BASELINE_POLICY } from '../scenario-file/load.js';
import { PLANNER_SCALE, paramTitle, pointLabel, pointsTitle, sortedPointLabels } from './labels.js';
import type { RunRow } from './types.js';

export { type TimelineData, timelineChart } from './timeline-chart.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Mean and 95% CI (Student t over seeds) of `value` per group, over the rows for which both
 * `group` and `value` are defined; groups in first-seen order.
 */
function meanCiBy<G extends Record<string, string | number>>(
  rows: readonly RunRow[],
  group: (r: RunRow) => G | undefined,
  value: (r: RunRow) => number | undefined,
): (G & { mean: number; lo: number; hi: number; n: number })[] {
  const groups = new Map<string, { key: G; values: number[] }>();
  for (const r of rows) {
    const key = group(r);
    const v = value(r);
    if (key === undefined || v === undefined) continue;
    const id = JSON.stringify(key);
    const g = groups.get(id) ?? { key, values: [] };
    g.values.push(v);
    groups.set(id, g);
  }
  return [...groups.values()].flatMap(({ key, values }) => {
    const e = estimate(values);
    if (e.mean === undefined) return [];
    const hw = e.halfWidth ?? 0;
    return [{ ...key, mean: e.mean, lo: e.mean - hw, hi: e.mean + hw, n: e.n }];
  });
}

/**
 * The central question: optimal migration minus first-fit and minus greedy, in savings
 * percentage points, paired by seed, per sweep point and policy, with 95% CIs on an axis
 * centred on zero (a difference of 0 means the planners are equal).
 */
export function plannerDifferenceChart(t: ResultTable): TopLevelSpec {
  const order = sortedPointLabels(t.rows);
  const values = plannerComparisons(t).flatMap(({ first, metric, other, d }) =>
    metric === 'savings_pct' && d.meanDiff !== undefined
      ? [
          {
            row: `${pointLabel(first)} · ${first.policy}`,
            point: order.indexOf(pointLabel(first)),
            versus: `optimal − ${other}`,
            mean: d.meanDiff,
            lo: d.ciLow ?? d.meanDiff,
            hi: d.ciHigh ?? d.meanDiff,
            n: d.n,
          },
        ]
      : [],
  );
  values.sort((a, b) => a.point - b.point);
  const reach = Math.max(0.1, ...values.flatMap((v) => [Math.abs(v.lo), Math.abs(v.hi)]));
  const x = {
    type: 'quantitative' as const,
    title: 'optimal − other planner: savings, percentage points (95% CI, paired by seed)',
    scale: { domain: [-reach, reach] },
  };
  const y = {
    field: 'row',
    type: 'nominal' as const,
    title: null,
    sort: null,
    axis: { labelLimit: 0 },
  };
  const color = {
    field: 'versus',
    type: 'nominal' as const,
    title: 'comparison',
    scale: { domain: ['optimal − first-fit', 'optimal − greedy'], range: ['#d95f02', '#7570b3'] },
  };
  return {
    $schema: SCHEMA,
    title: 'What optimal migration buys: its savings minus first-fit’s and greedy’s',
    data: { values },
    width: 520,
    height: { step: 16 },
    layer: [
      {
        mark: { type: 'rule', color: '#888' },
        data: { values: [{ zero: 0 }] },
        encoding: { x: { field: 'zero', ...x } },
      },
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          x: { field: 'lo', ...x },
          x2: { field: 'hi' },
          y,
          yOffset: { field: 'versus' },
          color,
        },
      },
      {
        mark: { type: 'point', filled: true, size: 50 },
        encoding: { x: { field: 'mean', ...x }, y, yOffset: { field: 'versus' }, color },
      },
    ],
  };
}

/** The baseline rows by (point, seed): on-demand-only, its optimal-planner run when there are several. */
function baselines(rows: readonly RunRow[]): Map<string, RunRow> {
  const out = new Map<string, RunRow>();
  for (const r of rows) {
    if (r.policy !== BASELINE_POLICY) continue;
    const k = JSON.stringify([r.scenario, r.params, r.seed]);
    if (!out.has(k) || r.migration === 'optimal') out.set(k, r);
  }
  return out;
}

/**
 * Cost relative to on-demand-only on the same point and seed (1 = the same cost), per sweep point
 * and policy, over the optimal planner's runs (or the only planner's). For the Can't Be Late
 * scenarios this is the paper's headline: cost ÷ on-demand per zone, with the offline optimum.
 */
export function relativeCostChart(t: ResultTable): TopLevelSpec {
  const base = baselines(t.rows);
  const planners = new Set(t.rows.map((r) => r.migration));
  const planner = planners.has('optimal') ? 'optimal' : [...planners][0];
  const values = meanCiBy(
    t.rows,
    (r) =>
      r.policy === BASELINE_POLICY || r.migration !== planner
        ? undefined
        : { point: pointLabel(r), policy: r.policy },
    (r) => {
      const b = base.get(JSON.stringify([r.scenario, r.params, r.seed]))?.metrics.total_cost_usd;
      const a = r.metrics.total_cost_usd;
      return a === undefined || b === undefined || b === 0 ? undefined : a / b;
    },
  );
  const y = {
    type: 'quantitative' as const,
    title: 'cost ÷ on-demand-only cost (95% CI)',
    scale: { zero: false },
  };
  const x = {
    field: 'point',
    type: 'nominal' as const,
    title: pointsTitle(t.paramPaths),
    sort: sortedPointLabels(t.rows),
    axis: { labelAngle: -35, labelLimit: 0 },
  };
  return {
    $schema: SCHEMA,
    title: `Cost relative to on-demand-only (below 1: cheaper), ${planner} planner`,
    data: { values },
    width: Math.max(240, 60 * new Set(values.map((v) => v.point)).size),
    height: 220,
    layer: [
      {
        mark: { type: 'rule', strokeDash: [4, 3], color: '#888' },
        data: { values: [{ one: 1 }] },
        encoding: { y: { field: 'one', ...y } },
      },
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          x,
          xOffset: { field: 'policy' },
          y: { field: 'lo', ...y },
          y2: { field: 'hi' },
          color: { field: 'policy', type: 'nominal', title: 'policy' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x,
          xOffset: { field: 'policy' },
          y: { field: 'mean', ...y },
          color: { field: 'policy', type: 'nominal' },
        },
      },
    ],
  };
}

/** Savings against on-demand-only by policy and planner, one panel per sweep point, shared axis. */
export function savingsChart(t: ResultTable): TopLevelSpec {
  const { rows, savings } = t;
  const values = meanCiBy(
    rows,
    (r) =>
      r.policy === BASELINE_POLICY
        ? undefined
        : { panel: pointLabel(r), policy: r.policy, planner: r.migration },
    (r) => savings.get(r.index),
  );
  const y = {
    type: 'quantitative' as const,
    title: 'savings %',
    scale: { zero: false },
  };
  const color = {
    field: 'planner',
    type: 'nominal' as const,
    title: 'planner',
    scale: PLANNER_SCALE,
  };
  const x = {
    field: 'policy',
    type: 'nominal' as const,
    title: null,
    axis: { labelAngle: -20, labelLimit: 0 },
  };
  return {
    $schema: SCHEMA,
    title: 'Savings by policy and planner',
    data: { values },
    facet: {
      field: 'panel',
      type: 'nominal',
      title: pointsTitle(t.paramPaths),
      sort: sortedPointLabels(rows),
      header: { labelLimit: 0, labelFontSize: 11 },
    },
    columns: 3,
    spec: {
      width: 200,
      height: 150,
      layer: [
        {
          mark: { type: 'rule', strokeWidth: 2 },
          encoding: {
            x,
            xOffset: { field: 'planner' },
            y: { field: 'lo', ...y },
            y2: { field: 'hi' },
            color,
          },
        },
        {
          mark: { type: 'point', filled: true, size: 50 },
          encoding: { x, xOffset: { field: 'planner' }, y: { field: 'mean', ...y }, color },
        },
      ],
    },
  };
}

/** A metric versus one numeric swept parameter, one line per planner, one panel per policy. */
export function versusParameterChart(
  t: ResultTable,
  param: string,
  metric: 'savings_pct' | 'migration_downtime_mean_s',
): TopLevelSpec {
  const { rows, savings } = t;
  const values = meanCiBy(
    rows,
    (r) => {
      const x = r.params[param];
      return typeof x === 'number' && r.policy !== BASELINE_POLICY
        ? { x, policy: r.policy, planner: r.migration }
        : undefined;
    },
    (r) => (metric === 'savings_pct' ? savings.get(r.index) : r.metrics.migration_downtime_mean_s),
  );
  const title =
    metric === 'savings_pct'
      ? 'savings vs on-demand-only, %'
      : 'mean downtime of a displaced task (s)';
  const color = {
    field: 'planner',
    type: 'nominal' as const,
    title: 'planner',
    scale: PLANNER_SCALE,
  };
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: paramTitle(param),
    scale: { zero: false },
  };
  return {
    $schema: SCHEMA,
    title: `${title} by ${paramTitle(param)} (mean and 95% CI over seeds and the other parameters)`,
    data: { values },
    facet: { column: { field: 'policy', type: 'nominal', title: null } },
    spec: {
      width: 220,
      height: 160,
      layer: [
        {
          mark: { type: 'errorband', opacity: 0.2 },
          encoding: {
            x,
            y: { field: 'lo', type: 'quantitative', title, scale: { zero: false } },
            y2: { field: 'hi' },
            color,
          },
        },
        {
          mark: { type: 'line', point: true },
          encoding: { x, y: { field: 'mean', type: 'quantitative' }, color },
        },
      ],
    },
  };
}
