/**
 * The results of a sweep, derived once: the rows in run-index order, each row's savings against
 * the baseline on its seed, the swept parameter paths and the groups. runs.csv, comparison.csv, summary.md,
 * report.html and the regression check all read this one table; none recomputes what it holds.
 */

import { BASELINE_POLICY } from '../scenario-file/load.js';
import { type Column, SAVINGS_COLUMN } from '../sweep/metric-columns.js';
import type { RunRow } from '../sweep/runs.js';

/** See the file comment. */
export interface ResultTable {
  /** Rows in run-index order. */
  readonly rows: readonly RunRow[];
  /** savings_pct of each row by run index (undefined when it cannot be computed). */
  readonly savings: ReadonlyMap<number, number | undefined>;
  /** Swept parameter paths, sorted (the `param_<path>` columns). */
  readonly paramPaths: readonly string[];
  /**
   * Rows grouped by (scenario, sweep point, policy): groups, and the rows in each, in run-index
   * order. comparison.csv and summary.md are written group by group.
   */
  readonly groups: readonly (readonly RunRow[])[];
}

/** The value of `column` in row `r`: a stored metric, or the derived savings. */
export function columnValue(t: ResultTable, r: RunRow, column: Column): number | undefined {
  return column === SAVINGS_COLUMN ? t.savings.get(r.index) : r.metrics[column];
}

/** Builds the table of `rows` (already in run-index order, one per run). */
export function resultTable(rows: readonly RunRow[]): ResultTable {
  return {
    rows,
    savings: savingsByRow(rows),
    paramPaths: paramColumns(rows),
    groups: [...groupBy(rows, (r) => JSON.stringify([r.scenario, r.params, r.policy])).values()],
  };
}

/** Identifies a row's scenario and sweep point. */
export const pointKey = (r: RunRow) => JSON.stringify([r.scenario, r.params]);

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

/** Rows by planner (`migration`), in first-appearance order. */
export const byPlanner = (rows: readonly RunRow[]) => groupBy(rows, (r) => r.migration);
