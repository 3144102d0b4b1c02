import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPolicy } from '@synkti/policies';
import type { Scenario } from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';
import { InProcessAgents } from '../src/cloud/agent-host.js';
import type { Orchestrator } from '../src/core/orchestrator.js';
import { runLive } from '../src/run-live.js';
import { costReport, costSamples } from '../src/store/costs.js';
import { jobLogs } from '../src/store/job-logs.js';
import { JobRequests } from '../src/store/requests.js';
import { LiveStore } from '../src/store/store.js';

/** No preemptions: what is tested is the server's requests, logs and bill. */
const scenario: Scenario = {
  horizonHours: 24,
  idleReleaseSeconds: 600,
  instanceTypes: [
    {
      name: 'gpu',
      gpuMemoryMb: 16_000,
      networkGbps: 10,
      onDemandPerHour: 3,
      bootSeconds: 30,
      spotPrice: { kind: 'constant', perHour: 1 },
      preemption: { kind: 'poisson', ratePerHour: 0 },
    },
  ],
  workload: { tasks: [{ id: 'ignored', workSeconds: 60, memoryMb: 1000, stateMb: 1 }] },
};

async function until<T>(what: string, f: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('runLive as a server (serve)', () => {
  it('takes submissions and cancellations from the store, keeps logs and the bill', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'synkti-serve-'));
    const stop = new AbortController();
    let started: Orchestrator | undefined;
    const run = runLive({
      scenario,
      seed: 1,
      policy: createPolicy('greedy-spot', {}),
      migration: 'optimal',
      stateDir,
      clock: { speed: 600 },
      agents: new InProcessAgents(path.join(stateDir, 'agents')),
      serve: { signal: stop.signal, costSampleMs: 100, onStarted: (o) => (started = o) },
    });
    await until('the server to start', () => started);
    // The API's connection, beside the orchestrator's.
    const store = new LiveStore(stateDir);
    const requests = new JobRequests(store);
    const a = requests.submit({ kind: 'batch', workSeconds: 600, memoryMb: 4000, stateMb: 10 });
    const b = requests.submit({
      kind: 'script',
      workSeconds: 60,
      memoryMb: 4000,
      stateMb: 1,
      argv: [
        process.execPath,
        '-e',
        "console.log('hello from b'); console.error('a warning'); setTimeout(() => {}, 500)",
      ],
    });
    const c = requests.submit({
      kind: 'training',
      workSeconds: 36_000,
      memoryMb: 4000,
      stateMb: 1,
    });
    expect([a, b, c]).toEqual(['job-1', 'job-2', 'job-3']);
    // The ids are known at once; the jobs are the orchestrator's at its next look.
    await until('c to run', () => store.job(c)?.state === 'RUNNING');
    requests.cancel(c);
    const state = (id: string) => store.job(id)?.state;
    await until('a, b done and c cancelled', () =>
      ['SUCCEEDED', 'SUCCEEDED', 'CANCELLED'].every((s, k) => state([a, b, c][k] as string) === s),
    );
    requests.cancel(a);
    await until('the late cancel handled', () => requests.unhandled().length === 0);
    const outcomes = store.db
      .prepare("SELECT job_id, outcome FROM requests WHERE kind = 'cancel' ORDER BY seq")
      .all();
    expect(outcomes).toEqual([
      { job_id: c, outcome: 'cancelled' },
      { job_id: a, outcome: 'already SUCCEEDED' },
    ]);
    expect(store.job(c)?.reason).toBe('cancelled by request');

    const lines = jobLogs(store, b).map((l) => l.line);
    expect(lines).toContain('hello from b');
    expect(lines).toContain('a warning');
    expect(jobLogs(store, a)).toEqual([]); // synthetic: no output

    // The bill: sampled as the run went, shared among the jobs, cheaper than on demand.
    await new Promise((r) => setTimeout(r, 300));
    const report = costReport(store);
    expect(report.totals.totalUsd).toBeGreaterThan(0);
    expect(report.totals.counterfactualUsd).toBeCloseTo(3 * report.totals.spotUsd, 9);
    expect(report.totals.savingsPct).toBeCloseTo(200 / 3, 9);
    const shared = report.jobs.reduce((x, j) => x + j.costUsd, 0) + report.unattributedUsd;
    expect(shared).toBeCloseTo(report.totals.totalUsd, 9);
    for (const id of [a, b, c]) {
      expect(report.jobs.find((j) => j.id === id)?.costUsd).toBeGreaterThan(0);
    }
    const samples = costSamples(store);
    expect(samples.length).toBeGreaterThan(2);
    for (let k = 1; k < samples.length; k++) {
      const [p, q] = [samples[k - 1], samples[k]] as [(typeof samples)[0], (typeof samples)[0]];
      expect(q.t).toBeGreaterThan(p.t);
      expect(q.totalUsd).toBeGreaterThanOrEqual(p.totalUsd);
    }

    stop.abort();
    const live = await run;
    expect(live.store.instances().every((r) => r.state === 'TERMINATED')).toBe(true);
    live.store.close();
    store.close();
  }, 90_000);
});
