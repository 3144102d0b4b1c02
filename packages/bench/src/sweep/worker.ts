/** Worker thread: runs the specs the pool sends, on scenarios received once at start. */

import { parentPort, workerData } from 'node:worker_threads';
import type { Scenario } from '@synkti/sim-core';
import { importPolicyModules } from './policy-modules.js';
import { executeRun, type RunSpec } from './runs.js';

const { scenarios, checkInvariants, policyModules, tsLoader } = workerData as {
  scenarios: Scenario[];
  checkInvariants: boolean;
  /** Absolute paths of the user's policy modules, imported before the first run. */
  policyModules: string[];
  /** tsx's ESM API as the main thread resolved it (for TypeScript modules). */
  tsLoader: string | undefined;
};
const ready = importPolicyModules(policyModules, tsLoader);

parentPort?.on('message', (spec: RunSpec) => {
  // Runs wait for the policy modules; promise callbacks keep the messages' order.
  void ready.then(
    () => run(spec),
    (error: Error) => fail(spec, error),
  );
});

function fail(spec: RunSpec, e: Error): void {
  parentPort?.postMessage({ ok: false, index: spec.index, message: e.message, stack: e.stack });
}

function run(spec: RunSpec): void {
  try {
    parentPort?.postMessage({
      ok: true,
      row: executeRun(spec, scenarios[spec.point] as Scenario, checkInvariants),
    });
  } catch (error) {
    fail(spec, error as Error);
  }
}
