import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoadedScenario, loadScenario } from '@synkti/bench';
import { COMPARED, InProcessAgents, runLive } from '@synkti/orchestrator';
import { createPolicy } from '@synkti/policies';
import { type Scenario, simulate } from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';
import { HAVE_TRACES, TRACES_DIR } from '../../../test-support/spot-traces.js';

/**
 * Parity through the agents (live.md, "What must be measured"): every shipped scenario, every
 * policy it lists, through the orchestrator, its store, the emulated cloud served over HTTP and
 * an agent per instance (in the cloud's process: each its own loopback server and secret) —
 * every job started on its instance's agent, every kept checkpoint taken from the source agent
 * and handed to the destination's — equals `simulate()` on every compared metric. The agents'
 * own completion times are checked against the orchestrator's at every start (the run fails on
 * a difference). live-parity.test.ts covers every planner without agents; this one the default
 * planner, since a run through HTTP and agents takes seconds rather than milliseconds.
 */

const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const files = readdirSync(path.join(ROOT, 'scenarios')).filter((f) => f.endsWith('.json'));
const USES_TRACES = /cant-be-late|preemption-trace/;

describe('live mode through agents on the virtual clock equals simulate()', () => {
  for (const file of files) {
    it.skipIf(USES_TRACES.test(file) && !HAVE_TRACES)(file, { timeout: 120_000 }, async () => {
      const loaded: LoadedScenario = loadScenario(path.join(ROOT, 'scenarios', file), {
        tracesDir: TRACES_DIR,
        warn: () => {},
      });
      const scenario = (loaded.points[0] as LoadedScenario['points'][number]).scenario as Scenario;
      let runs = 0;
      for (const p of loaded.policies) {
        if (p.name === 'offline-optimal') continue;
        const seed = 1;
        const migration = 'optimal';
        const stateDir = mkdtempSync(path.join(os.tmpdir(), 'synkti-parity-agents-'));
        const live = await runLive({
          scenario,
          seed,
          policy: createPolicy(p.name, p.params),
          migration,
          stateDir,
          agents: new InProcessAgents(path.join(stateDir, 'agents')),
        });
        const sim = simulate(scenario, { policy: createPolicy(p.name, p.params), migration, seed });
        const where = `${file} ${p.label} seed ${seed}`;
        for (const k of COMPARED) expect(live.summary[k], `${where}: ${k}`).toBe(sim[k]);
        // Every job that computed was started on an agent (each has its directory there), and
        // kept checkpoints moved between them.
        const computed = new Set(
          live.store
            .journal()
            .filter((e) => e.what === 'job' && e.to_state === 'RUNNING')
            .map((e) => e.id),
        );
        const agentsDir = path.join(stateDir, 'agents');
        const onAgents = new Set(
          readdirSync(agentsDir).flatMap((i) =>
            existsSync(path.join(agentsDir, i, 'tasks'))
              ? readdirSync(path.join(agentsDir, i, 'tasks'))
              : [],
          ),
        );
        expect(computed.size, `${where}: jobs computed`).toBeGreaterThan(0);
        expect([...onAgents].sort(), `${where}: jobs on agents`).toEqual([...computed].sort());
        if (sim.checkpointsFull + sim.checkpointsPartial > 0 && sim.migrations > 0) {
          expect(
            live.orchestrator.agents.checkpointsMoved,
            `${where}: checkpoints`,
          ).toBeGreaterThan(0);
        }
        expect(live.store.instances(['REQUESTED', 'BOOTING', 'RUNNING', 'NOTICED'])).toEqual([]);
        live.store.close();
        runs++;
      }
      expect(runs).toBeGreaterThan(0);
    });
  }
});
