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
  o: {
    work: number;
    deadline: number;
    overhead: number;
    tick: number;
    offset?: number | 'random';
    stateMb?: number;
  },
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
          stateMb: o.stateMb ?? 1000,
          deadlineSeconds: o.deadline,
        },
      ],
    },
    restartOverheadSeconds: o.overhead,
    policyTickSeconds: o.tick,
  };
}

/** One run of `policy` on `scenario` with its event log. */
const withEvents = (scenario: Scenario, policy: string) =>
  simulate(scenario, {
    policy: createPolicy(policy),
    migration: 'optimal',
    seed: SEED,
    recordEvents: true,
  });

describe('greedy-deadline on a synthetic trace, checked by hand', () => {
  // Spot for 2 h, gone for 2 h, then back.
  const trace = parseAvailabilityTrace(
    JSON.stringify({ metadata: { gap_seconds: HOUR }, data: [1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1] }),
    'synthetic',
  );

  it('sees the availability transitions and pays what they imply', () => {
    const r = withEvents(
      job(trace, { work: 4 * HOUR, deadline: 10 * HOUR, overhead: 0, tick: HOUR }),
      'greedy-deadline',
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
    // Billed per second: 7320 s, then 7199.8 s rounded up.
    expect(r.totalCostUsd).toBeCloseTo((0.9731 * (7320 + 7200)) / HOUR, 10);
    expect(r.deadlineMisses).toBe(0);
  });

  it('uniform-progress goes on-demand while behind and spot is gone, and returns to spot', () => {
    const r = withEvents(
      job(trace, { work: 8 * HOUR, deadline: 10 * HOUR, overhead: 0, tick: 600 }),
      'uniform-progress',
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

describe('uniform-progress sees where its task is', () => {
  const launchesOf = (r: ReturnType<typeof simulate>) =>
    (r.events ?? [])
      .filter((e) => e.kind === 'launch')
      .map((e) => [e.detail?.['market'], e.t / HOUR]);
  const paperSetting = { gracePeriodSeconds: 0, detectionLatencySeconds: 0 };

  it('a task behind schedule on its own spot instance stays there (1-node trace)', () => {
    // Always available; 48 h of work by 52 h with a 0.2 h overhead: behind the uniform schedule
    // for the first 2.6 h while on spot, which must not send it to on-demand.
    const always = parseAvailabilityTrace(
      JSON.stringify({ metadata: { gap_seconds: 195 }, data: Array(2000).fill(1) }),
      'always',
    );
    const scenario = {
      ...job(always, { work: 48 * HOUR, deadline: 52 * HOUR, overhead: 720, tick: 195 }),
      ...paperSetting,
    };
    const r = withEvents(scenario, 'uniform-progress');
    expect(launchesOf(r)).toEqual([['spot', 0]]);
    expect((r.events ?? []).filter((e) => e.kind === 'policy-move')).toEqual([]);
    expect(r.onDemandCostUsd).toBe(0);
    expect(r.tasksCompleted).toBe(1);
  });

  it('a spot launch lost during its restart overhead counts as spot, not as the on-demand it left', () => {
    // Hourly ticks: spot gone for 9 h, back at 9 h for one hour, gone 10–12 h, then back.
    const data = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, ...Array(20).fill(1)];
    const trace = parseAvailabilityTrace(
      JSON.stringify({ metadata: { gap_seconds: HOUR }, data }),
      'lost-launch',
    );
    const scenario = {
      ...job(trace, {
        work: 10 * HOUR,
        deadline: 20 * HOUR,
        overhead: 1.5 * HOUR,
        tick: HOUR,
        stateMb: 0,
      }),
      ...paperSetting,
    };
    const r = withEvents(scenario, 'uniform-progress');
    // Behind at 1 h with no spot: on-demand (computing from 2.5 h). At 9 h its 6.5 h of progress
    // is above (9 + 2·1.5)·10/20 = 6 h: spot. That launch is lost at 10 h, before its overhead
    // ends; 1.5 h ahead of schedule, the task waits for spot (at 12 h) instead of going back to
    // on-demand, and finishes at 12 + 1.5 + 3.5 = 17 h.
    expect(launchesOf(r)).toEqual([
      ['on-demand', 1],
      ['spot', 9],
      ['spot', 12],
    ]);
    expect(r.makespanHours).toBe(17);
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
            // On-demand-only needs work + one restart overhead (its first start pays it).
            deadline: (workHours + slackHours) * HOUR + overhead + 1,
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
