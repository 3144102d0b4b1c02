/** Worker thread: runs the specs the pool sends, on scenarios received once at start. */

import { parentPort, workerData } from 'node:worker_threads';
import type { Scenario } from '@synkti/sim-core';
import { importPolicyModules } from './policy-modules.js';
import type { BatchReply } from './pool.js';
import { type RunRow, type RunSpec, runMetrics } from './runs.js';

const { scenarios, checkInvariants, policyModules, tsLoader } = workerData as {
  scenarios: Scenario[];
  checkInvariants: boolean;
  /** Absolute paths of the user's policy modules, imported before the first run. */
  policyModules: string[];
  /** tsx's ESM API as the main thread resolved it (for TypeScript modules). */
  tsLoader: string | undefined;
};
const ready = importPolicyModules(policyModules, tsLoader);

parentPort?.on('message', (batch: RunSpec[]) => {
  // Runs wait for the policy modules; promise callbacks keep the messages' order.
  void ready.then(
    () => parentPort?.postMessage(runBatch(batch)),
    (error: Error) => parentPort?.postMessage({ metrics: [], failed: error.message }),
  );
});

/** Runs a batch in order; stops at the first failure, keeping the metrics before it. */
function runBatch(batch: readonly RunSpec[]): BatchReply {
  const metrics: RunRow['metrics'][] = [];
  for (const spec of batch) {
    try {
      metrics.push(runMetrics(spec, scenarios[spec.point] as Scenario, checkInvariants));
    } catch (error) {
      return { metrics, failed: (error as Error).message };
    }
  }
  return { metrics };
}
