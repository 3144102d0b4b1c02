import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Decisions,
  type InstanceTypeSpec,
  parseAvailabilityTrace,
  type RunResult,
  type Scenario,
  ScenarioError,
  type SchedulingPolicy,
  simulate,
} from '../src/index.js';
import { firstFitPolicy } from './fixtures/policies.js';
import { assertProperty, PROPERTY_SEED } from './fixtures/property.js';

const HOUR = 3600;
const SEED = 1;

/** Spot available for 2 h, gone in hour 3, back from hour 4: a notice at exactly t = 7200 s. */
const dipTrace = parseAvailabilityTrace(
  JSON.stringify({ metadata: { gap_seconds: HOUR }, data: [1, 1, 0, ...Array(100).fill(1)] }),
  'dip',
);

function gpu(overrides: Partial<InstanceTypeSpec> = {}): InstanceTypeSpec {
  return {
    name: 'gpu',
    gpuMemoryMb: 24_000,
    networkGbps: 10, // 1250 MB/s
    onDemandPerHour: 1,
    bootSeconds: 90,
    spotPrice: { kind: 'constant', perHour: 0.3 },
    preemption: { kind: 'trace', trace: dipTrace },
    ...overrides,
  };
}

function oneTask(stateMb: number, types = [gpu()]): Scenario {
  return {
    name: 'one-task',
    horizonHours: 24,
    instanceTypes: types,
    workload: { tasks: [{ id: 'job', workSeconds: 5 * HOUR, memoryMb: 10_000, stateMb }] },
  };
}

const spot = firstFitPolicy('spot');
const completionOf = (r: RunResult) => (r.makespanHours as number) * HOUR;

describe('simulate: one task through a preemption', () => {
  const unpreempted = simulate(
    oneTask(1000, [gpu({ preemption: { kind: 'poisson', ratePerHour: 0 } })]),
    {
      policy: spot,
      migration: 'optimal',
      seed: SEED,
    },
  );

  it('without preemption: boot, then work', () => {
    expect(completionOf(unpreempted)).toBe(90 + 5 * HOUR);
    expect(unpreempted.preemptions).toBe(0);
  });

  it('bills whole increments of each instance, at least the minimum', () => {
    const hourly = [
      gpu({
        preemption: { kind: 'poisson', ratePerHour: 0 },
        billing: { incrementSeconds: HOUR, minimumSeconds: HOUR },
      }),
    ];
    const r = simulate(oneTask(1000, hourly), { policy: spot, migration: 'optimal', seed: SEED });
    // Held 5 h 90 s: billed 6 h at $0.30/h. Per-second billing pays the 5 h 90 s.
    expect(r.totalCostUsd).toBeCloseTo(6 * 0.3, 12);
    expect(unpreempted.totalCostUsd).toBeCloseTo(((5 * HOUR + 90) * 0.3) / HOUR, 12);
    expect(r.spotInstanceHours).toBe(unpreempted.spotInstanceHours);
  });

  it('every start pays the restart overhead, the first one included', () => {
    const calm = [gpu({ preemption: { kind: 'poisson', ratePerHour: 0 } })];
    const r = simulate(
      { ...oneTask(1000, calm), restartOverheadSeconds: 300 },
      { policy: spot, migration: 'optimal', seed: SEED },
    );
    expect(completionOf(r)).toBe(90 + 300 + 5 * HOUR);
    // Through the dip: boot 90 + overhead 300, notice at 7200 (6811 s of work kept at detection
    // at 7201), back at
    // 10800: boot to 10890, restore 0.8 s, overhead 300, then the 11190 s left.
    const dip = simulate(
      { ...oneTask(1000), restartOverheadSeconds: 300 },
      { policy: spot, migration: 'optimal', seed: SEED },
    );
    expect(completionOf(dip)).toBeCloseTo(10890 + 0.8 + 300 + (5 * HOUR - (7201 - 390)), 9);
  });

  it('Full checkpoint: no progress lost, but it pays the downtime (hand-computed)', () => {
    const r = simulate(oneTask(1000), {
      policy: spot,
      migration: 'optimal',
      seed: SEED,
      recordEvents: true,
    });
    // Notice at 7200, detected at 7201: progress 7111 s kept; state (1000 MB at 1250 MB/s) in
    // storage by 7201.8. Spot is back at 10800: boot to 10890, restore 0.8 s, 10889 s of work left.
    expect(r.checkpointsFull).toBe(1);
    expect(r.progressLostHours).toBe(0);
    expect(completionOf(r)).toBeCloseTo(10890 + 0.8 + (5 * HOUR - 7111), 9);
    expect(completionOf(r) - completionOf(unpreempted)).toBeGreaterThan(10800 - 7201);
    // The first completion (at 18090) was cancelled: exactly one completion, the late one.
    const completions = (r.events ?? []).filter((e) => e.kind === 'complete');
    expect(completions.map((e) => e.t)).toEqual([completionOf(r)]);
    // Billing: 7320 s on the first instance, 10800 → completion on the second, at $0.30/h.
    // Billed per second: 7320 s, then the second instance's held time rounded up.
    expect(r.totalCostUsd).toBeCloseTo(
      ((7320 + Math.ceil(completionOf(r) - 10800)) * 0.3) / HOUR,
      10,
    );
    expect(r.migrationDowntimeTotalSeconds).toBeCloseTo(10890.8 - 7201, 9);
  });

  it('Restart: finishes later by at least the lost progress plus boot and transfer', () => {
    // 400,000 MB in a 119 s window at 1250 MB/s: ratio 0.37... no: use 1,000,000 MB → 0.149 < 0.3.
    const r = simulate(oneTask(1_000_000), { policy: spot, migration: 'optimal', seed: SEED });
    expect(r.restarts).toBe(1);
    expect(r.progressLostHours * HOUR).toBeCloseTo(7111, 9);
    const delay = completionOf(r) - completionOf(unpreempted);
    expect(delay).toBeGreaterThanOrEqual(7111 + 90);
    expect(completionOf(r)).toBeCloseTo(10890 + 5 * HOUR, 9);
  });

  it('Partial: keeps progress × ratio', () => {
    // 300,000 MB: ratio 1250·119/300000 = 0.4958 → keeps 7111 × 0.4958 s.
    const r = simulate(oneTask(300_000), { policy: spot, migration: 'optimal', seed: SEED });
    expect(r.checkpointsPartial).toBe(1);
    const ratio = (1250 * 119) / 300_000;
    expect(r.progressLostHours * HOUR).toBeCloseTo(7111 * (1 - ratio), 6);
  });
});

