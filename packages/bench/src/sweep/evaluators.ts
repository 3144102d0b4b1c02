/**
 * What turns one run spec into a row of metrics. A scenario file's `policies` name either a
 * registered scheduling policy, evaluated by `simulate`, or a named evaluator of its own (today
 * `offline-optimal`, the Can't Be Late lower bound). Everything that must treat them differently
 * (the loader's fitness check, the run itself, which runs have an event log for `--timeline`)
 * asks the evaluator instead of testing a name.
 */

import { createPolicy } from '@synkti/policies';
import { type Scenario, simulate } from '@synkti/sim-core';
import { type MetricColumn, metricsOf } from './metric-columns.js';
import { OFFLINE_OPTIMAL, offlineOptimalMetrics, offlineOptimalUnfit } from './offline-optimal.js';

/** A policy reference as the run list holds it. */
export interface EvaluatedPolicy {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** See the file comment. */
export interface Evaluator {
  /**
   * Why `policy` cannot be evaluated on `scenario` (an unknown policy, bad parameters, a
   * scenario outside the evaluator's setting), or undefined. Checked for every sweep point before
   * anything runs.
   */
  unfit(policy: EvaluatedPolicy, scenario: Scenario): string | undefined;
  /** The metrics of one seed. `scenario` has passed `unfit`. */
  run(
    policy: EvaluatedPolicy,
    scenario: Scenario,
    options: {
      readonly seed: string | number;
      readonly migration: import('@synkti/sim-core').MigrationPlanner;
      readonly checkInvariants: boolean;
    },
  ): Record<MetricColumn, number | undefined>;
  /** Whether a run is a simulation that can be replayed with an event log (`--timeline`). */
  readonly simulates: boolean;
}

/** Any registered scheduling policy, run through `simulate`. */
const SIMULATE: Evaluator = {
  unfit(policy) {
    try {
      createPolicy(policy.name, policy.params);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  },
  run(policy, scenario, { seed, migration, checkInvariants }) {
    const result = simulate(scenario, {
      policy: createPolicy(policy.name, policy.params),
      migration,
      seed,
      checkInvariants,
    });
    return metricsOf(result);
  },
  simulates: true,
};

/** Evaluators with names of their own; every other name is a policy for `simulate`. */
const NAMED: ReadonlyMap<string, Evaluator> = new Map([
  [
    OFFLINE_OPTIMAL,
    {
      unfit(_policy, scenario) {
        const why = offlineOptimalUnfit(scenario);
        return why === undefined ? undefined : `"${OFFLINE_OPTIMAL}" does not apply: ${why}`;
      },
      run: (_policy, scenario, { seed }) => offlineOptimalMetrics(scenario, seed),
      simulates: false,
    },
  ],
]);

/** The evaluator of the policy named `name`. */
export function evaluatorFor(name: string): Evaluator {
  return NAMED.get(name) ?? SIMULATE;
}
