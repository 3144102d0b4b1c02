/**
 * `simulate`: one seeded run of a scenario under a policy and a migration planner (the run
 * itself is simulate/run.ts).
 *
 * Randomness (common random numbers): the workload draws from stream `workload`, each spot
 * price from `prices/<type>`, and the k-th spot instance launched of a type from
 * `preemptions/<type>/<k>`. Runs that differ only in policy or planner therefore see the same
 * tasks, the same prices and the same preemption draws for corresponding instances.
 */

import type { RunResult } from './metrics/run-result.js';
import { resolveScenario } from './scenario/resolve.js';
import type { Scenario } from './scenario/types.js';
import { resolveWorkload } from './scenario/workload.js';
import { Run } from './simulate/run.js';
import { checkSimulateOptions, type SimulateOptions } from './simulate-options.js';

export type { SimulateOptions } from './simulate-options.js';

/**
 * Runs `scenario` once. Deterministic: the same scenario, options and seed give an identical
 * result.
 *
 * @throws SimulateOptionsError on an invalid option, ScenarioError on an invalid scenario (both
 * before anything runs).
 * @throws EventFailedError wrapping a PolicyDecisionError when the policy returns an invalid
 * decision, or an InvariantViolation when `checkInvariants` finds one.
 */
export function simulate(scenario: Scenario, options: SimulateOptions): RunResult {
  checkSimulateOptions(options);
  const resolved = resolveScenario(scenario);
  const workload = resolveWorkload(scenario.workload, options.seed);
  return new Run(resolved, workload, options).execute();
}
