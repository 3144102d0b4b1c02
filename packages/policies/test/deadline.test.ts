import {
  type AvailabilityTraceData,
  type InstanceTypeSpec,
  parseAvailabilityTrace,
  type Scenario,
  simulate,
} from '@synkti/sim-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HAVE_TRACES, readTrace } from '../../../test-support/spot-traces.js';
import { createPolicy } from '../src/index.js';

const HOUR = 3600;
const SEED = 20_261_127;

function p3(trace: AvailabilityTraceData, offset: number | 'random' = 0): InstanceTypeSpec {
  return {
    name: 'p3.2xlarge',
    gpuMemoryMb: 16_000,
    networkGbps: 10,
    onDemandPerHour: 3.06,
    bootSeconds: 0,
    spotPrice: { kind: 'constant', perHour: 0.9731 },
    preemption: { kind: 'trace', trace, offsetSeconds: offset },
  };
}

function job(
  trace: AvailabilityTraceData,
  o: { work: number; deadline: number; overhead: number; tick: number; offset?: number | 'random' },
): Scenario {
  return {
    name: 'deadline-job',
    horizonHours: o.deadline / HOUR,
    instanceTypes: [p3(trace, o.offset ?? 0)],
    workload: {
      tasks: [
        {
          id: 'job',
          workSeconds: o.work,
          memoryMb: 16_000,
          stateMb: 1000,
          deadlineSeconds: o.deadline,
        },
      ],
    },
    restartOverheadSeconds: o.overhead,
    policyTickSeconds: o.tick,
  };
}

describe('greedy-deadline on a synthetic trace, checked by hand', () => {
  // Spot for 2 h, gone for 2 h, then back.
  const trace = parseAvailabilityTrace(
    JSON.stringify({ metadata: { gap_seconds: HOUR }, data: [1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1] }),
    'synthetic',
  );

  it('sees the availability transitions and pays what they imply', () => {
    const r = simulate(
      job(trace, { work: 4 * HOUR, deadline: 10 * HOUR, overhead: 0, tick: HOUR }),
      {
        policy: createPolicy('greedy-deadline'),
        migration: 'optimal',
        seed: SEED,
        recordEvents: true,
      },
    );
    const seen = (r.events ?? [])
      .filter((e) => ['launch', 'notice', 'terminate', 'complete'].includes(e.kind))
      .map((e) => [e.kind, e.t]);
    // Notice when tick 2 turns unavailable; relaunch when tick 4 is available; 7201 s of work
    // kept (detected at 7201); 0.8 s to restore 1000 MB at 1250 MB/s; 7199 s left.
    expect(seen).toEqual([
      ['launch', 0],
      ['notice', 7200],
      ['terminate', 7320],
      ['launch', 14400],
      ['complete', 14400.8 + 7199],
    ]);
    expect(r.onDemandCostUsd).toBe(0);
    expect(r.totalCostUsd).toBeCloseTo((0.9731 * (7320 + 0.8 + 7199)) / HOUR, 10);
    expect(r.deadlineMisses).toBe(0);
  });

  it('uniform-progress goes on-demand while behind and spot is gone, and returns to spot', () => {
    const r = simulate(
      job(trace, { work: 8 * HOUR, deadline: 10 * HOUR, overhead: 0, tick: 600 }),
      {
        policy: createPolicy('uniform-progress'),
        migration: 'optimal',
        seed: SEED,
        recordEvents: true,
      },
    );
    const launches = (r.events ?? [])
      .filter((e) => e.kind === 'launch')
      .map((e) => [e.detail?.['market'], e.t]);
    expect(launches[0]).toEqual(['spot', 0]);
    expect(launches[1]?.[0]).toBe('on-demand'); // behind 0.8·t after the notice at 2 h
    expect(launches.some(([m, t]) => m === 'spot' && (t as number) >= 4 * HOUR)).toBe(true);
    expect(r.deadlineMisses).toBe(0);
  });
});

describe(`never miss a deadline on-demand-only meets (synthetic traces, fast-check seed ${SEED})`, () => {
  it('greedy-deadline and uniform-progress', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0, 1), { minLength: 60, maxLength: 60 }),
        fc.integer({ min: 4, max: 20 }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom(0, 600, 1800),
        (data, workHours, slackHours, overhead) => {
          const trace = parseAvailabilityTrace(
            JSON.stringify({ metadata: { gap_seconds: 1800 }, data }),
            'random',
          );
          const scenario = job(trace, {
            work: workHours * HOUR,
            deadline: (workHours + slackHours) * HOUR + 1,
            overhead,
            tick: 600,
          });
          const base = simulate(scenario, {
            policy: createPolicy('on-demand-only'),
            migration: 'optimal',
            seed: 1,
          });
          expect(base.deadlineMisses).toBe(0);
          for (const name of ['greedy-deadline', 'uniform-progress']) {
            const r = simulate(scenario, {
              policy: createPolicy(name),
              migration: 'optimal',
              seed: 1,
            });
            expect(r.deadlineMisses, `${name} missed`).toBe(0);
            expect(r.totalCostUsd).toBeLessThanOrEqual(base.totalCostUsd * 1.5);
          }
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });
});

describe.skipIf(!HAVE_TRACES)("the Can't Be Late setting on the real traces", () => {
  const dir = 'availability/1-node/aws-02-15-2023';
  const zones = ['us-east-1a', 'us-east-2a', 'us-west-2c'];

  for (const zone of zones) {
    it(`${zone}: no deadline missed`, () => {
      const trace = parseAvailabilityTrace(readTrace(`${dir}/${zone}_v100_1.json`), zone);
      const scenario = job(trace, {
        work: 48 * HOUR,
        deadline: 52 * HOUR,
        overhead: 720,
        tick: 195,
        offset: 'random',
      });
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const base = simulate(scenario, {
          policy: createPolicy('on-demand-only'),
          migration: 'optimal',
          seed,
        });
        expect(base.deadlineMisses).toBe(0);
        for (const name of ['greedy-deadline', 'uniform-progress']) {
          const r = simulate(scenario, { policy: createPolicy(name), migration: 'optimal', seed });
          expect(r.deadlineMisses, `${name} seed ${seed}`).toBe(0);
          expect(r.tasksCompleted).toBe(1);
        }
      }
    });
  }
});
