import { describe, expect, it } from 'vitest';
import { createRng, OuPriceProcess, ouPricePath } from '../../src/index.js';

const SEED = 7;
const unclamped = {
  meanPerHour: 0.3,
  theta: 0.5,
  sigma: 0.2,
  floorPerHour: Number.NEGATIVE_INFINITY,
  capPerHour: Number.POSITIVE_INFINITY,
};

function moments(path: Float64Array, burnIn: number) {
  const xs = path.subarray(burnIn);
  const n = xs.length;
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= n;
  let v = 0;
  let c = 0;
  for (let k = 0; k < n; k++) {
    const d = (xs[k] as number) - mean;
    v += d * d;
    if (k > 0) c += d * ((xs[k - 1] as number) - mean);
  }
  return { n, mean, variance: v / n, lag1: c / v };
}

describe(`ouPricePath (seed ${SEED})`, () => {
  it('has the stationary mean μ, variance σ²/(2θ) and lag-1 autocorrelation e^(−θΔ)', () => {
    const step = 300;
    const path = ouPricePath(unclamped, step, 200_000, createRng(SEED, 'ou'));
    const { n, mean, variance, lag1 } = moments(path, 1000);
    const phi = Math.exp(-unclamped.theta * (step / 3600));
    const s2 = unclamped.sigma ** 2 / (2 * unclamped.theta);
    // Standard errors for an AR(1) sample with autocorrelation phi; tolerance 5 SE each.
    const seMean = Math.sqrt((s2 / n) * ((1 + phi) / (1 - phi)));
    const seVar = s2 * Math.sqrt((2 / n) * ((1 + phi * phi) / (1 - phi * phi)));
    const seLag = Math.sqrt((1 - phi * phi) / n);
    expect(Math.abs(mean - unclamped.meanPerHour)).toBeLessThan(5 * seMean);
    expect(Math.abs(variance - s2)).toBeLessThan(5 * seVar);
    expect(Math.abs(lag1 - phi)).toBeLessThan(5 * seLag);
  });

  it('is exact for long steps, where Euler would diverge', () => {
    const step = 10 * 3600; // θΔ = 5: Euler's factor 1 − θΔ = −4 would explode
    const path = ouPricePath(unclamped, step, 50_000, createRng(SEED, 'ou-long'));
    const { n, mean, variance } = moments(path, 10);
    const s2 = unclamped.sigma ** 2 / (2 * unclamped.theta);
    expect(Math.abs(mean - 0.3)).toBeLessThan(5 * Math.sqrt(s2 / n) * 1.1);
    expect(Math.abs(variance - s2)).toBeLessThan(5 * s2 * Math.sqrt(2 / n) * 1.1);
  });

  it('clamps the reported price, not the latent state', () => {
    const cap = 0.35;
    const floor = 0.25;
    const free = ouPricePath(unclamped, 300, 5000, createRng(SEED, 'clamp'));
    const clamped = ouPricePath(
      { ...unclamped, floorPerHour: floor, capPerHour: cap },
      300,
      5000,
      createRng(SEED, 'clamp'),
    );
    let hits = 0;
    for (let k = 0; k < free.length; k++) {
      const x = free[k] as number;
      expect(clamped[k]).toBe(Math.min(cap, Math.max(floor, x)));
      if (x > cap || x < floor) hits++;
    }
    expect(hits).toBeGreaterThan(100); // the clamp was exercised
  });

  it('starts at initialPerHour and rejects bad parameters naming the field', () => {
    const p = ouPricePath({ ...unclamped, initialPerHour: 0.9 }, 60, 3, createRng(SEED, 'x'));
    expect(p[0]).toBe(0.9);
    expect(() => ouPricePath({ ...unclamped, theta: 0 }, 60, 3, createRng(1, 'x'))).toThrow(
      /theta: expected a finite rate > 0 per hour, got 0/,
    );
    expect(() => ouPricePath(unclamped, -1, 3, createRng(1, 'x'))).toThrow(/stepSeconds/);
    expect(() =>
      ouPricePath({ ...unclamped, floorPerHour: 2, capPerHour: 1 }, 60, 3, createRng(1, 'x')),
    ).toThrow(/floorPerHour/);
  });
});

describe('OuPriceProcess', () => {
  it('replays ouPricePath lazily and is piecewise constant between steps', () => {
    const params = { meanPerHour: 0.3, theta: 0.5, sigma: 0.2, floorPerHour: 0.1, capPerHour: 1 };
    const path = ouPricePath(params, 360, 100, createRng(SEED, 'p'));
    const process = new OuPriceProcess(params, 360, createRng(SEED, 'p'));
    expect(process.priceAt(99 * 360 + 1)).toBe(path[99]); // generates ahead on demand
    for (let k = 0; k < 100; k++) {
      expect(process.priceAt(k * 360)).toBe(path[k]);
      expect(process.priceAt(k * 360 + 359.9)).toBe(path[k]);
    }
    expect(process.nextChangeAfter(0)).toBe(360);
    expect(process.nextChangeAfter(360)).toBe(720);
    expect(() => process.priceAt(-1)).toThrow(/got -1/);
  });
});
