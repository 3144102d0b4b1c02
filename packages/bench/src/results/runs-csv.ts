/**
 * runs.csv: one row per run. Column order (hyperfine's rule): fixed identity columns, then
 * `param_<path>` columns sorted by path, then the metric columns of the metric table. An empty
 * cell means "undefined" (e.g. no task completed, so no completion percentile); no cell is NaN.
 */

import { stringify } from 'csv-stringify/sync';
import { METRIC_TABLE } from '../sweep/metric-columns.js';
import { formatNumber, formatParam } from './format.js';
import { columnValue, type ResultTable } from './table.js';

/** runs.csv as records: its header, and each row's cells as written. */
export function runsCsvRecords(t: ResultTable): { header: string[]; cells: string[][] } {
  const params = t.paramPaths;
  const header = [
    'scenario',
    ...params.map((p) => `param_${p}`),
    'seed',
    'policy',
    'migration',
    'inputs_hash',
    'synkti_version',
    ...METRIC_TABLE.map((c) => c.name),
  ];
  const cells = t.rows.map((r) => [
    r.scenario,
    ...params.map((p) => formatParam(r.params[p])),
    String(r.seed),
    r.policy,
    r.migration,
    r.inputsHash,
    r.version,
    ...METRIC_TABLE.map((c) => formatNumber(columnValue(t, r, c.name))),
  ]);
  return { header, cells };
}

/** runs.csv text. */
export function runsCsv(t: ResultTable): string {
  const { header, cells } = runsCsvRecords(t);
  return stringify([header, ...cells]);
}
