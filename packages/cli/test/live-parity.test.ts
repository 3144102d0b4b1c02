import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoadedScenario, loadScenario } from '@synkti/bench';
import { COMPARED, runLive } from '@synkti/orchestrator';
import { createPolicy } from '@synkti/policies';
import { MIGRATION_PLANNERS, type Scenario, simulate } from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';
import { HAVE_TRACES, TRACES_DIR } from '../../../test-support/spot-traces.js';

/**
 * Parity (live.md, "What must be measured"): a shipped scenario through the orchestrator — its
 * durable store, the emulated cloud's ledger and market, on the virtual clock — makes the same
 * decisions and costs the same as `simulate()` on the same scenario and seed, for every policy
 * the file lists and every planner. Exactly: every compared metric is equal, and so is the
 * list of launches (time, type, market) the store recorded. And nothing is left running.
 */

const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const files = readdirSync(path.join(ROOT, 'scenarios')).filter((f) => f.endsWith('.json'));
const USES_TRACES = /cant-be-late|preemption-trace/;

describe('live mode on the virtual clock equals simulate()', () => {
  for (const file of files) {
    it.skipIf(USES_TRACES.test(file) && !HAVE_TRACES)(file, async () => {
      const loaded: LoadedScenario = loadScenario(path.join(ROOT, 'scenarios', file), {
        tracesDir: TRACES_DIR,
        warn: () => {},
      });
      const scenario = (loaded.points[0] as LoadedScenario['points'][number]).scenario as Scenario;
      let runs = 0;
      for (const p of loaded.policies) {
        if (p.name === 'offline-optimal') continue;
        for (const migration of MIGRATION_PLANNERS) {
          const seed = 1;
          const stateDir = mkdtempSync(path.join(os.tmpdir(), 'synkti-parity-'));
          const live = await runLive({
            scenario,
            seed,
            policy: createPolicy(p.name, p.params),
            migration,
            stateDir,
          });
          const sim = simulate(scenario, {
            policy: createPolicy(p.name, p.params),
            migration,
            seed,
            recordEvents: true,
          });
          const where = `${file} ${p.label} ${migration} seed ${seed}`;
          for (const k of COMPARED) expect(live.summary[k], `${where}: ${k}`).toBe(sim[k]);
          const simLaunches = (sim.events ?? [])
            .filter((e) => e.kind === 'launch')
            .map((e) => `${e.t} ${e.detail?.['type']} ${e.detail?.['market']}`);
          const liveLaunches = live.store
            .instances()
            .filter((r) => r.granted_position !== null)
            .map((r) => `${r.launched_at} ${r.type} ${r.market}`);
          expect(liveLaunches, `${where}: launches`).toEqual(simLaunches);
          expect(
            live.store.instances(['REQUESTED', 'BOOTING', 'RUNNING', 'NOTICED']),
            `${where}: instances left running`,
          ).toEqual([]);
          live.store.close();
          runs++;
        }
      }
      expect(runs).toBeGreaterThan(0);
    });
  }
});
