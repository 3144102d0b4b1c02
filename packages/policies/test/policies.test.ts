import {
  type InstanceTypeSpec,
  parseAvailabilityTrace,
  type Scenario,
  simulate,
} from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';
import { createPolicy } from '../src/index.js';

const HOUR = 3600;
const type = (
  name: string,
  spot: number,
  overrides: Partial<InstanceTypeSpec> = {},
): InstanceTypeSpec => ({
  name,
  gpuMemoryMb: 24_000,
  networkGbps: 10,
  onDemandPerHour: 1,
  spotPrice: { kind: 'constant', perHour: spot },
  preemption: { kind: 'poisson', ratePerHour: 0 },
  ...overrides,
});
const tasks = (n: number) => ({
  tasks: Array.from({ length: n }, (_, k) => ({
    id: `t${k}`,
    workSeconds: HOUR,
    memoryMb: 10_000,
    stateMb: 100,
  })),
});

describe('greedy-spot', () => {
  it('launches the cheapest spot type per unit of work and packs tasks that fit', () => {
    const scenario: Scenario = {
      name: 'g',
      horizonHours: 4,
      instanceTypes: [type('a', 0.4), type('b', 0.5, { speed: 2 }), type('c', 0.3)],
      workload: tasks(2),
    };
    const r = simulate(scenario, {
      policy: createPolicy('greedy-spot'),
      migration: 'optimal',
      seed: 1,
      recordEvents: true,
    });
    const launches = (r.events ?? []).filter((e) => e.kind === 'launch');
    // b costs 0.25 per work-hour (0.5 at speed 2), cheaper than c's 0.3; both tasks fit on one.
    expect(launches.map((e) => e.detail?.['type'])).toEqual(['b']);
    expect(r.onDemandCostUsd).toBe(0);
  });
});

describe('on-demand-fallback', () => {
  const scenario: Scenario = {
    name: 'f',
    horizonHours: 40,
    instanceTypes: [type('gpu', 0.3, { preemption: { kind: 'poisson', ratePerHour: 2 } })],
    workload: { tasks: [{ id: 'long', workSeconds: 10 * HOUR, memoryMb: 10_000, stateMb: 100 }] },
  };

  it('moves a task to on-demand after maxPreemptions preemptions and completes it', () => {
    const r = simulate(scenario, {
      policy: createPolicy('on-demand-fallback', { maxPreemptions: 2 }),
      migration: 'optimal',
      seed: 1,
      recordEvents: true,
    });
    const launches = (r.events ?? [])
      .filter((e) => e.kind === 'launch')
      .map((e) => e.detail?.['market']);
    expect(launches).toEqual(['spot', 'spot', 'on-demand']);
    expect(r.tasksCompleted).toBe(1);
    expect(r.preemptions).toBe(2);
  });

  it('greedy-spot in the same market keeps going back to spot', () => {
    const r = simulate(scenario, {
      policy: createPolicy('greedy-spot'),
      migration: 'optimal',
      seed: 1,
    });
    expect(r.onDemandCostUsd).toBe(0);
    expect(r.preemptions).toBeGreaterThan(2);
  });

  it('falls back at once when no spot can be launched (trace unavailability)', () => {
    const gone = parseAvailabilityTrace(
      JSON.stringify({ metadata: { gap_seconds: HOUR }, data: [0, 0, ...Array(40).fill(1)] }),
      'gone',
    );
    const r = simulate(
      {
        ...scenario,
        instanceTypes: [type('gpu', 0.3, { preemption: { kind: 'trace', trace: gone } })],
      },
      { policy: createPolicy('on-demand-fallback'), migration: 'optimal', seed: 1 },
    );
    expect(r.spotCostUsd).toBe(0);
    expect(r.tasksCompleted).toBe(1);
  });
});

describe('on-demand-only', () => {
  it('never uses spot and never sees a preemption', () => {
    const scenario: Scenario = {
      name: 'o',
      horizonHours: 4,
      instanceTypes: [type('gpu', 0.3, { preemption: { kind: 'poisson', ratePerHour: 50 } })],
      workload: tasks(5),
    };
    const r = simulate(scenario, {
      policy: createPolicy('on-demand-only'),
      migration: 'optimal',
      seed: 1,
    });
    expect(r.spotCostUsd).toBe(0);
    expect(r.preemptions).toBe(0);
    expect(r.tasksCompleted).toBe(5);
  });
});
