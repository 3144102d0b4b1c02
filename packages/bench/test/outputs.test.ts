import { describe, expect, it } from 'vitest';
import { formatNumber } from '../src/outputs.js';
import { estimate, pairedDifference } from '../src/paired-stats.js';

describe('paired statistics', () => {
  it('gives the t interval (n = 4, t(0.975, 3) = 3.182)', () => {
    const e = estimate([1, 2, 3, 4]);
    expect(e.mean).toBe(2.5);
    // s = 1.29099, s/√n = 0.645497, × 3.182446 = 2.054260
    expect(e.halfWidth).toBeCloseTo(2.05426, 4);
  });

  it('pairs by seed and drops seeds where either side is undefined', () => {
    const a = new Map([
      ['1', 10],
      ['2', 12],
      ['3', undefined],
    ]);
    const b = new Map([
      ['1', 9],
      ['2', 10],
      ['3', 5],
    ]);
    const d = pairedDifference(a, b);
    expect(d.n).toBe(2);
    expect(d.meanDiff).toBe(1.5);
    // differences 1 and 2: s = 0.7071, t(0.975, 1) = 12.7062, half-width 12.7062 · s / √2 = 6.3531
    expect(d.ciLow).toBeCloseTo(1.5 - 6.3531, 3);
    expect(d.ciHigh).toBeCloseTo(1.5 + 6.3531, 3);
    expect([d.meanA, d.meanB]).toEqual([11, 9.5]);
  });

  it('one seed: a mean but no interval; none: nothing', () => {
    expect(estimate([3])).toEqual({ n: 1, mean: 3, halfWidth: undefined });
    expect(estimate([])).toEqual({ n: 0, mean: undefined, halfWidth: undefined });
  });
});

describe('formatNumber', () => {
  it('never prints NaN or Infinity: an empty cell instead', () => {
    expect(formatNumber(Number.NaN)).toBe('');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('');
    expect(formatNumber(undefined)).toBe('');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
  });
});
