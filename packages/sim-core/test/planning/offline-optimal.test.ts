import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AvailabilityTrace, offlineOptimalCost, parseAvailabilityTrace } from '../../src/index.js';
import { assertProperty, PROPERTY_SEED } from '../fixtures/property.js';

const G = 100; // tick, seconds
const trace = (data: number[]) =>
  new AvailabilityTrace(
    parseAvailabilityTrace(JSON.stringify({ metadata: { gap_seconds: G }, data }), 't'),
  );
const tick = (perHour: number) => (perHour * G) / 3600;

/** Every schedule of idle / spot / on-demand per tick, by the DP's rules. */
function bruteForce(
  data: number[],
  work: number,
  deadline: number,
  ov: number,
): number | undefined {
  let best: number | undefined;
  const walk = (k: number, p: number, mode: 'idle' | 'spot' | 'od', left: number, cost: number) => {
    if (p >= work) {
      if (best === undefined || cost < best) best = cost;
      return;
    }
    if (k >= deadline) return;
    walk(k + 1, p, 'idle', 0, cost);
    for (const m of ['spot', 'od'] as const) {
      if (m === 'spot' && !data[k]) continue;
      const price = m === 'spot' ? tick(1) : tick(3);
      if (mode === m) {
        walk(k + 1, left > 0 ? p : p + 1, m, Math.max(0, left - 1), cost + price);
      } else if (ov === 0) {
        walk(k + 1, p + 1, m, 0, cost + price);
      } else {
        walk(k + 1, p, m, ov - 1, cost + price);
      }
    }
  };
  walk(0, 0, 'idle', 0, 0);
  return best;
}

const solve = (data: number[], work: number, deadline: number, ov: number) =>
  offlineOptimalCost({
    trace: trace([...data, ...Array(20).fill(0)]),
    workSeconds: work * G,
    deadlineSeconds: deadline * G,
    restartOverheadSeconds: ov * G,
    spotPerHour: 1,
    onDemandPerHour: 3,
  });

describe('offlineOptimalCost', () => {
  it('all spot when spot is always there, the first start paying its overhead tick', () => {
    expect(solve([1, 1, 1, 1, 1], 4, 5, 1).costUsd).toBeCloseTo(5 * tick(1), 12);
    expect(solve([1, 1, 1, 1, 1], 4, 4, 1).costUsd).toBeUndefined(); // 4 work + 1 overhead > 4
  });

  it('all on-demand when spot never is', () => {
    const r = solve([0, 0, 0, 0], 3, 4, 1);
    expect(r.costUsd).toBeCloseTo(4 * tick(3), 12);
    expect(r.onDemandTicks).toBe(4);
  });

  it('infeasible when the deadline is shorter than the work', () => {
    expect(solve([1, 1, 1], 4, 3, 0).costUsd).toBeUndefined();
  });

  it('pays the overhead on a restart: waits for spot, or buys on-demand when the deadline is near', () => {
    // Spot 2 ticks, gone 1, back. Work 3, overhead 1 tick:
    // [overhead], spot, idle, [overhead], spot, spot.
    expect(solve([1, 1, 0, 1, 1, 1], 3, 6, 1).costUsd).toBeCloseTo(5 * tick(1), 12);
    // Deadline 4: no time to wait; cheapest is on-demand for all 4 ticks (spot then on-demand
    // would pay a second overhead tick and miss).
    expect(solve([1, 1, 0, 1, 1, 1], 3, 4, 1).costUsd).toBeCloseTo(4 * tick(3), 12);
  });

  it(`equals exhaustive search on small cases (seed ${PROPERTY_SEED})`, () => {
    assertProperty(
      fc.property(
        fc.array(fc.constantFrom(0, 1), { minLength: 7, maxLength: 7 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 2 }),
        (data, work, deadline, ov) => {
          const expected = bruteForce(data, work, deadline, ov);
          const got = solve(data, work, deadline, ov).costUsd;
          if (expected === undefined) expect(got).toBeUndefined();
          else expect(got).toBeCloseTo(expected, 12);
        },
      ),
      300,
    );
  });
});
