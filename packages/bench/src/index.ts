/**
 * @synkti/bench — scenario sweeps, CSV comparisons, regression checks, and the statistics and
 * charts behind them, for scripts and notebooks.
 * @packageDocumentation
 */

export { main as benchMain } from './cli/cli.js';
export { InputError } from './errors.js';
export {
  savingsChart,
  type TimelineData,
  timelineChart,
  versusParameterChart,
} from './report/charts.js';
export { toSvg } from './report/render.js';
export { reportHtml } from './report/report-html.js';
export { checkAgainstBaseline, type Regression } from './results/check.js';
export { comparisonCsv } from './results/comparison-csv.js';
export { formatNumber } from './results/format.js';
export { runsCsv, runsCsvRecords } from './results/runs-csv.js';
export { summaryMarkdown } from './results/summary-md.js';
export { type ResultTable, resultTable, savingsByRow } from './results/table.js';
export {
  type LoadedScenario,
  loadScenario,
  type PolicyRef,
  type SweepPoint,
} from './scenario-file/load.js';
export { readValidated } from './scenario-file/validated.js';
export { importPolicyModules, type PolicyModuleEntry } from './sweep/policy-modules.js';
export { executeRun, expandRuns, METRIC_COLUMNS, type RunRow, type RunSpec } from './sweep/runs.js';
