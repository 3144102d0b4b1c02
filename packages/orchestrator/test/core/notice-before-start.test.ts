import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPolicy } from '@synkti/policies';
import type { Scenario } from '@synkti/sim-core';
import { simulate } from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';
import { runLive } from '../../src/run-live.js';

/**
 * A job whose start is due between its instance's notice and the notice's detection. The spot
 * instance launched at 0 boots until 60 s; its slot is gone from 50 s (the notice), and the
 * orchestrator detects the notice 30 s later, at 80 s. The job's start, at 60 s, falls between.
 */
const scenario: Scenario = {
  name: 'notice-before-start',
  horizonHours: 1,
  instanceTypes: [
    {
      name: 'gpu',
      gpuMemoryMb: 16_000,
      networkGbps: 10,
      onDemandPerHour: 3,
      bootSeconds: 60,
      spotPrice: { kind: 'constant', perHour: 1 },
      preemption: {
        kind: 'trace',
        trace: {
          gapSeconds: 50,
          capacity: Int32Array.from({ length: 72 }, (_, k) => (k === 1 ? 0 : 1)),
        },
      },
    },
  ],
  detectionLatencySeconds: 30,
  workload: { tasks: [{ id: 'job', workSeconds: 600, memoryMb: 8000, stateMb: 10 }] },
};

describe('a start due between a notice and its detection', () => {
  it('computes on the noticed instance until detection, as simulate, and stays NOTICED', async () => {
    const sim = simulate(scenario, {
      policy: createPolicy('greedy-spot', {}),
      migration: 'optimal',
      seed: 1,
    });
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'synkti-notice-'));
    const live = await runLive({
      scenario,
      seed: 1,
      policy: createPolicy('greedy-spot', {}),
      migration: 'optimal',
      stateDir,
    });
    const journal = live.store.journal().filter((e) => e.id === 'job');
    live.store.close();
    // The setting is the one described: a notice before the start, detected after it.
    expect(sim.preemptions).toBe(1);
    const states = journal.filter((e) => e.to_state !== null).map((e) => e.to_state);
    expect(states.slice(0, 4)).toEqual(['PENDING', 'STARTING', 'NOTICED', 'CHECKPOINTING']);
    const computing = journal.find((e) => e.reason === 'computing on noticed i0');
    expect(computing?.t).toBe(60);
    // The live run agrees with the simulation.
    expect(live.summary.tasksCompleted).toBe(1);
    expect(live.summary.tasksCompleted).toBe(sim.tasksCompleted);
    expect(live.summary.totalCostUsd).toBe(sim.totalCostUsd);
  });
});
