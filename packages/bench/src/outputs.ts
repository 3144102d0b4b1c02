/**
 * What a sweep writes: runs.csv (one row per run), comparison.csv (optimal vs first-fit and
 * greedy, paired by seed, with 95% CIs) and summary.md. All are pure functions of the set of
 * rows, written in run-index order, so they are byte-identical whatever the worker count,
 * completion order or sharding.
 *
 * Column order (hyperfine's rule): fixed identity columns, then `param_<path>` columns sorted by
 * path, then fixed metric columns. An empty cell means "undefined" (e.g. no task completed, so
 * no completion percentile); no cell is ever NaN.
 */

import {
  estimate,
  type MigrationPlanner,
  type PairedDifference,
  pairedDifference,
} from '@synkti/sim-core';
import { stringify } from 'csv-stringify/sync';
import { BASELINE_POLICY } from './load-scenario.js';
import type { ResultTable } from './result-table.js';
import { METRIC_COLUMNS, type MetricColumn, type RunRow } from './runs.js';

/** Formats a number for CSV: 12 significant digits, empty when undefined or not finite. */
export function formatNumber(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '';
  return String(Number(x.toPrecision(12)));
}

/** Formats a swept parameter: numbers as {@link formatNumber}, strings as they are. */
export function formatParam(x: number | string | undefined): string {
  if (typeof x === 'string') return x;
  return formatNumber(x);
}

const pointKey = (r: RunRow) => JSON.stringify([r.scenario, r.params]);

/** savings_pct of every row: 100 × (1 − cost per work-hour / baseline's on the same seed). */
export function savingsByRow(rows: readonly RunRow[]): Map<number, number | undefined> {
  const baseline = new Map<string, RunRow>();
  for (const r of rows) {
    if (r.policy !== BASELINE_POLICY) continue;
    const k = JSON.stringify([pointKey(r), r.seed]);
    if (!baseline.has(k) || r.migration === 'optimal') baseline.set(k, r);
  }
  const out = new Map<number, number | undefined>();
  for (const r of rows) {
    const b = baseline.get(JSON.stringify([pointKey(r), r.seed]));
    const a = r.metrics.cost_per_work_hour;
    const base = b?.metrics.cost_per_work_hour;
    out.set(
      r.index,
      a === undefined || base === undefined || base === 0 ? undefined : 100 * (1 - a / base),
    );
  }
  return out;
}

/** The swept parameter paths of `rows`, sorted (the `param_<path>` columns). */
export function paramColumns(rows: readonly RunRow[]): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort();
}

/** runs.csv as records: its header, and each row's cells as written. */
export function runsCsvRecords(t: ResultTable): { header: string[]; cells: string[][] } {
  const params = t.paramPaths;
  const savings = t.savings;
  const header = [
    'scenario',
    ...params.map((p) => `param_${p}`),
    'seed',
    'policy',
    'migration',
    'inputs_hash',
    'synkti_version',
    ...METRIC_COLUMNS.slice(0, 5),
    'savings_pct',
    ...METRIC_COLUMNS.slice(5),
  ];
  const cells = t.rows.map((r) => [
    r.scenario,
    ...params.map((p) => formatParam(r.params[p])),
    String(r.seed),
    r.policy,
    r.migration,
    r.inputsHash,
    r.version,
    ...METRIC_COLUMNS.slice(0, 5).map((c) => formatNumber(r.metrics[c])),
    formatNumber(savings.get(r.index)),
    ...METRIC_COLUMNS.slice(5).map((c) => formatNumber(r.metrics[c])),
  ]);
  return { header, cells };
}

/** runs.csv text. */
export function runsCsv(t: ResultTable): string {
  const { header, cells } = runsCsvRecords(t);
  return stringify([header, ...cells]);
}

/** Metrics compared between planners in comparison.csv. */
export const COMPARED_METRICS = [
  'total_cost_usd',
  'savings_pct',
  'migration_downtime_mean_s',
  'progress_lost_hours',
  'tasks_completed',
] as const;

type Compared = (typeof COMPARED_METRICS)[number];

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

function metricOf(
  r: RunRow,
  m: Compared,
  savings: ReadonlyMap<number, number | undefined>,
): number | undefined {
  return m === 'savings_pct' ? savings.get(r.index) : r.metrics[m as MetricColumn];
}

/** `items` grouped by `key`; groups, and the items in each, in first-appearance order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Groups rows by (scenario, point, policy), in first-appearance (run index) order. */
const groups = (rows: readonly RunRow[]) =>
  groupBy(rows, (r) => JSON.stringify([r.scenario, r.params, r.policy]));

/** Rows by planner (`migration`), in first-appearance order. */
const byPlanner = (rows: readonly RunRow[]) => groupBy(rows, (r) => r.migration);

/** comparison.csv text: optimal versus each other planner, paired by seed. */
export function comparisonCsv(t: ResultTable): string {
  const { rows, savings } = t;
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
  for (const list of groups(rows).values()) {
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
        const a = new Map(optimal.map((r) => [String(r.seed), metricOf(r, m, savings)]));
        const b = new Map(versus.map((r) => [String(r.seed), metricOf(r, m, savings)]));
        const d = pairedDifference(a, b);
        pushRow(m, other, d);
      }
    }
  }
  return stringify([header, ...body]);
}

function meanCi(values: (number | undefined)[], digits: number): string {
  const e = estimate(values.filter((v): v is number => v !== undefined));
  if (e.mean === undefined) return '–';
  const hw = e.halfWidth === undefined ? '' : ` ± ${e.halfWidth.toFixed(digits)}`;
  return `${e.mean.toFixed(digits)}${hw}`;
}

/** summary.md text: per scenario point, policy and planner, mean ± 95% CI half-width. */
export function summaryMarkdown(t: ResultTable): string {
  const { rows, savings } = t;
  // The table's metric columns after policy, planner and seeds: value per row, decimals.
  const summaryColumns: [(r: RunRow) => number | undefined, number][] = [
    [(r) => r.metrics.total_cost_usd, 2],
    [(r) => savings.get(r.index), 1],
    [(r) => r.metrics.tasks_completed, 1],
    [(r) => r.metrics.preemptions, 1],
    [(r) => r.metrics.migration_downtime_mean_s, 1],
    [(r) => r.metrics.progress_lost_hours, 2],
  ];
  const lines: string[] = [
    '# Synkti sweep summary',
    '',
    'Mean ± 95% CI half-width (Student t) over seeds.',
    '',
  ];
  let currentPoint = '';
  for (const list of groups(rows).values()) {
    const first = list[0] as RunRow;
    const point = pointKey(first);
    if (point !== currentPoint) {
      if (currentPoint !== '') lines.push('');
      currentPoint = point;
      const params = Object.entries(first.params)
        .map(([k, v]) => `${k} = ${v}`)
        .join(', ');
      lines.push(`## ${first.scenario}${params ? ` (${params})` : ''}`, '');
      lines.push(
        '| policy | planner | seeds | cost $ | savings % | completed | preemptions | downtime mean s | progress lost h |',
      );
      lines.push('|---|---|---|---|---|---|---|---|---|');
    }
    for (const [planner, rs] of byPlanner(list)) {
      const cells = summaryColumns.map(([pick, digits]) => meanCi(rs.map(pick), digits));
      lines.push(`| ${first.policy} | ${planner} | ${rs.length} | ${cells.join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
