import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPolicy } from '@synkti/policies';
import type { Scenario } from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';
import { runLive, StoreMismatchError } from '../src/run-live.js';

const scenario: Scenario = {
  horizonHours: 4,
  instanceTypes: [
    {
      name: 'gpu',
      gpuMemoryMb: 16_000,
      networkGbps: 10,
      onDemandPerHour: 3,
      spotPrice: { kind: 'constant', perHour: 1 },
      preemption: { kind: 'poisson', ratePerHour: 1 },
    },
  ],
  workload: {
    tasks: [
      { id: 'a', workSeconds: 3600, memoryMb: 8000, stateMb: 100 },
      { id: 'b', workSeconds: 1800, memoryMb: 8000, stateMb: 100, arrivalSeconds: 600 },
    ],
  },
};

describe('runLive', () => {
  it('refuses a store that holds another run (another seed), naming both', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'synkti-run-'));
    const policy = () => createPolicy('greedy-spot', {});
    const first = await runLive({
      scenario,
      seed: 1,
      policy: policy(),
      migration: 'optimal',
      stateDir,
    });
    first.store.close();
    await expect(
      runLive({ scenario, seed: 2, policy: policy(), migration: 'optimal', stateDir }),
    ).rejects.toThrow(StoreMismatchError);
  });

  it('leaves nothing running and journals every instance from its intent to its end', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'synkti-run-'));
    const live = await runLive({
      scenario,
      seed: 3,
      policy: createPolicy('greedy-spot', {}),
      migration: 'optimal',
      stateDir,
    });
    const rows = live.store.instances();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.state === 'TERMINATED' || r.state === 'FAILED')).toBe(true);
    for (const r of rows) {
      const entries = live.store.journal().filter((e) => e.id === r.token);
      expect(entries[0]?.to_state).toBe('REQUESTED');
      expect(entries.at(-1)?.to_state).toBe(r.state);
    }
    live.store.close();
  });
});
