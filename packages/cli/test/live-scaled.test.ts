import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '@synkti/bench';
import { ProcessAgents, runLive } from '@synkti/orchestrator';
import { createPolicy } from '@synkti/policies';
import { type Scenario, simulate } from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';

/**
 * The scaled clock (live.md): `live-demo.json` run live at speed 60 (two minutes of wall time
 * for its 2 hours), with a `synkti agent` process per instance running its jobs, costs within 2%
 * of its simulation and completes the same tasks, preempts the same instances and moves the
 * same checkpoints. The orchestrator acts a few wall milliseconds after each event, so decisions
 * land a little later than in simulation; that is the whole difference.
 */
const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

describe('the scaled clock', () => {
  it('live-demo at speed 60 with agent processes: cost within 2% of simulate()', async () => {
    const scenario = loadScenario(path.join(ROOT, 'scenarios/live-demo.json'), { warn: () => {} })
      .points[0]?.scenario as Scenario;
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'synkti-scaled-'));
    const live = await runLive({
      scenario,
      seed: 1,
      policy: createPolicy('greedy-spot'),
      migration: 'optimal',
      stateDir,
      clock: { speed: 60 },
      agents: new ProcessAgents(path.join(stateDir, 'agents'), [
        process.execPath,
        '--conditions=@synkti/source',
        '--import',
        'tsx',
        path.join(ROOT, 'packages/cli/src/main.ts'),
        'agent',
      ]),
    });
    const sim = simulate(scenario, {
      policy: createPolicy('greedy-spot'),
      migration: 'optimal',
      seed: 1,
    });
    const relative = Math.abs(live.summary.totalCostUsd - sim.totalCostUsd) / sim.totalCostUsd;
    expect(
      relative,
      `live ${live.summary.totalCostUsd}, simulated ${sim.totalCostUsd}`,
    ).toBeLessThan(0.02);
    expect(live.summary.tasksCompleted).toBe(sim.tasksCompleted);
    expect(live.summary.preemptions).toBe(sim.preemptions);
    expect(live.summary.migrations).toBe(sim.migrations);
    expect(live.orchestrator.agents.checkpointsMoved).toBeGreaterThan(0);
    expect(live.store.instances(['REQUESTED', 'BOOTING', 'RUNNING', 'NOTICED'])).toEqual([]);
    live.store.close();
  }, 240_000);
});
