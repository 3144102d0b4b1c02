/**
 * The results of a sweep, derived once: the rows in run-index order, each row's savings against
 * the baseline on its seed, and the swept parameter paths. runs.csv, comparison.csv, summary.md,
 * report.html and the regression check all read this one table; none recomputes what it holds.
 */

import { paramColumns, savingsByRow } from './outputs.js';
import type { RunRow } from './runs.js';

/** See the file comment. */
export interface ResultTable {
  /** Rows in run-index order. */
  readonly rows: readonly RunRow[];
  /** savings_pct of each row by run index (undefined when it cannot be computed). */
  readonly savings: ReadonlyMap<number, number | undefined>;
  /** Swept parameter paths, sorted (the `param_<path>` columns). */
  readonly paramPaths: readonly string[];
}

/** Builds the table of `rows` (already in run-index order, one per run). */
export function resultTable(rows: readonly RunRow[]): ResultTable {
  return { rows, savings: savingsByRow(rows), paramPaths: paramColumns(rows) };
}
