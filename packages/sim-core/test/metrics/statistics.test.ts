import fc from 'fast-check';
import { mean as mathMean, std as mathStd } from 'mathjs';
import { describe, expect, it } from 'vitest';
import {
  estimate,
  mean,
  pairedDifference,
  quantile,
  quantiles,
  sampleStd,
} from '../../src/metrics/statistics.js';
import { assertProperty, PROPERTY_SEED } from '../fixtures/property.js';

describe('quantile (Hyndman and Fan type 7)', () => {
  it('interpolates between order statistics, as numpy does', () => {
    // numpy.quantile([3, 1, 4, 1, 5], q) for q = 0, 0.25, 0.5, 0.9, 1
    const v = [3, 1, 4, 1, 5];
    expect([0, 0.25, 0.5, 0.9, 1].map((q) => quantile(v, q))).toEqual([1, 1, 3, 4.6, 5]);
    // An even count's median is the midpoint of the middle two.
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([], 0.5)).toBeUndefined();
    expect(quantile([7], 0.99)).toBe(7);
  });

  it('gives several at once from one sort, each as alone', () => {
    const v = [3, 1, 4, 1, 5];
    expect(quantiles(v, [0, 0.25, 0.5, 0.9, 1])).toEqual([1, 1, 3, 4.6, 5]);
    expect(quantiles([], [0.5, 0.99])).toEqual([undefined, undefined]);
  });

  it('does not reorder its input', () => {
    const v = [3, 1, 2];
    quantile(v, 0.5);
    expect(v).toEqual([3, 1, 2]);
  });
});

describe(`mean and sampleStd equal mathjs bit for bit (fast-check seed ${PROPERTY_SEED})`, () => {
  it('on arbitrary finite samples', () => {
    assertProperty(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }),
        (values) => {
          expect(mean(values)).toBe(Number(mathMean(values)));
          expect(sampleStd(values)).toBe(Number(mathStd(values, 'unbiased')));
        },
      ),
    );
  });

  it('empty: undefined; one value: a standard deviation of 0', () => {
    expect(mean([])).toBeUndefined();
    expect(sampleStd([])).toBeUndefined();
    expect(sampleStd([5])).toBe(0);
  });
});

describe('the t interval and paired differences', () => {
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
    expect(pairedDifference(new Map(), new Map())).toEqual({
      n: 0,
      meanA: undefined,
      meanB: undefined,
      meanDiff: undefined,
      ciLow: undefined,
      ciHigh: undefined,
    });
  });
});
