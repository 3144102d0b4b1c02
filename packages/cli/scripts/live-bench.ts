/**
 * `npm run bench:live`: how fast the orchestrator decides, on the virtual clock, with about 100
 * emulated instances, beside `simulate()` on the same scenario and seed in the same process.
 * The orchestrator's run goes through its SQLite store (WAL, synchronous=FULL: every step is a
 * durable commit) and the emulated cloud in this process; `simulate` holds everything in
 * memory. Both runs make the same decisions (the parity test), so decisions per second compare
 * like with like.
 *
 * Then, on the scaled clock, notice to action in wall time (see below): without agents, and
 * through an agent per instance.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  EmulatedCloud,
  HttpCloud,
  InProcessAgents,
  runLive,
  ScaledClock,
  startCloudServer,
} from '@synkti/orchestrator';
import { createPolicy } from '@synkti/policies';
import { quantile, type Scenario, type SchedulingPolicy, simulate } from '@synkti/sim-core';

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

  // The same through agents: the cloud served over HTTP, an agent per instance (sharing this
  // process, see below), every job started on its agent and every kept checkpoint moved.
  const withAgents = counted();
  t = performance.now();
  const agentRun = await runLive({
    scenario,
    seed: 1,
    policy: withAgents.policy,
    migration: 'optimal',
    stateDir: path.join(dir, 'agents-run'),
    agents: new InProcessAgents(path.join(dir, 'agents')),
  });
  const agentMs = performance.now() - t;
  agentRun.store.close();
  rmSync(dir, { recursive: true, force: true });
  for (const [name, other, cost] of [
    ['live', live, run.summary.totalCostUsd],
    ['live with agents', withAgents, agentRun.summary.totalCostUsd],
  ] as const) {
    if (other.decisions() !== sim.decisions() || cost !== result.totalCostUsd) {
      throw new Error(
        `${name} and simulated runs differ: the comparison would not be like with like`,
      );
    }
  }
  const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
  rows.push(
    `| ${r + 1} | ${sim.decisions()} | ${peak} | ${journal} | ${liveMs.toFixed(0)} | ${rate(live.decisions(), liveMs)} | ${agentMs.toFixed(0)} | ${rate(withAgents.decisions(), agentMs)} | ${simMs.toFixed(0)} | ${rate(sim.decisions(), simMs)} | ${(liveMs / simMs).toFixed(1)}× |`,
  );
}
console.log(
  `${INSTANCES} tasks of one GPU each, greedy-spot, optimal planner, 24 h, seed 1; virtual clock, store on ${os.tmpdir()}; ` +
    'live: the emulated cloud in process; with agents: served over HTTP on loopback, an agent per instance, the agents sharing this process (each its own Fastify server, port and secret)',
);
console.log(
  '| run | decisions | launches | store entries | live ms | live decisions/s | with agents ms | with agents decisions/s | simulate ms | simulate decisions/s | live / simulate |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);

// Notice to action on the scaled clock: the wall time from the moment the cloud's clock reaches a
// notice's detection (notice + detection latency) to the orchestrator having applied its
// preemption response. Without agents, the detection is the orchestrator's own timer, so this
// measures how late its loop acts (it looks every 20 ms) plus the response itself.
const SPEED = 600;
const busy: Scenario = {
  ...scenario,
  name: 'live-bench-scaled',
  horizonHours: 4,
  instanceTypes: [
    {
      ...(scenario.instanceTypes[0] as Scenario['instanceTypes'][number]),
      preemption: { kind: 'poisson', ratePerHour: 1 },
    },
  ],
};
const clock = new ScaledClock(SPEED);
const cloud = new EmulatedCloud(busy, 1, clock);
const latencies: number[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-live-bench-'));
const scaled = await runLive({
  scenario: busy,
  seed: 1,
  policy: createPolicy('greedy-spot', {}),
  migration: 'optimal',
  stateDir: dir,
  cloud,
  onResponded: (_id, due) => latencies.push(Date.now() - (clock.wallMsAt(due) as number)),
});
scaled.store.close();
rmSync(dir, { recursive: true, force: true });
const ms = (q: number) => (quantile(latencies, q) as number).toFixed(1);
console.log(
  `\nnotice to action, scaled clock at speed ${SPEED} (${busy.horizonHours} h in ${((busy.horizonHours * 3600) / SPEED).toFixed(0)} s of wall time), ${latencies.length} notices, no agents: ` +
    `p50 ${ms(0.5)} ms, p99 ${ms(0.99)} ms, max ${ms(1)} ms of wall time (target p99 < 1000 ms)`,
);

// Through agents: the cloud served over HTTP on loopback, an agent per instance polling its
// IMDS every 200 ms. The 100 agents share the cloud's process here (InProcessAgents: each its own
// Fastify server on its own port with its own secret, the same Agent class a synkti agent
// process runs), since 100 agent processes would need 100 Node.js start-ups on this machine.
// Two latencies, wall time:
// - IMDS: from the cloud's clock reaching a notice to the instance's agent having seen it;
// - action: from a notice's detection being due (notice + detection latency) to the source
//   agent having checkpointed the job the preemption response keeps.
const AGENT_SPEED = 60;
const withAgents: Scenario = {
  ...busy,
  name: 'live-bench-agents',
  horizonHours: 1,
  instanceTypes: [
    {
      ...(busy.instanceTypes[0] as Scenario['instanceTypes'][number]),
      preemption: { kind: 'poisson', ratePerHour: 2 },
    },
  ],
};
{
  const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-live-bench-'));
  const agentClock = new ScaledClock(AGENT_SPEED, { paused: true });
  const emulated = new EmulatedCloud(withAgents, 1, agentClock);
  const host = new InProcessAgents(path.join(dir, 'agents'));
  const secret = randomBytes(32).toString('hex');
  const server = await startCloudServer(emulated, { secret, agents: host });
  const http = new HttpCloud(server.url, secret);
  await http.now();
  const actions: number[] = [];
  const run = await runLive({
    scenario: withAgents,
    seed: 1,
    policy: createPolicy('greedy-spot', {}),
    migration: 'optimal',
    stateDir: path.join(dir, 'state'),
    cloud: http,
    onCheckpointed: (_task, due) => actions.push(Date.now() - (agentClock.wallMsAt(due) as number)),
  });
  const imds: number[] = [];
  for (const entry of emulated.ledger()) {
    if (entry.noticedAt === undefined) continue;
    const seen = (await host.status(entry.id))?.noticedAtMs;
    if (seen != null) imds.push(seen - (agentClock.wallMsAt(entry.noticedAt) as number));
  }
  await server.close();
  run.store.close();
  rmSync(dir, { recursive: true, force: true });
  const q = (xs: number[], p: number) => (quantile(xs, p) as number).toFixed(1);
  console.log(
    `\nthrough agents, scaled clock at speed ${AGENT_SPEED} (${withAgents.horizonHours} h in ${(withAgents.horizonHours * 3600) / AGENT_SPEED} s of wall time), ${run.summary.instancesLaunched} instances, each with its agent (sharing the cloud's process):\n` +
      `  notice to the agent seeing it through IMDS: ${imds.length} notices, p50 ${q(imds, 0.5)} ms, p99 ${q(imds, 0.99)} ms, max ${q(imds, 1)} ms (polling every 200 ms)\n` +
      `  detection to the source agent's checkpoint: ${actions.length} checkpoints, p50 ${q(actions, 0.5)} ms, p99 ${q(actions, 0.99)} ms, max ${q(actions, 1)} ms (target p99 < 1000 ms)`,
  );
}
