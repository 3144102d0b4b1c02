/**
 * `npm run bench:live`: how fast the orchestrator decides, on the virtual clock, with about 100
 * emulated instances, beside `simulate()` on the same scenario and seed in the same process.
 * The orchestrator's run goes through its SQLite store (WAL, synchronous=FULL: every step is a
 * durable commit) and the emulated cloud in this process; `simulate` holds everything in
 * memory. Both runs make the same decisions (the parity test), so decisions per second compare
 * like with like.
 *
 * Notice-to-action latency in wall time needs the scaled clock and instance agents, which are
 * not built yet (docs/live.md); this benchmark says so rather than print a number.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runLive } from '@synkti/orchestrator';
import { createPolicy } from '@synkti/policies';
import { type Scenario, type SchedulingPolicy, simulate } from '@synkti/sim-core';

const INSTANCES = 100;
const scenario: Scenario = {
  name: 'live-bench',
  horizonHours: 24,
  policyTickSeconds: 300,
  instanceTypes: [
    {
      name: 'gpu',
      gpuMemoryMb: 16_000,
      networkGbps: 10,
      onDemandPerHour: 3,
      spotPrice: { kind: 'ou', meanPerHour: 1, theta: 0.5, sigma: 0.2 },
      preemption: { kind: 'poisson', ratePerHour: 0.2 },
    },
  ],
  // One task per instance: about INSTANCES instances live at once.
  workload: {
    tasks: Array.from({ length: INSTANCES }, (_, k) => ({
      id: `t${k}`,
      workSeconds: 10 * 3600,
      memoryMb: 16_000,
      stateMb: 4000,
      arrivalSeconds: 30 * k,
    })),
  },
};

/** The policy, counting its decisions. */
function counted(): { policy: SchedulingPolicy; decisions: () => number } {
  const inner = createPolicy('greedy-spot', {});
  let n = 0;
  return {
    policy: {
      name: inner.name,
      decide: (view) => {
        n++;
        return inner.decide(view);
      },
    },
    decisions: () => n,
  };
}

const REPEATS = 3;
const rows: string[] = [];
for (let r = 0; r < REPEATS; r++) {
  // Alternate the two so machine noise falls on both alike.
  const sim = counted();
  let t = performance.now();
  const result = simulate(scenario, { policy: sim.policy, migration: 'optimal', seed: 1 });
  const simMs = performance.now() - t;

  const live = counted();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-live-bench-'));
  t = performance.now();
  const run = await runLive({
    scenario,
    seed: 1,
    policy: live.policy,
    migration: 'optimal',
    stateDir: dir,
  });
  const liveMs = performance.now() - t;
  const journal = run.store.journal().length;
  const peak = run.orchestrator.instances.length;
  run.store.close();
  rmSync(dir, { recursive: true, force: true });
  if (live.decisions() !== sim.decisions() || run.summary.totalCostUsd !== result.totalCostUsd) {
    throw new Error('live and simulated runs differ: the comparison would not be like with like');
  }
  const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
  rows.push(
    `| ${r + 1} | ${sim.decisions()} | ${peak} | ${journal} | ${liveMs.toFixed(0)} | ${rate(live.decisions(), liveMs)} | ${simMs.toFixed(0)} | ${rate(sim.decisions(), simMs)} | ${(liveMs / simMs).toFixed(1)}× |`,
  );
}
console.log(
  `${INSTANCES} tasks of one GPU each, greedy-spot, optimal planner, 24 h, seed 1; virtual clock, in-process emulated cloud, store on ${os.tmpdir()}`,
);
console.log(
  '| run | decisions | launches | store entries | live ms | live decisions/s | simulate ms | simulate decisions/s | live / simulate |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(
  'notice-to-action latency (scaled clock, wall time): not measured: the scaled clock and agents are not built yet',
);
