/**
 * The `rebalance` parameter of the built-in spot policies, in simulation: `ignore` is the policy
 * without it; `migrate` moves every task off a recommended instance at the recommendation and
 * never places one there again; `pre-copy` saves each task's state once at the recommendation.
 */

import { type Scenario, type SimEvent, simulate } from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';
import { createPolicy, REBALANCE_MODES } from '../src/index.js';

const scenario: Scenario = {
  name: 'rebalance-policies',
  horizonHours: 12,
  instanceTypes: [
    {
      name: 'gpu',
      gpuMemoryMb: 16_000,
      networkGbps: 1,
      onDemandPerHour: 3,
      spotPrice: { kind: 'constant', perHour: 1 },
      preemption: { kind: 'poisson', ratePerHour: 0.5 },
      rebalanceLeadSeconds: 900,
    },
  ],
  gracePeriodSeconds: 120,
  workload: {
    tasks: Array.from({ length: 6 }, (_, k) => ({
      id: `job-${k}`,
      workSeconds: 3 * 3600,
      memoryMb: 8000,
      // 40 GB at 1 Gbps: more than a grace period to save, so a notice loses progress.
      stateMb: 40_000,
      checkpointIntervalSeconds: 3600,
      arrivalSeconds: 600 * k,
    })),
  },
};

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

function run(params: Record<string, unknown>, seed: number, s: Scenario = scenario) {
  return simulate(s, {
    policy: createPolicy('greedy-spot', params),
    migration: 'optimal',
    seed,
    recordEvents: true,
  });
}

/** When each instance got its recommendation, seconds. */
function recommendations(events: readonly SimEvent[]): Map<string, number> {
  return new Map(
    events.filter((e) => e.kind === 'rebalance').map((e) => [e.instance as string, e.t]),
  );
}

describe('the rebalance parameter', () => {
  it('ignore is the policy without the parameter, result for result', () => {
    for (const seed of SEEDS.slice(0, 3)) {
      const a = run({}, seed);
      const b = run({ rebalance: 'ignore' }, seed);
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    }
  });

  it('migrate: every task leaves a recommended instance at once, and none is placed there again', () => {
    let moves = 0;
    for (const seed of SEEDS) {
      const { events = [] } = run({ rebalance: 'migrate' }, seed);
      // Replayed in log order: which instances are recommended, and who is on each.
      const recommended = new Set<string>();
      const on = new Map<string, string>();
      for (const e of events) {
        const inst = e.instance as string;
        if (e.kind === 'rebalance') recommended.add(inst);
        if (e.kind === 'place' || e.kind === 'migrate') {
          expect(recommended.has(inst), `${e.kind} of ${e.task} onto ${inst} at ${e.t}`).toBe(
            false,
          );
          on.set(e.task as string, inst);
        }
        if (e.kind === 'policy-move') {
          expect(recommended.has(inst)).toBe(true);
          on.delete(e.task as string);
          moves++;
        }
        if (e.kind === 'complete' && e.task) on.delete(e.task);
        // A notice finds no task left on an instance recommended before it.
        if (e.kind === 'notice' && recommended.has(inst)) {
          expect([...on].filter(([, i]) => i === inst)).toEqual([]);
        }
      }
      expect(recommended.size).toBeGreaterThan(0);
    }
    expect(moves).toBeGreaterThan(0);
  });

  it('pre-copy: each task on a recommended instance saves its state once, at the recommendation', () => {
    let saves = 0;
    for (const seed of SEEDS) {
      const { events = [] } = run({ rebalance: 'pre-copy' }, seed);
      const at = recommendations(events);
      const seen = new Set<string>();
      for (const e of events) {
        if (e.kind !== 'policy-move') continue;
        expect(at.get(e.instance as string)).toBe(e.t);
        const key = `${e.task} ${e.instance}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
        saves++;
      }
    }
    expect(saves).toBeGreaterThan(0);
  });

  it('without recommendations, every mode is the policy without the parameter', () => {
    const quiet: Scenario = {
      ...scenario,
      instanceTypes: scenario.instanceTypes.map(({ rebalanceLeadSeconds, ...t }) => t),
    };
    const base = JSON.stringify(run({}, 1, quiet));
    for (const rebalance of REBALANCE_MODES) {
      expect(JSON.stringify(run({ rebalance }, 1, quiet))).toBe(base);
    }
  });

  it('refuses an unknown mode, naming the known ones; every spot policy takes it', () => {
    expect(() => createPolicy('greedy-spot', { rebalance: 'drain' })).toThrow(
      'rebalance: expected "ignore", "migrate", "pre-copy", got "drain"',
    );
    for (const name of [
      'greedy-spot',
      'on-demand-fallback',
      'greedy-deadline',
      'uniform-progress',
    ]) {
      expect(createPolicy(name, { rebalance: 'migrate' }).name).toBe(name);
    }
    expect(() => createPolicy('on-demand-only', { rebalance: 'migrate' })).toThrow(
      /has no parameter "rebalance"/,
    );
  });
});
