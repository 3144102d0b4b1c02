/** Worker thread: runs the specs the pool sends, on scenarios received once at start. */

import { parentPort, workerData } from 'node:worker_threads';
import type { Scenario } from '@synkti/sim-core';
import { executeRun, type RunSpec } from './runs.js';

const { scenarios, checkInvariants } = workerData as {
  scenarios: Scenario[];
  checkInvariants: boolean;
};

parentPort?.on('message', (spec: RunSpec) => {
  try {
    parentPort?.postMessage({
      ok: true,
      row: executeRun(spec, scenarios[spec.point] as Scenario, checkInvariants),
    });
  } catch (error) {
    const e = error as Error;
    parentPort?.postMessage({ ok: false, index: spec.index, message: e.message, stack: e.stack });
  }
});