describe('simulate: billing and on-demand', () => {
  it('on-demand-only never sees a preemption; cost = Σ billed instance-seconds × price', () => {
    const scenario: Scenario = {
      name: 'od',
      horizonHours: 30,
      instanceTypes: [gpu({ preemption: { kind: 'poisson', ratePerHour: 5 } })],
      workload: {
        generate: {
          count: 40,
          arrivalHours: { dist: 'uniform', min: 0, max: 10 },
          workHours: { dist: 'uniform', min: 1, max: 5 },
          memoryMb: { dist: 'uniform', min: 4000, max: 16000 },
          stateMb: { perWorkHourMb: 200, maxMb: 8000 },
        },
      },
    };
    const r = simulate(scenario, {
      policy: firstFitPolicy('on-demand'),
      migration: 'optimal',
      seed: SEED,
      recordEvents: true,
    });
    expect(r.preemptions).toBe(0);
    expect(r.spotCostUsd).toBe(0);
    const started = new Map<string, number>();
    let seconds = 0;
    let billed = 0; // per second, at least 60 s per instance (the default billing)
    for (const e of r.events ?? []) {
      if (e.kind === 'launch') started.set(e.instance as string, e.t);
      if (e.kind === 'release' || e.kind === 'terminate') {
        const held = e.t - (started.get(e.instance as string) as number);
        seconds += held;
        billed += Math.max(60, Math.ceil(held));
        started.delete(e.instance as string);
      }
    }
    for (const t of started.values()) {
      seconds += 30 * HOUR - t;
      billed += 30 * HOUR - t; // still held at the horizon: billed so far, unrounded
    }
    expect(billed).toBeGreaterThan(seconds);
    expect(r.totalCostUsd).toBeCloseTo(billed / HOUR, 9);
    expect(r.onDemandInstanceHours).toBeCloseTo(seconds / HOUR, 9);
    expect(r.tasksCompleted).toBe(40);
  });

  it('spot billing follows a known price path to the cent', () => {
    const records = [
      {
        availabilityZone: 'z',
        instanceType: 'gpu',
        productDescription: 'Linux/UNIX',
        pricePerHour: 0.5,
        timestampSeconds: 0,
      },
      {
        availabilityZone: 'z',
        instanceType: 'gpu',
        productDescription: 'Linux/UNIX',
        pricePerHour: 0.25,
        timestampSeconds: 2 * HOUR,
      },
    ];
    const scenario = oneTask(1000, [
      gpu({
        spotPrice: { kind: 'trace', records, availabilityZone: 'z' },
        preemption: { kind: 'poisson', ratePerHour: 0 },
      }),
    ]);
    const r = simulate(scenario, { policy: spot, migration: 'optimal', seed: SEED });
    // Held 0 → 18090 s: 2 h at $0.50, then 18090 − 7200 s at $0.25.
    expect(r.totalCostUsd).toBeCloseTo(1 + (18090 - 7200) * (0.25 / HOUR), 10);
    expect(Math.round(r.totalCostUsd * 100)).toBe(Math.round((1 + 10890 * (0.25 / HOUR)) * 100));
  });
});

