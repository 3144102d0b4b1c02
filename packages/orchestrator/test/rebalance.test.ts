import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPolicy } from '@synkti/policies';
import {
  type Scenario,
  type SchedulingPolicy,
  type SimulationView,
  simulate,
} from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';
import { ImdsClient } from '../src/agent/imds-client.js';
import { VirtualClock } from '../src/clock.js';
import { startCloudServer } from '../src/cloud/cloud-server.js';
import { EmulatedCloud } from '../src/cloud/emulated-cloud.js';
import { HttpCloud } from '../src/cloud/http-cloud.js';
import { COMPARED } from '../src/core/summary.js';
import { runLive } from '../src/run-live.js';

/**
 * A rebalance recommendation reaches the policy's view the same way in simulation (the type's
 * `rebalanceLeadSeconds` before each spot notice) and live (the cloud's event, and the
 * instance's IMDS `events/recommendations/rebalance`): `InstanceView.rebalanceRecommendedAt`,
 * with a decision asked for at each one.
 */
const scenario: Scenario = {
  name: 'rebalance',
  horizonHours: 6,
  instanceTypes: [
    {
      name: 'gpu',
      gpuMemoryMb: 16_000,
      networkGbps: 10,
      onDemandPerHour: 3,
      spotPrice: { kind: 'constant', perHour: 1 },
      preemption: { kind: 'poisson', ratePerHour: 1 },
      rebalanceLeadSeconds: 600,
    },
  ],
  workload: {
    tasks: Array.from({ length: 4 }, (_, k) => ({
      id: `job-${k}`,
      workSeconds: 2 * 3600,
      memoryMb: 8000,
      stateMb: 100,
      arrivalSeconds: 900 * k,
    })),
  },
};

/** greedy-spot, recording at each decision what the view says of recommendations. */
function watching(seen: string[]): SchedulingPolicy {
  const inner = createPolicy('greedy-spot', {});
  return {
    name: 'watching',
    decide(view: SimulationView) {
      const marked = view
        .liveInstances()
        .filter((i) => i.rebalanceRecommendedAt !== undefined)
        .map((i) => `${i.id}@${i.rebalanceRecommendedAt}`);
      seen.push(`${view.now}: ${marked.join(' ')}`);
      return inner.decide(view);
    },
  };
}

describe('a rebalance recommendation, in the view', () => {
  it('is seen at the same times, by the same decisions, in simulation and live', async () => {
    const simSeen: string[] = [];
    const sim = simulate(scenario, { policy: watching(simSeen), migration: 'optimal', seed: 1 });
    const liveSeen: string[] = [];
    const live = await runLive({
      scenario,
      seed: 1,
      policy: watching(liveSeen),
      migration: 'optimal',
      stateDir: mkdtempSync(path.join(os.tmpdir(), 'synkti-rebalance-')),
    });
    const recommended = live.store
      .instances()
      .filter((r) => r.rebalance_at !== null)
      .map((r) => r.rebalance_at as number);
    live.store.close();
    // Recommendations happened, 600 s before notices (or at launch).
    expect(simSeen.filter((s) => s.includes('@')).length).toBeGreaterThan(0);
    expect(recommended.length).toBeGreaterThan(0);
    expect(liveSeen).toEqual(simSeen);
    expect(live.summary.totalCostUsd).toBe(sim.totalCostUsd);
    // Without the lead, no recommendation, and no extra decisions.
    const quiet: string[] = [];
    simulate(
      {
        ...scenario,
        instanceTypes: scenario.instanceTypes.map(({ rebalanceLeadSeconds, ...t }) => t),
      },
      { policy: watching(quiet), migration: 'optimal', seed: 1 },
    );
    expect(quiet.some((s) => s.includes('@'))).toBe(false);
  });

  it('a policy acting on it (migrate early, pre-copy) does the same live as in simulation', async () => {
    for (const rebalance of ['migrate', 'pre-copy']) {
      const policy = () => createPolicy('uniform-progress', { rebalance });
      const withDeadlines: Scenario = {
        ...scenario,
        workload: {
          tasks: Array.from({ length: 4 }, (_, k) => ({
            id: `job-${k}`,
            workSeconds: 2 * 3600,
            memoryMb: 8000,
            stateMb: 100,
            arrivalSeconds: 900 * k,
            deadlineSeconds: 900 * k + 5 * 3600,
          })),
        },
      };
      const sim = simulate(withDeadlines, {
        policy: policy(),
        migration: 'optimal',
        seed: 1,
        recordEvents: true,
      });
      expect((sim.events ?? []).filter((e) => e.kind === 'policy-move').length).toBeGreaterThan(0);
      const live = await runLive({
        scenario: withDeadlines,
        seed: 1,
        policy: policy(),
        migration: 'optimal',
        stateDir: mkdtempSync(path.join(os.tmpdir(), 'synkti-rebalance-')),
      });
      const moved = live.store
        .journal()
        .filter((j) => j.reason.startsWith('moved by policy')).length;
      live.store.close();
      expect(moved).toBe((sim.events ?? []).filter((e) => e.kind === 'policy-move').length);
      for (const k of COMPARED) expect(live.summary[k], `${rebalance}: ${k}`).toBe(sim[k]);
    }
  });

  it("is the cloud's event and is served on the instance's IMDS", async () => {
    const cloud = new EmulatedCloud(scenario, 1, new VirtualClock());
    const server = await startCloudServer(cloud, { secret: 's', epochMs: 0 });
    try {
      const http = new HttpCloud(server.url, 's');
      const inst = await http.launch({ type: 'gpu', market: 'spot', jobTag: 'x', token: 't' });
      const imds = new ImdsClient(inst.imdsUrl as string);
      expect(await imds.rebalance()).toBeUndefined();
      for (let t = await cloud.nextEventAt(); t !== undefined; t = await cloud.nextEventAt()) {
        await cloud.advanceTo(t);
      }
      const events = cloud.eventsAfterNow(0).map((e) => e.event);
      const rebalance = events.find((e) => e.kind === 'rebalance-recommendation');
      const notice = events.find((e) => e.kind === 'interruption-warning');
      expect(rebalance?.at).toBe(Math.max(0, (notice?.at as number) - 600));
      // EC2's format: ISO 8601 to the second, the cloud's seconds after its epoch (0 here).
      expect(await imds.rebalance()).toBe(
        new Date((rebalance?.at as number) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      );
    } finally {
      await server.close();
    }
  });
});
