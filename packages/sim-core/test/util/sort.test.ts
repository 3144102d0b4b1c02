import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortInPlace } from '../../src/util/sort.js';

const SEED = 20261130;

describe(`sortInPlace (fast-check seed ${SEED})`, () => {
  it('orders exactly as Array.prototype.sort, ties included (both are stable)', () => {
    // Few distinct keys, so most arrays have ties; lengths on both sides of the insertion cut.
    const items = fc.array(fc.record({ key: fc.integer({ min: 0, max: 4 }), tag: fc.integer() }), {
      maxLength: 40,
    });
    fc.assert(
      fc.property(items, (xs) => {
        const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
        const expected = [...xs].sort(byKey);
        const copy = [...xs];
        const sorted = sortInPlace(copy, byKey);
        expect(sorted).toBe(copy); // in place
        expect(sorted).toEqual(expected);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('sorts the empty array and one element', () => {
    expect(sortInPlace([], (a: number, b: number) => a - b)).toEqual([]);
    expect(sortInPlace([3], (a, b) => a - b)).toEqual([3]);
  });
});
