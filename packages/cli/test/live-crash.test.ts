import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LiveStore } from '@synkti/orchestrator';
import { billedSeconds, createRng } from '@synkti/sim-core';
import { afterAll, describe, expect, it } from 'vitest';
import { cloudAt } from '../src/cloud.js';

/**
 * Crash safety (live.md): the orchestrator is SIGKILLed at random points of a 20-job run, 10
 * times, and restarted with the same store each time; the cloud, in its own process, lives on.
 * Afterwards every job SUCCEEDED exactly once, the cloud runs no instance, and every instance
 * the cloud billed is one the store recorded, over the same time, at the same cost. Each kill
 * comes when the store's journal reaches a point drawn from a named stream (5-20 entries past
 * the last kill); the points are printed when the test fails.
 */

const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const MAIN = path.join(ROOT, 'packages/cli/src/main.ts');
const node = (args: string[]) =>
  spawn(process.execPath, ['--conditions=@synkti/source', '--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

const SPOT_PER_HOUR = 0.9;
const ON_DEMAND_PER_HOUR = 3;

/** The virtual run: 20 jobs of 1-2 hours over 30 hours. */
const virtualRun = {
  name: 'crash',
  scenario: {
    horizonHours: 30,
    instanceTypes: [
      {
        name: 'gpu',
        gpuMemoryMb: 24_000,
        networkGbps: 10,
        onDemandPerHour: ON_DEMAND_PER_HOUR,
        bootSeconds: 60,
        spotPrice: { kind: 'constant', perHour: SPOT_PER_HOUR },
        preemption: { kind: 'poisson', ratePerHour: 0.4 },
      },
    ],
    workload: {
      tasks: Array.from({ length: 20 }, (_, k) => ({
        id: `job-${String(k).padStart(2, '0')}`,
        workSeconds: 3600 + 900 * (k % 5),
        memoryMb: 8000 + 4000 * (k % 3),
        stateMb: 2000,
        arrivalSeconds: 600 * k,
      })),
    },
  },
  seeds: 1,
  policies: ['greedy-spot'],
};

/**
 * The scaled run (speed 60): 20 jobs of 10-20 minutes arriving over 10 minutes, preempted
 * about once an hour; done in about an hour of its clock (a minute of wall time and the
 * restarts). It ends when every job is final (--until-done): its horizon is only a bound, wide
 * enough that restarts slowed by a loaded machine (each costs minutes of this clock) cannot
 * run it out before the jobs finish.
 */
const scaledRun = {
  ...virtualRun,
  name: 'crash-scaled',
  scenario: {
    ...virtualRun.scenario,
    horizonHours: 4,
    instanceTypes: virtualRun.scenario.instanceTypes.map((t) => ({
      ...t,
      preemption: { kind: 'poisson', ratePerHour: 1 },
    })),
    workload: {
      tasks: virtualRun.scenario.workload.tasks.map((t, k) => ({
        ...t,
        workSeconds: 600 + 150 * (k % 5),
        arrivalSeconds: 30 * k,
      })),
    },
  },
};

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

function finished(
  child: ChildProcess,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/**
 * Runs `scenario` on a cloud process started with `cloudArgs`, killing the orchestrator (run
 * with `liveArgs`) 10 times, and checks that nothing was lost.
 */
async function crashTest(
  scenario: typeof virtualRun,
  cloudArgs: readonly string[],
  liveArgs: readonly string[],
): Promise<void> {
  {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-crash-'));
    const file = path.join(dir, 'crash.json');
    writeFileSync(file, JSON.stringify(scenario));
    const cloudDir = path.join(dir, 'cloud');
    const stateDir = path.join(dir, 'state');
    const cloudProcess = node(['cloud', file, '--dir', cloudDir, ...cloudArgs]);
    children.push(cloudProcess);
    await new Promise<void>((resolve, reject) => {
      cloudProcess.stdout?.on('data', (d) => String(d).includes('serving') && resolve());
      cloudProcess.on('exit', (code) => reject(new Error(`the cloud exited (${code})`)));
    });
    const cloud = cloudAt(cloudDir);
    const stream = `crash-test-kill-points/${scenario.name}`;
    const rng = createRng(20_261_130, stream);
    const kills: number[] = [];
    const midRun: string[] = [];
    const args = [
      'live',
      file,
      '--cloud',
      cloudDir,
      '--state-dir',
      stateDir,
      '--json',
      ...liveArgs,
    ];
    const context = () =>
      `kill points (journal entries, stream ${stream} of seed 20261130): ${kills.join(', ')}`;
    const journalLength = (): number => {
      if (!existsSync(path.join(stateDir, 'synkti.db'))) return 0;
      const s = new LiveStore(stateDir, { readonly: true });
      try {
        return s.journalLength();
      } finally {
        s.close();
      }
    };
    let reached = 0;
    for (let k = 0; k < 10; k++) {
      // Kill once the run has gone 5-20 journal entries further than the last kill: every kill
      // lands in the run (about 180 entries in all), at a random point of it.
      const target = reached + Math.round(rng.uniform(5, 20));
      kills.push(target);
      const child = node(args);
      children.push(child);
      const done = finished(child);
      const poll = setInterval(() => {
        try {
          if (journalLength() >= target) child.kill('SIGKILL');
        } catch {
          // the store is being created: look again
        }
      }, 5);
      const r = await done;
      clearInterval(poll);
      // Killed, or it finished before the kill: never a failure.
      expect(r.code === null || r.code === 0, `${context()}\n${r.stderr}`).toBe(true);
      reached = journalLength();
      const s = new LiveStore(stateDir, { readonly: true });
      const complete = s.jobs(['SUCCEEDED']).length;
      s.close();
      if (r.code === null && complete < 20) midRun.push(`${reached} entries, ${complete} done`);
    }
    // The kills must land in the middle of the run, not all before it starts or after it ends.
    expect(
      midRun.length,
      `${context()}\nmid-run kills: ${midRun.join('; ')}`,
    ).toBeGreaterThanOrEqual(5);
    const last = await finished(
      (() => {
        const c = node(args);
        children.push(c);
        return c;
      })(),
    );
    expect(last.code, `${context()}\n${last.stderr}`).toBe(0);
    const summary = JSON.parse(last.stdout);

    const store = new LiveStore(stateDir);
    const jobs = store.jobs();
    expect(
      jobs.map((j) => j.state),
      context(),
    ).toEqual(Array(20).fill('SUCCEEDED'));
    const succeeded = store
      .journal()
      .filter((e) => e.to_state === 'SUCCEEDED')
      .map((e) => e.id);
    expect(succeeded.sort(), context()).toEqual(jobs.map((j) => j.id).sort());
    expect(summary.live.tasksCompleted).toBe(20);

    // Nothing left running, in the cloud or in the store.
    expect(
      (await cloud.describe()).filter((c) => c.state !== 'terminated'),
      context(),
    ).toEqual([]);
    expect(store.instances(['REQUESTED', 'BOOTING', 'RUNNING', 'NOTICED'])).toEqual([]);

    // Every billed instance is one the store recorded, over the same time, at the same cost.
    const ledger = await cloud.ledger(scenario.scenario.horizonHours * 3600);
    const recorded = store.instances().filter((r) => r.cloud_id !== null);
    expect(recorded.map((r) => r.token).sort()).toEqual(
      ledger.instances.map((e) => e.token).sort(),
    );
    let total = 0;
    for (const e of ledger.instances) {
      const row = recorded.find((r) => r.token === e.token);
      expect([row?.launched_at, row?.ended_at], `${e.token}; ${context()}`).toEqual([
        e.launchedAt,
        e.endedAt,
      ]);
      const perHour = e.market === 'spot' ? SPOT_PER_HOUR : ON_DEMAND_PER_HOUR;
      const held = (row?.ended_at as number) - (row?.launched_at as number);
      const ours =
        (billedSeconds(held, { incrementSeconds: 1, minimumSeconds: 60 }) * perHour) / 3600;
      expect(ours).toBeCloseTo(ledger.cost.byToken[e.token] as number, 9);
      total += ours;
    }
    expect(total).toBeCloseTo(ledger.cost.spotUsd + ledger.cost.onDemandUsd, 6);
    store.close();
    console.log(
      `crash test (${scenario.name}): ${midRun.length} of 10 kills mid-run: ${midRun.join('; ')}`,
    );
  }
}

describe('crash safety: SIGKILL the orchestrator, restart it, lose nothing', () => {
  it('virtual clock: 20 jobs, 10 kills at random points', async () => {
    await crashTest(virtualRun, [], []);
  }, 240_000);

  // On the scaled clock, with a synkti agent process per instance: the cloud, its clock and
  // its agents (the jobs' tasks) live on while the orchestrator is dead.
  it('scaled clock with agent processes: 20 jobs, 10 kills at random points', async () => {
    await crashTest(scaledRun, ['--speed', '60'], ['--clock', 'scaled', '--until-done']);
  }, 300_000);
});
