import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessAgents, runLive } from '@synkti/orchestrator';
import { createPolicy } from '@synkti/policies';
import type { Scenario } from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';

/**
 * Agent faults (live.md: a job whose retries exceed its budget goes to FAILED with the cause):
 * on the scaled clock, with a `synkti agent` process per instance, a killed agent is an
 * instance failure and its job is recovered elsewhere and succeeds; a command that exits
 * non-zero is retried within its budget, then FAILED with its exit status.
 */

const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const MAIN = path.join(ROOT, 'packages/cli/src/main.ts');
const TSX = [process.execPath, '--conditions=@synkti/source', '--import', 'tsx'];
const TRAIN = path.join(ROOT, 'packages/orchestrator/src/workload/demo-train.ts');

function scenario(tasks: number, horizonHours: number): Scenario {
  return {
    horizonHours,
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
    workload: {
      tasks: Array.from({ length: tasks }, (_, k) => ({
        id: `job-${k}`,
        workSeconds: 600,
        memoryMb: 16_000,
        stateMb: 100,
        arrivalSeconds: 0,
      })),
    },
  };
}

async function run(
  s: Scenario,
  workloadCommand: readonly string[],
  during?: (agents: ProcessAgents, dir: string) => Promise<void>,
) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-faults-'));
  const agents = new ProcessAgents(path.join(dir, 'agents'), [...TSX, MAIN, 'agent']);
  const running = runLive({
    scenario: s,
    seed: 1,
    policy: createPolicy('on-demand-only', {}),
    migration: 'optimal',
    stateDir: path.join(dir, 'state'),
    clock: { speed: 300 },
    agents,
    workloadCommand,
    taskRetries: 2,
    // Ends once every job is final: the horizon is only a bound, wide enough for a loaded
    // machine (agent processes start slowly when the suite runs its other tests beside).
    stopWhenDone: true,
  });
  const fault = during?.(agents, path.join(dir, 'agents'));
  const live = await running;
  await fault;
  return live;
}

describe('agent faults on the scaled clock', () => {
  it('a killed agent is an instance failure: the job is recovered and succeeds', async () => {
    let killed: number | undefined;
    const live = await run(
      scenario(1, 4),
      [...TSX, TRAIN, '--steps', '150', '--step-ms', '20'],
      async (agents, dir) => {
        // Once the job runs on the first instance, its agent process is killed.
        for (let waited = 0; waited < 30_000; waited += 20) {
          const first = path.join(dir, 'i-000000', 'tasks');
          if (existsSync(first) && readdirSync(first).length > 0) {
            killed = await agents.pid('i-000000');
            process.kill(killed as number, 'SIGKILL');
            return;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      },
    );
    expect(killed).toBeGreaterThan(0);
    const journal = live.store.journal();
    const text = journal.map((e) => `${e.what} ${e.id} ${e.to_state}: ${e.reason}`).join('\n');
    expect(text).toContain('instance run-1-r0 TERMINATED: agent of i0 lost');
    expect(text).toContain('job job-0 RECOVERING: agent of i0 lost');
    expect(live.store.job('job-0')?.state, text).toBe('SUCCEEDED');
    expect(journal.filter((e) => e.to_state === 'SUCCEEDED')).toHaveLength(1);
    expect(live.summary.tasksCompleted).toBe(1);
    expect(live.summary.instancesLaunched).toBeGreaterThanOrEqual(2);
    expect(live.store.instances(['REQUESTED', 'BOOTING', 'RUNNING', 'NOTICED'])).toEqual([]);
    live.store.close();
  }, 120_000);

  it('a failing command is retried within its budget, then FAILED with its exit status', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-flaky-'));
    // job-0 always exits 3; job-1 fails once (exit 4), then succeeds.
    const script =
      "const fs = require('node:fs'); const id = process.env.SYNKTI_TASK_ID;" +
      "if (id === 'job-0') process.exit(3);" +
      `const mark = ${JSON.stringify(dir)} + '/' + id;` +
      "if (!fs.existsSync(mark)) { fs.writeFileSync(mark, ''); process.exit(4); }" +
      "console.log('SYNKTI_PROGRESS 600');";
    const live = await run(scenario(2, 4), [process.execPath, '-e', script]);
    const job0 = live.store.job('job-0');
    expect(job0?.state).toBe('FAILED');
    expect(job0?.cause).toBe('exit status 3 (attempt 3 of 3)');
    expect(job0?.attempts).toBe(3);
    const retries = live.store
      .journal()
      .filter((e) => e.id === 'job-0' && e.to_state === 'RECOVERING')
      .map((e) => e.reason);
    expect(retries).toEqual([
      'exit status 3 (attempt 1 of 3); retried',
      'exit status 3 (attempt 2 of 3); retried',
    ]);
    const job1 = live.store.job('job-1');
    expect(job1?.state).toBe('SUCCEEDED');
    expect(job1?.attempts).toBe(1);
    expect(live.summary.tasksCompleted).toBe(1);
    expect(live.store.instances(['REQUESTED', 'BOOTING', 'RUNNING', 'NOTICED'])).toEqual([]);
    live.store.close();
  }, 120_000);
});
