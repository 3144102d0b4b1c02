import { describe, expect, it } from 'vitest';
import {
  createRng,
  integrateCostUsd,
  noticeTimeline,
  PoissonPreemption,
  PriceSensitivePreemption,
  StepPrice,
} from '../../src/index.js';

const SEED = 11;

/** Notice times of a renewal sequence: each instance is replaced at its notice. */
function noticeTimes(
  process: { nextNoticeAt(from: number, until: number, rng: never, slot: number): number },
  untilSeconds: number,
  stream: string,
): number[] {
  const rng = createRng(SEED, stream) as never;
  const times: number[] = [];
  let t = 0;
  for (;;) {
    t = process.nextNoticeAt(t, untilSeconds, rng, 0);
    if (!Number.isFinite(t)) return times;
    times.push(t);
  }
}

describe(`preemption processes (seed ${SEED})`, () => {
  it('Poisson: the empirical rate matches the configured rate within 5 sigma', () => {
    const rate = 0.05;
    const hours = 200_000; // expected 10,000 notices
    const count = noticeTimes(new PoissonPreemption(rate), hours * 3600, 'poisson').length;
    const expected = rate * hours;
    expect(Math.abs(count - expected)).toBeLessThan(5 * Math.sqrt(expected));
  });

  it('thinning reproduces the rate under a known price path', () => {
    // μ = 1 $/h; hours [0, H): price 1 → factor 1; [H, 2H): price 3 → 1 + 0.5·2 = 2;
    // [2H, 3H): price 0 → 1 + 0.5·(−1) = 0.5.
    const H = 50_000;
    const price = new StepPrice(H * 3600, [1, 3, 0]);
    const process = new PriceSensitivePreemption(0.1, 0.5, price, 1);
    const times = noticeTimes(
      {
        nextNoticeAt: (from, until, rng) =>
          from >= 3 * H * 3600 ? Number.POSITIVE_INFINITY : process.nextNoticeAt(from, until, rng),
      },
      3 * H * 3600,
      'thinning',
    );
    const counts = [0, 1, 2].map((k) => times.filter((t) => Math.floor(t / (H * 3600)) === k));
    [1, 2, 0.5].forEach((factor, k) => {
      const expected = 0.1 * factor * H;
      expect(Math.abs((counts[k] as number[]).length - expected)).toBeLessThan(
        5 * Math.sqrt(expected),
      );
    });
    expect(process.ratePerHourAt(H * 3600)).toBe(0.2);
  });

  it('a price factor below zero is floored: no notices at all in that segment', () => {
    const price = new StepPrice(3600 * 1000, [0, 1]);
    const process = new PriceSensitivePreemption(1, 2, price, 1); // factor at 0: 1 − 2 = −1 → 0
    const times = noticeTimes(process as never, 3600 * 2000, 'floor');
    expect(times.length).toBeGreaterThan(0);
    expect(times.every((t) => t >= 3600 * 1000)).toBe(true);
  });

  it('needs a bounded price when sensitive to it', () => {
    const unbounded = {
      priceAt: () => 1,
      nextChangeAfter: () => Infinity,
      minPerHour: 0,
      maxPerHour: Infinity,
    };
    expect(() => new PriceSensitivePreemption(0.05, 1, unbounded, 1)).toThrow(/capPerHour/);
    expect(() => new PoissonPreemption(-1)).toThrow(/got -1/);
  });
});

describe('notices and cost integration', () => {
  it('a notice precedes termination by the grace period and is seen after the latency', () => {
    expect(noticeTimeline(100, { gracePeriodSeconds: 120 })).toEqual({
      noticeAt: 100,
      detectedAt: 101,
      terminateAt: 220,
    });
    expect(
      noticeTimeline(0, { gracePeriodSeconds: 30, detectionLatencySeconds: 5 }).detectedAt,
    ).toBe(5);
    expect(() =>
      noticeTimeline(0, { gracePeriodSeconds: 30, detectionLatencySeconds: 31 }),
    ).toThrow(/got 31/);
  });

  it('integrates a step price exactly', () => {
    const price = new StepPrice(1800, [1, 2, 4]); // $/h on [0,0.5h), [0.5h,1h), then 4 forever
    expect(integrateCostUsd(price, 0, 3600)).toBe(1.5);
    expect(integrateCostUsd(price, 900, 5400)).toBeCloseTo(0.25 + 1 + 2, 12);
    expect(() => integrateCostUsd(price, 10, 5)).toThrow(/\[10, 5\]/);
  });
});
