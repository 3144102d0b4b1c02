import { describe, expect, it } from 'vitest';
import {
  billedSeconds,
  ConstantPrice,
  DEFAULT_BILLING,
  instanceCostUsd,
  StepPrice,
} from '../../src/index.js';

describe('billedSeconds', () => {
  it('bills per second with a one-minute minimum by default (AWS)', () => {
    expect(billedSeconds(0, DEFAULT_BILLING)).toBe(60);
    expect(billedSeconds(59.2, DEFAULT_BILLING)).toBe(60);
    expect(billedSeconds(60.2, DEFAULT_BILLING)).toBe(61);
    expect(billedSeconds(3600, DEFAULT_BILLING)).toBe(3600);
  });

  it('bills whole ticks, tolerating float sums that land a hair past a tick', () => {
    const ticks = { incrementSeconds: 195, minimumSeconds: 195 };
    expect(billedSeconds(1, ticks)).toBe(195);
    expect(billedSeconds(195 * 3, ticks)).toBe(585);
    expect(billedSeconds(195 * 3 + 1e-9, ticks)).toBe(585);
    expect(billedSeconds(195 * 3 + 0.01, ticks)).toBe(780);
  });
});

describe('instanceCostUsd', () => {
  const price = new ConstantPrice(3.6); // $0.001 per second

  it('an ended instance pays its billed time, a live one the time held so far', () => {
    const ticks = { incrementSeconds: 100, minimumSeconds: 100 };
    expect(instanceCostUsd(price, ticks, 50, 60, 60)).toBeCloseTo(0.1, 12);
    expect(instanceCostUsd(price, ticks, 50, 251, 300)).toBeCloseTo(0.3, 12);
    expect(instanceCostUsd(price, ticks, 50, undefined, 60)).toBeCloseTo(0.01, 12);
    // A live one launched at or after the time asked has cost nothing by then.
    expect(instanceCostUsd(price, ticks, 50, undefined, 40)).toBe(0);
    expect(instanceCostUsd(price, ticks, 50, undefined, 50)).toBe(0);
  });

  it('bills the increments at the price in force over them', () => {
    const step = new StepPrice(100, [3.6, 7.2]);
    const ticks = { incrementSeconds: 100, minimumSeconds: 0 };
    // Held 0–150 s: billed 0–200 s, half at each price.
    expect(instanceCostUsd(step, ticks, 0, 150, 150)).toBeCloseTo(0.1 + 0.2, 12);
  });
});
