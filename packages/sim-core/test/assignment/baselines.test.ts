import { describe, expect, it } from 'vitest';
import { firstFitAssignment, greedyAssignment } from '../../src/index.js';

const INF = Number.POSITIVE_INFINITY;

describe('firstFitAssignment', () => {
  it('takes rows in order, each to the first free allowed column', () => {
    const r = firstFitAssignment([
      [10, 2, 8],
      [3, 7, 4],
      [6, 5, 9],
    ]);
    expect(Array.from(r.rowToCol)).toEqual([0, 1, 2]);
    expect(r.totalCost).toBe(26); // 10 + 7 + 9, versus the optimum 12
  });

  it('skips forbidden pairs and leaves a row without a free column unassigned', () => {
    const r = firstFitAssignment([
      [INF, 1],
      [INF, 1],
    ]);
    expect(Array.from(r.rowToCol)).toEqual([1, -1]);
    expect(r.assigned).toBe(1);
  });
});

describe('greedyAssignment', () => {
  it('takes the globally cheapest pair first', () => {
    const r = greedyAssignment([
      [10, 2, 8],
      [3, 7, 4],
      [6, 5, 9],
    ]);
    // 2 (r0,c1), then 3 (r1,c0), then r2 must take c2 at 9: 14 versus the optimum 12.
    expect(Array.from(r.rowToCol)).toEqual([1, 0, 2]);
    expect(r.totalCost).toBe(14);
  });

  it('breaks cost ties by row, then column', () => {
    const r = greedyAssignment([
      [1, 1],
      [1, 1],
    ]);
    expect(Array.from(r.rowToCol)).toEqual([0, 1]);
  });

  it('maximises with maximize: true', () => {
    const r = greedyAssignment(
      [
        [1, 9],
        [8, 2],
      ],
      { maximize: true },
    );
    expect(r.totalCost).toBe(17);
  });
});
