/**
 * @synkti/bench — scenario sweeps, CSV comparisons, regression checks, and the statistics and
 * charts behind them, for scripts and notebooks.
 * @packageDocumentation
 */

export { checkAgainstBaseline, type Regression } from './check.js';
export { InputError } from './errors.js';
export {
  type LoadedScenario,
  loadScenario,
  type PolicyRef,
  type SweepPoint,
} from './load-scenario.js';
export {
  comparisonCsv,
  formatNumber,
  runsCsv,
  runsCsvRecords,
  savingsByRow,
  summaryMarkdown,
} from './outputs.js';
export {
  savingsChart,
  type TimelineData,
  timelineChart,
  versusParameterChart,
} from './report/charts.js';
export { toSvg } from './report/render.js';
export { reportHtml } from './report/report-html.js';
export { type ResultTable, resultTable } from './result-table.js';
export { executeRun, expandRuns, METRIC_COLUMNS, type RunRow, type RunSpec } from './runs.js';
