import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapacityIndex } from '../../src/cluster/capacity-index.js';
import { assertProperty } from '../fixtures/property.js';

describe('CapacityIndex', () => {
  it('finds the first position at or after `from` with enough free memory', () => {
    const index = new CapacityIndex();
    for (const [k, v] of [5, 1, 8, 3, 8].entries()) index.set(k, v);
    expect(index.firstFit(6)).toBe(2);
    expect(index.firstFit(6, 3)).toBe(4);
    expect(index.firstFit(9)).toBe(-1);
    index.set(2, Number.NEGATIVE_INFINITY);
    expect(index.firstFit(6)).toBe(4);
    expect(index.firstFit(0, 99)).toBe(-1);
  });

  it('agrees with a linear scan under random updates (grows as needed)', () => {
    assertProperty(
      fc.property(
        fc.array(fc.tuple(fc.nat(70), fc.integer({ min: -1, max: 30 }), fc.nat(30), fc.nat(80))),
        (ops) => {
          const index = new CapacityIndex();
          const values: number[] = [];
          for (const [pos, v, min, from] of ops) {
            const value = v < 0 ? Number.NEGATIVE_INFINITY : v;
            index.set(pos, value);
            while (values.length <= pos) values.push(Number.NEGATIVE_INFINITY);
            values[pos] = value;
            const expected = values.findIndex((x, k) => k >= from && x >= min);
            expect(index.firstFit(min, from)).toBe(expected);
          }
        },
      ),
    );
  });
});