describe('simulate: migration planners in a crafted scenario', () => {
  /**
   * At t=0 the scripted policy launches a 32 GB spot instance (notice at 7200) hosting a small
   * (6 GB) and a large (20 GB) task, plus two idle on-demand instances: big (24 GB) and small
   * (8 GB).
   * First fit sends the small task to the big instance, so the large one needs a new instance;
   * optimal sends small→small, large→big.
   */
  const scripted: SchedulingPolicy = {
    name: 'scripted',
    decide(view): Decisions {
      if (view.now === 0) {
        return {
          launches: [
            { instanceType: 'huge', market: 'spot' },
            { instanceType: 'big', market: 'on-demand' },
            { instanceType: 'small', market: 'on-demand' },
          ],
          placements: [
            { taskId: 'a-small', launchIndex: 0 },
            { taskId: 'b-large', launchIndex: 0 },
          ],
        };
      }
      return {
        launches: view
          .pendingTasks()
          .map(() => ({ instanceType: 'big', market: 'on-demand' as const })),
        placements: view.pendingTasks().map((t, k) => ({ taskId: t.id, launchIndex: k })),
      };
    },
  };
  const scenario: Scenario = {
    name: 'crafted',
    horizonHours: 12,
    idleReleaseSeconds: 1e9, // keep the idle destinations
    instanceTypes: [
      gpu({ name: 'huge', gpuMemoryMb: 32_000 }),
      gpu({ name: 'big' }),
      gpu({ name: 'small', gpuMemoryMb: 8000, onDemandPerHour: 0.5 }),
    ],
    workload: {
      tasks: [
        { id: 'a-small', workSeconds: 4 * HOUR, memoryMb: 6000, stateMb: 1000 },
        { id: 'b-large', workSeconds: 4 * HOUR, memoryMb: 20_000, stateMb: 1000 },
      ],
    },
  };

  it('optimal places both and has lower downtime and cost than first-fit', () => {
    const ff = simulate(scenario, { policy: scripted, migration: 'first-fit', seed: SEED });
    const opt = simulate(scenario, { policy: scripted, migration: 'optimal', seed: SEED });
    expect(opt.migrations).toBe(2);
    expect(ff.migrations).toBe(1);
    expect(opt.migrationDowntimeTotalSeconds).toBeLessThan(ff.migrationDowntimeTotalSeconds);
    expect(opt.totalCostUsd).toBeLessThan(ff.totalCostUsd);
    expect(opt.tasksCompleted).toBe(2);
  });

  it('evaluates every planner on the same displaced set (counterfactual tallies)', () => {
    for (const migration of ['first-fit', 'optimal'] as const) {
      const r = simulate(scenario, { policy: scripted, migration, seed: SEED });
      expect(r.migrationDecisions).toBe(1);
      expect(r.displacedTasks).toBe(2);
      expect(r.plannerCounterfactual['first-fit'].placed).toBe(1);
      expect(r.plannerCounterfactual.optimal.placed).toBe(2);
      // Both moves stream 1000 MB at 1250 MB/s to running instances: 0.8 s each.
      expect(r.plannerCounterfactual.optimal.edgeSeconds).toBeCloseTo(1.6, 12);
    }
  });
});

