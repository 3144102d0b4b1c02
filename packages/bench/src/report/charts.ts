/**
 * The report's Vega-Lite chart specs, built from run rows. Every figure shows means over seeds
 * with 95% t intervals where it compares policies or planners.
 */

import { estimate } from '@synkti/sim-core';
import type { TopLevelSpec } from 'vega-lite';
import type { ResultTable } from '../results/table.js';
import { BASELINE_POLICY } from '../scenario-file/load.js';
import type { RunRow, SimEventLike } from './types.js';

const pointLabel = (r: RunRow) => {
  const params = Object.entries(r.params).map(
    ([k, v]) => `${k.split('.').pop()}=${String(v).split('/').pop()}`,
  );
  return params.length > 0 ? params.join(', ') : r.scenario;
};

/**
 * Mean and 95% CI (Student t over seeds) of `value` per group, over the rows that are not the
 * baseline policy and for which both `group` and `value` are defined; groups in first-seen order.
 */
function meanCiBy<G extends Record<string, string | number>>(
  rows: readonly RunRow[],
  group: (r: RunRow) => G | undefined,
  value: (r: RunRow) => number | undefined,
): (G & { mean: number | undefined; lo: number; hi: number; n: number })[] {
  const groups = new Map<string, { key: G; values: number[] }>();
  for (const r of rows) {
    if (r.policy === BASELINE_POLICY) continue;
    const key = group(r);
    const v = value(r);
    if (key === undefined || v === undefined) continue;
    const id = JSON.stringify(key);
    const g = groups.get(id) ?? { key, values: [] };
    g.values.push(v);
    groups.set(id, g);
  }
  return [...groups.values()].map(({ key, values }) => {
    const e = estimate(values);
    const hw = e.halfWidth ?? 0;
    return { ...key, mean: e.mean, lo: (e.mean ?? 0) - hw, hi: (e.mean ?? 0) + hw, n: e.n };
  });
}

/** Savings by policy and planner, mean and 95% CI over seeds, one panel per sweep point and policy. */
export function savingsChart(t: ResultTable): TopLevelSpec {
  const { rows, savings } = t;
  const values = meanCiBy(
    rows,
    (r) => ({ panel: `${pointLabel(r)} · ${r.policy}`, planner: r.migration }),
    (r) => savings.get(r.index),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Savings vs on-demand-only (%), mean and 95% CI over seeds',
    data: { values },
    // Wrapped panels: row/column facets let long sweep-point labels overlap.
    facet: {
      field: 'panel',
      type: 'nominal',
      title: null,
      header: { labelLimit: 0, labelFontSize: 10 },
    },
    columns: 3,
    spec: {
      width: 160,
      height: 120,
      layer: [
        {
          mark: 'rule',
          encoding: {
            x: { field: 'planner', type: 'nominal', title: 'planner' },
            y: { field: 'lo', type: 'quantitative', title: 'savings %' },
            y2: { field: 'hi' },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 60 },
          encoding: {
            x: { field: 'planner', type: 'nominal' },
            y: { field: 'mean', type: 'quantitative' },
            color: { field: 'planner', type: 'nominal', legend: null },
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** A metric versus one swept parameter, one line per planner, one panel per policy. */
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
      return typeof x === 'number' ? { x, policy: r.policy, planner: r.migration } : undefined;
    },
    (r) => (metric === 'savings_pct' ? savings.get(r.index) : r.metrics.migration_downtime_mean_s),
  );
  const title = metric === 'savings_pct' ? 'savings %' : 'mean downtime per displaced task (s)';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${title} vs ${param} (mean and 95% CI over seeds and other parameters)`,
    data: { values },
    facet: { column: { field: 'policy', type: 'nominal', title: null } },
    spec: {
      width: 220,
      height: 160,
      layer: [
        {
          mark: { type: 'errorband', opacity: 0.15 },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: param },
            y: { field: 'lo', type: 'quantitative', title },
            y2: { field: 'hi' },
            color: { field: 'planner', type: 'nominal' },
          },
        },
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'mean', type: 'quantitative' },
            color: { field: 'planner', type: 'nominal' },
          },
        },
      ],
    },
  };
}

/** The data of one run's timeline. */
export interface TimelineData {
  readonly label: string;
  readonly events: readonly SimEventLike[];
  readonly spotPrices: readonly { type: string; t: number; perHour: number }[];
  readonly horizonHours: number;
}

/** One run: spot price, preemption notices, instance lifetimes by market, migrations. */
export function timelineChart(d: TimelineData): TopLevelSpec {
  const launches = new Map<string, { t: number; market: string }>();
  const lifetimes: { instance: string; start: number; end: number; market: string }[] = [];
  const notices: { t: number; instance: string }[] = [];
  const migrations: { t: number; instance: string; task: string }[] = [];
  for (const e of d.events) {
    const h = e.t / 3600;
    if (e.kind === 'launch' && e.instance)
      launches.set(e.instance, { t: h, market: String(e.detail?.['market']) });
    if ((e.kind === 'release' || e.kind === 'terminate') && e.instance) {
      const l = launches.get(e.instance);
      if (l) lifetimes.push({ instance: e.instance, start: l.t, end: h, market: l.market });
      launches.delete(e.instance);
    }
    if (e.kind === 'notice' && e.instance) notices.push({ t: h, instance: e.instance });
    if (e.kind === 'migrate' && e.instance)
      migrations.push({ t: h, instance: e.instance, task: e.task ?? '' });
  }
  for (const [instance, l] of launches)
    lifetimes.push({ instance, start: l.t, end: d.horizonHours, market: l.market });
  const prices = d.spotPrices.map((p) => ({ type: p.type, t: p.t / 3600, perHour: p.perHour }));
  const x = {
    type: 'quantitative' as const,
    title: 'hours',
    scale: { domain: [0, d.horizonHours] },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Timeline of one run: ${d.label}`,
    vconcat: [
      {
        width: 640,
        height: 120,
        data: { values: prices },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 't', ...x },
          y: { field: 'perHour', type: 'quantitative', title: 'spot $/hour' },
          color: { field: 'type', type: 'nominal', title: 'type' },
        },
      },
      {
        width: 640,
        height: { step: 6 },
        layer: [
          {
            data: { values: lifetimes },
            mark: 'bar',
            encoding: {
              x: { field: 'start', ...x },
              x2: { field: 'end' },
              y: { field: 'instance', type: 'nominal', title: 'instances', axis: null, sort: null },
              color: { field: 'market', type: 'nominal', title: 'market' },
            },
          },
          {
            data: { values: notices },
            mark: { type: 'tick', color: 'black', thickness: 2 },
            encoding: {
              x: { field: 't', ...x },
              y: { field: 'instance', type: 'nominal', sort: null },
            },
          },
          {
            data: { values: migrations },
            mark: { type: 'point', shape: 'triangle-right', color: 'crimson', filled: true },
            encoding: {
              x: { field: 't', ...x },
              y: { field: 'instance', type: 'nominal', sort: null },
            },
          },
        ],
      },
    ],
  };
}
