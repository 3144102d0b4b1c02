import { describe, expect, it } from 'vitest';
import { formatNumber } from '../../src/results/format.js';

describe('formatNumber', () => {
  it('never prints NaN or Infinity: an empty cell instead', () => {
    expect(formatNumber(Number.NaN)).toBe('');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('');
    expect(formatNumber(undefined)).toBe('');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
  });
});