describe('simulate: determinism and common random numbers', () => {
  const prototypeLike: Scenario = {
    name: 'proto-small',
    horizonHours: 48,
    instanceTypes: [
      gpu({
        spotPrice: {
          kind: 'ou',
          meanPerHour: 0.3,
          theta: 0.5,
          sigma: 0.2,
          floorPerHour: 0.1,
          capPerHour: 0.95,
        },
        preemption: { kind: 'poisson', ratePerHour: 0.2 },
      }),
    ],
    workload: {
      generate: {
        count: 60,
        arrivalHours: { dist: 'uniform', min: 0, max: 38.4 },
        workHours: { dist: 'uniform', min: 1, max: 20 },
        memoryMb: { dist: 'uniform', min: 4000, max: 16000 },
        stateMb: { perWorkHourMb: 200, maxMb: 8000 },
      },
    },
  };

  it('same scenario and seed → identical RunResult, event log included', () => {
    const a = simulate(prototypeLike, {
      policy: spot,
      migration: 'optimal',
      seed: 'abc',
      recordEvents: true,
    });
    const b = simulate(prototypeLike, {
      policy: spot,
      migration: 'optimal',
      seed: 'abc',
      recordEvents: true,
    });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.preemptions).toBeGreaterThan(0);
    const c = simulate(prototypeLike, { policy: spot, migration: 'optimal', seed: 'abd' });
    expect(c.totalCostUsd).not.toBe(a.totalCostUsd);
  });

  it('runs differing only in planner or policy see the same workload, prices and first notices', () => {
    const runs = [
      simulate(prototypeLike, {
        policy: spot,
        migration: 'first-fit',
        seed: 9,
        recordEvents: true,
      }),
      simulate(prototypeLike, { policy: spot, migration: 'optimal', seed: 9, recordEvents: true }),
      simulate(prototypeLike, {
        policy: firstFitPolicy('spot', 'other'),
        migration: 'greedy',
        seed: 9,
        recordEvents: true,
      }),
    ];
    const arrivals = runs.map((r) =>
      (r.events ?? []).filter((e) => e.kind === 'arrival').map((e) => [e.t, e.task]),
    );
    expect(arrivals[1]).toEqual(arrivals[0]);
    expect(arrivals[2]).toEqual(arrivals[0]);
    // Instance i0 is the first spot launch in every run, at the same time: same stream, same notice.
    const firstNotice = runs.map((r) =>
      (r.events ?? []).find((e) => e.kind === 'notice' && e.instance === 'i0'),
    );
    expect(firstNotice[0]).toBeDefined();
    expect(firstNotice[1]).toEqual(firstNotice[0]);
    expect(firstNotice[2]).toEqual(firstNotice[0]);
  });
});

describe('simulate: what a policy sees at a tick', () => {
  it('a spot instance whose trace tick turns unavailable at t is gone before the tick at t', () => {
    const seen: [number, string | undefined, string | undefined, number | undefined][] = [];
    const base = firstFitPolicy('spot');
    const watching: SchedulingPolicy = {
      name: 'watching',
      decide(view) {
        for (const t of view.pendingTasks()) {
          seen.push([view.now, t.lastMarket, t.instanceId, t.detachedAtSeconds]);
        }
        return base.decide(view);
      },
      preempts(task, view) {
        seen.push([view.now, task.lastMarket, task.instanceId, task.detachedAtSeconds]);
        return false;
      },
    };
    simulate(
      {
        ...oneTask(0, [gpu({ bootSeconds: 0 })]),
        gracePeriodSeconds: 0,
        detectionLatencySeconds: 0,
        policyTickSeconds: HOUR,
      },
      { policy: watching, migration: 'optimal', seed: SEED },
    );
    // Ticks at 1 h and 2 h: at 2 h (7200 s) the notice came first, so the task is pending, last
    // on spot and detached at this very instant; the spot launch at 2 h is refused, the tick at
    // 3 h finds it still pending (detached earlier) and spot back: relaunched on i1.
    expect(seen.slice(0, 5)).toEqual([
      [0, undefined, undefined, undefined],
      [HOUR, 'spot', 'i0', undefined],
      [2 * HOUR, 'spot', undefined, 2 * HOUR],
      [3 * HOUR, 'spot', undefined, 2 * HOUR],
      [4 * HOUR, 'spot', 'i1', 2 * HOUR],
    ]);
  });
});

