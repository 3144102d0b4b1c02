import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Scenario, SchedulingPolicy, SimulationView } from '@synkti/sim-core';
import { simulate } from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';
import { runLive } from '../src/run-live.js';

/**
 * A launch refused for capacity reaches the policy's view the same way in simulation (the
 * trace has no capacity) and live (the cloud's CapacityError): `lastSpotRefusalAt`.
 */
const scenario: Scenario = {
  name: 'refusals',
  horizonHours: 2,
  instanceTypes: [
    {
      name: 'gpu',
      gpuMemoryMb: 16_000,
      networkGbps: 10,
      onDemandPerHour: 3,
      bootSeconds: 0,
      spotPrice: { kind: 'constant', perHour: 1 },
      // No capacity for the first 30 minutes, then one instance.
      preemption: {
        kind: 'trace',
        trace: {
          gapSeconds: 600,
          capacity: Int32Array.from({ length: 13 }, (_, k) => (k < 3 ? 0 : 1)),
        },
      },
    },
  ],
  policyTickSeconds: 600,
  workload: { tasks: [{ id: 'job', workSeconds: 1800, memoryMb: 8000, stateMb: 10 }] },
};

/** Asks for spot whatever spotAvailable says, and records what the view said of refusals. */
function stubborn(seen: (number | undefined)[]): SchedulingPolicy {
  return {
    name: 'stubborn-spot',
    decide(view: SimulationView) {
      seen.push(view.lastSpotRefusalAt('gpu'));
      const task = view.pendingTasks()[0];
      if (task === undefined) return {};
      return {
        launches: [{ instanceType: 'gpu', market: 'spot' }],
        placements: [{ taskId: task.id, launchIndex: 0 }],
      };
    },
  };
}

describe('a launch refused for capacity, in the view', () => {
  it('is seen at the same times in simulation and live', async () => {
    const simSeen: (number | undefined)[] = [];
    const sim = simulate(scenario, { policy: stubborn(simSeen), migration: 'optimal', seed: 1 });
    const liveSeen: (number | undefined)[] = [];
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'synkti-refusals-'));
    const live = await runLive({
      scenario,
      seed: 1,
      policy: stubborn(liveSeen),
      migration: 'optimal',
      stateDir,
    });
    live.store.close();
    // Refused at 0, 600 and 1200 s (no capacity); granted at 1800 s.
    expect(simSeen).toEqual([undefined, 0, 600, 1200]);
    expect(liveSeen).toEqual(simSeen);
    expect(live.summary.tasksCompleted).toBe(sim.tasksCompleted);
    expect(sim.tasksCompleted).toBe(1);
  });
});
