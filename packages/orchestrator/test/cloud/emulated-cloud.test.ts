import type { Scenario } from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { EmulatedCloud } from '../../src/cloud/emulated-cloud.js';
import { CapacityError, PermanentCloudError } from '../../src/cloud/provider.js';

const scenario = (preemption: Scenario['instanceTypes'][number]['preemption']): Scenario => ({
  horizonHours: 10,
  gracePeriodSeconds: 120,
  instanceTypes: [
    {
      name: 'gpu',
      gpuMemoryMb: 16_000,
      networkGbps: 10,
      onDemandPerHour: 3,
      bootSeconds: 60,
      spotPrice: { kind: 'constant', perHour: 1 },
      ...(preemption ? { preemption } : {}),
      billing: { incrementSeconds: 1, minimumSeconds: 60 },
    },
  ],
  workload: { tasks: [] },
});

describe('EmulatedCloud', () => {
  it('launches once per idempotency token, ready after boot', () => {
    const clock = new VirtualClock();
    const cloud = new EmulatedCloud(scenario({ kind: 'poisson', ratePerHour: 0 }), 1, clock);
    const a = cloud.launchNow({ type: 'gpu', market: 'on-demand', jobTag: 'r', token: 'x' });
    const b = cloud.launchNow({ type: 'gpu', market: 'on-demand', jobTag: 'r', token: 'x' });
    expect(b).toEqual(a);
    expect(cloud.describeNow()).toHaveLength(1);
    expect(cloud.nextEventAtNow()).toBe(60);
    cloud.advanceToNow(60);
    expect(clock.now()).toBe(60);
    expect(cloud.eventsAfterNow(0)).toEqual([
      { seq: 1, event: { kind: 'state', instanceId: a.id, state: 'running', at: 60 } },
    ]);
    expect(cloud.eventsAfterNow(1)).toEqual([]);
  });

  it('bills nothing up to a time before a running instance was launched', () => {
    const clock = new VirtualClock();
    const cloud = new EmulatedCloud(scenario({ kind: 'poisson', ratePerHour: 0 }), 1, clock);
    cloud.advanceToNow(3602.5);
    cloud.launchNow({ type: 'gpu', market: 'on-demand', jobTag: 'r', token: 'late' });
    // (A scaled run's launch can land just past the horizon its bill is asked up to.)
    expect(cloud.ledgerCostNow(3600)).toEqual({ spotUsd: 0, onDemandUsd: 0, byToken: { late: 0 } });
    expect(cloud.ledgerCostNow(3602.5 + 3600).onDemandUsd).toBeCloseTo(3, 9);
  });

  it('refuses an unknown type as permanent, naming the types it has', () => {
    const cloud = new EmulatedCloud(scenario(undefined), 1, new VirtualClock());
    expect(() => cloud.launchNow({ type: 'tpu', market: 'spot', jobTag: 'r', token: 'x' })).toThrow(
      new PermanentCloudError('unknown instance type "tpu"; this cloud has gpu'),
    );
  });

  it('a notice comes as an interruption warning; termination after the grace period; billed', () => {
    const clock = new VirtualClock();
    const cloud = new EmulatedCloud(scenario({ kind: 'poisson', ratePerHour: 2 }), 7, clock);
    const inst = cloud.launchNow({ type: 'gpu', market: 'spot', jobTag: 'r', token: 'x' });
    for (let t = cloud.nextEventAtNow(); t !== undefined; t = cloud.nextEventAtNow()) {
      cloud.advanceToNow(t);
    }
    const events = cloud.eventsAfterNow(0).map((e) => e.event);
    const warning = events.find((e) => e.kind === 'interruption-warning');
    expect(warning).toBeDefined();
    const w = warning as Extract<typeof warning, { kind: 'interruption-warning' }>;
    expect(w.terminateAt).toBe(w.at + 120);
    expect(events.at(-1)).toEqual({
      kind: 'state',
      instanceId: inst.id,
      state: 'terminated',
      at: w.terminateAt,
    });
    const [entry] = cloud.ledger();
    // $1/hour over its billed time: launch to termination, rounded up to whole seconds.
    expect(cloud.billedUsd(entry as NonNullable<typeof entry>, 36_000)).toBeCloseTo(
      Math.ceil(w.terminateAt) / 3600,
      12,
    );
    expect(cloud.describeNow().map((c) => c.state)).toEqual(['terminated']);
  });

  it('refuses spot with a typed capacity error while the trace has no capacity', () => {
    const clock = new VirtualClock();
    // No capacity for the first two 600 s ticks, then one instance, for 10 hours.
    const capacity = Int32Array.from({ length: 62 }, (_, k) => (k < 2 ? 0 : 1));
    const trace = { gapSeconds: 600, capacity };
    const cloud = new EmulatedCloud(scenario({ kind: 'trace', trace }), 1, clock);
    let error: unknown;
    try {
      cloud.launchNow({ type: 'gpu', market: 'spot', jobTag: 'r', token: 'x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CapacityError);
    expect((error as CapacityError).availableAt).toBe(1200);
    expect(cloud.marketsNow().get('gpu')).toEqual({ spotPerHour: 1, spotAvailableAt: 1200 });
    // On-demand is never refused.
    expect(
      cloud.launchNow({ type: 'gpu', market: 'on-demand', jobTag: 'r', token: 'y' }).market,
    ).toBe('on-demand');
  });
});