describe('simulate: invariants on generated scenarios', () => {
  const arbitraryScenario = fc.record({
    count: fc.integer({ min: 1, max: 12 }),
    rate: fc.constantFrom(0, 0.5, 2, 8),
    grace: fc.constantFrom(30, 120),
    memMax: fc.constantFrom(8000, 24000),
    state: fc.constantFrom(100, 20_000, 400_000),
    interval: fc.option(fc.constantFrom(600, 3600), { nil: undefined }),
    idle: fc.constantFrom(0, 600),
    overhead: fc.constantFrom(0, 300),
    planner: fc.constantFrom('first-fit' as const, 'greedy' as const, 'optimal' as const),
    market: fc.constantFrom('spot' as const, 'on-demand' as const),
    seed: fc.integer({ min: 0, max: 1000 }),
  });

  it(`hold after every event (fast-check seed ${PROPERTY_SEED})`, () => {
    assertProperty(
      fc.property(arbitraryScenario, (p) => {
        const scenario: Scenario = {
          name: 'generated',
          horizonHours: 24,
          gracePeriodSeconds: p.grace,
          idleReleaseSeconds: p.idle,
          restartOverheadSeconds: p.overhead,
          instanceTypes: [
            gpu({
              spotPrice: { kind: 'ou', meanPerHour: 0.3, theta: 0.5, sigma: 0.3 },
              preemption: { kind: 'poisson', ratePerHour: p.rate, priceSensitivity: 1 },
            }),
          ],
          workload: {
            generate: {
              count: p.count,
              arrivalHours: { dist: 'uniform', min: 0, max: 12 },
              workHours: { dist: 'uniform', min: 0.5, max: 10 },
              memoryMb: { dist: 'uniform', min: 1000, max: p.memMax },
              stateMb: { dist: 'constant', value: p.state },
              kinds: { training: 1, inference: 1 },
              ...(p.interval ? { trainingCheckpointIntervalSeconds: p.interval } : {}),
            },
          },
        };
        const r = simulate(scenario, {
          policy: firstFitPolicy(p.market),
          migration: p.planner,
          seed: p.seed,
          checkInvariants: true,
        });
        expect(r.tasksCompleted).toBeLessThanOrEqual(r.tasksTotal);
        // One grace-period outcome per task that was computing when displaced, never more.
        expect(r.checkpointsFull + r.checkpointsPartial + r.restarts).toBeLessThanOrEqual(
          r.displacedTasks,
        );
        if (r.preemptions === 0) expect(r.displacedTasks).toBe(0);
        for (const v of Object.values(r))
          if (typeof v === 'number') expect(Number.isNaN(v)).toBe(false);
        if (p.market === 'on-demand') expect(r.preemptions).toBe(0);
      }),
      60,
    );
  });
});

describe('simulate: bad scenarios', () => {
  it('names the field path', () => {
    expect(() =>
      simulate(
        { ...oneTask(10), horizonHours: -1 },
        { policy: spot, migration: 'optimal', seed: 1 },
      ),
    ).toThrow(ScenarioError);
    expect(() =>
      simulate(oneTask(10, [gpu({ gpuMemoryMb: 0 })]), {
        policy: spot,
        migration: 'optimal',
        seed: 1,
      }),
    ).toThrow('instanceTypes[0].gpuMemoryMb: expected MB > 0, got 0');
    expect(() =>
      simulate(
        { ...oneTask(10), workload: { tasks: [{ workSeconds: 1, memoryMb: -5, stateMb: 0 }] } },
        { policy: spot, migration: 'optimal', seed: 1 },
      ),
    ).toThrow('workload.tasks[0].memoryMb: expected MB > 0, got -5');
  });

  it('an invalid policy decision fails loudly, naming the policy', () => {
    const bad: SchedulingPolicy = {
      name: 'bad',
      decide: () => ({ placements: [{ taskId: 'job', instanceId: 'nope' }] }),
    };
    expect(() => simulate(oneTask(10), { policy: bad, migration: 'optimal', seed: 1 })).toThrow(
      /policy "bad": placements\[0\]: instance "nope" is unknown/,
    );
  });
});
