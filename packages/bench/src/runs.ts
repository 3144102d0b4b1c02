/** The run list of a sweep, and the flat row each run produces. */

import { createPolicy } from '@synkti/policies';
import { type MigrationPlanner, type RunResult, type Scenario, simulate } from '@synkti/sim-core';
import type { LoadedScenario, PolicyRef } from './load-scenario.js';
import type { MetricColumn } from './metric-columns.js';
import { OFFLINE_OPTIMAL, offlineOptimalMetrics } from './offline-optimal-run.js';
import { synktiVersion } from './provenance.js';

/** One run to do. `index` orders everything written. */
export interface RunSpec {
  readonly index: number;
  /** Identifies the run across shards and resumes. */
  readonly key: string;
  readonly scenario: string;
  /** Index into the flattened list of sweep points of all scenario files. */
  readonly point: number;
  readonly params: Readonly<Record<string, number | string>>;
  readonly seed: string | number;
  readonly policy: PolicyRef;
  readonly migration: MigrationPlanner;
  /** Hash of the scenario file and the traces it reads (provenance.ts). */
  readonly inputsHash: string;
  /** The Synkti version that ran it. */
  readonly version: string;
}

/** The metrics of one run, as runs.csv has them (savings are added when writing). */
export interface RunRow {
  readonly index: number;
  readonly key: string;
  readonly scenario: string;
  readonly params: Readonly<Record<string, number | string>>;
  readonly seed: string | number;
  readonly policy: string;
  readonly migration: MigrationPlanner;
  /** As in {@link RunSpec}. */
  readonly inputsHash: string;
  readonly version: string;
  readonly metrics: Readonly<Record<MetricColumn, number | undefined>>;
}

export { METRIC_COLUMNS, type MetricColumn } from './metric-columns.js';

/** Every run of the given scenarios: points × seeds × policies × planners, in that nesting. */
export function expandRuns(scenarios: readonly LoadedScenario[]): {
  runs: RunSpec[];
  scenarios: Scenario[];
} {
  const runs: RunSpec[] = [];
  const flat: Scenario[] = [];
  for (const s of scenarios) {
    for (const point of s.points) {
      const p = flat.length;
      flat.push(point.scenario);
      for (const seed of s.seeds) {
        for (const policy of s.policies) {
          for (const migration of s.migrations) {
            const key = JSON.stringify([s.name, point.params, seed, policy.label, migration]);
            runs.push({
              index: runs.length,
              key,
              scenario: s.name,
              point: p,
              params: point.params,
              seed,
              policy,
              migration,
              inputsHash: s.inputs.inputsHash,
              version: synktiVersion(),
            });
          }
        }
      }
    }
  }
  return { runs, scenarios: flat };
}

function metrics(r: RunResult): RunRow['metrics'] {
  return {
    total_cost_usd: r.totalCostUsd,
    spot_cost_usd: r.spotCostUsd,
    on_demand_cost_usd: r.onDemandCostUsd,
    work_hours: r.workHours,
    cost_per_work_hour: r.costPerWorkHour,
    tasks_total: r.tasksTotal,
    tasks_completed: r.tasksCompleted,
    deadline_misses: r.deadlineMisses,
    preemptions: r.preemptions,
    checkpoints_full: r.checkpointsFull,
    checkpoints_partial: r.checkpointsPartial,
    restarts: r.restarts,
    progress_lost_hours: r.progressLostHours,
    migrations: r.migrations,
    migration_downtime_mean_s: r.migrationDowntimeMeanSeconds,
    migration_downtime_p99_s: r.migrationDowntimeP99Seconds,
    spot_instance_hours: r.spotInstanceHours,
    on_demand_instance_hours: r.onDemandInstanceHours,
    makespan_hours: r.makespanHours,
    completion_p50_hours: r.completionP50Hours,
    completion_p99_hours: r.completionP99Hours,
    cf_decisions: r.migrationDecisions,
    cf_displaced: r.displacedTasks,
    cf_first_fit_placed: r.plannerCounterfactual['first-fit'].placed,
    cf_first_fit_seconds: r.plannerCounterfactual['first-fit'].edgeSeconds,
    cf_greedy_placed: r.plannerCounterfactual.greedy.placed,
    cf_greedy_seconds: r.plannerCounterfactual.greedy.edgeSeconds,
    cf_optimal_placed: r.plannerCounterfactual.optimal.placed,
    cf_optimal_seconds: r.plannerCounterfactual.optimal.edgeSeconds,
  };
}

/** Runs one spec on its (already validated) scenario. */
export function executeRun(spec: RunSpec, scenario: Scenario, checkInvariants = false): RunRow {
  const row = {
    index: spec.index,
    key: spec.key,
    scenario: spec.scenario,
    params: spec.params,
    seed: spec.seed,
    policy: spec.policy.label,
    migration: spec.migration,
    inputsHash: spec.inputsHash,
    version: spec.version,
  };
  if (spec.policy.name === OFFLINE_OPTIMAL) {
    return { ...row, metrics: offlineOptimalMetrics(scenario, spec.seed) };
  }
  const result = simulate(scenario, {
    policy: createPolicy(spec.policy.name, spec.policy.params),
    migration: spec.migration,
    seed: spec.seed,
    checkInvariants,
  });
  return { ...row, metrics: metrics(result) };
}
