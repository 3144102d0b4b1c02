/** The run list of a sweep, and the flat row each run produces. */

import type { MigrationPlanner, Scenario } from '@synkti/sim-core';
import { InputError } from '../errors.js';
import type { LoadedScenario, PolicyRef } from '../scenario-file/load.js';
import { synktiVersion } from '../scenario-file/provenance.js';
import { evaluatorFor } from './evaluators.js';
import type { MetricColumn } from './metric-columns.js';

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

/**
 * Every run of the given scenarios: points × seeds × policies × planners, in that nesting.
 * @throws InputError when a policy's evaluator cannot run a sweep point (an unknown policy, bad
 *   parameters, a scenario outside `offline-optimal`'s setting), before anything runs.
 */
export function expandRuns(scenarios: readonly LoadedScenario[]): {
  runs: RunSpec[];
  scenarios: Scenario[];
} {
  for (const s of scenarios) checkEvaluators(s);
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

/** Refuses a scenario file whose policies' evaluators cannot run one of its points. */
function checkEvaluators(s: LoadedScenario): void {
  for (const [k, p] of s.policies.entries()) {
    const evaluator = evaluatorFor(p.name);
    for (const point of s.points) {
      const why = evaluator.unfit(p, point.scenario);
      if (why !== undefined) throw new InputError(`${s.file}: policies[${k}]: ${why}`);
    }
  }
}

/** Runs one spec on its (already validated) scenario, with the evaluator its policy names. */
export function executeRun(spec: RunSpec, scenario: Scenario, checkInvariants = false): RunRow {
  return rowOf(spec, runMetrics(spec, scenario, checkInvariants));
}

/** The metrics of one spec's run (what a worker sends back: the rest of the row is the spec's). */
export function runMetrics(
  spec: RunSpec,
  scenario: Scenario,
  checkInvariants = false,
): RunRow['metrics'] {
  return evaluatorFor(spec.policy.name).run(spec.policy, scenario, {
    seed: spec.seed,
    migration: spec.migration,
    checkInvariants,
  });
}

/** The row of `spec`'s run, given its metrics. */
export function rowOf(spec: RunSpec, metrics: RunRow['metrics']): RunRow {
  return {
    index: spec.index,
    key: spec.key,
    scenario: spec.scenario,
    params: spec.params,
    seed: spec.seed,
    policy: spec.policy.label,
    migration: spec.migration,
    inputsHash: spec.inputsHash,
    version: spec.version,
    metrics,
  };
}
