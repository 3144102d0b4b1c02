import fc from 'fast-check';
import munkres from 'munkres';
import { describe, expect, it } from 'vitest';
import {
  type AssignmentResult,
  type CostMatrix,
  firstFitAssignment,
  greedyAssignment,
  InvalidCostError,
  solveAssignment,
} from '../../src/index.js';
import { bruteForceAssignment } from '../fixtures/brute-force-assignment.js';
import { assertProperty } from '../fixtures/property.js';

const INF = Number.POSITIVE_INFINITY;

/** Checks that `result` is a partial matching that uses allowed pairs only. */
function expectValidMatching(costs: readonly (readonly number[])[], result: AssignmentResult) {
  const rows = costs.length;
  const cols = rows === 0 ? 0 : (costs[0] as readonly number[]).length;
  expect(result.rowToCol.length).toBe(rows);
  expect(result.colToRow.length).toBe(cols);
  let assigned = 0;
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const j = result.rowToCol[i] as number;
    if (j === -1) continue;
    expect(j).toBeGreaterThanOrEqual(0);
    expect(j).toBeLessThan(cols);
    expect(result.colToRow[j]).toBe(i);
    const c = (costs[i] as readonly number[])[j] as number;
    expect(Number.isFinite(c)).toBe(true);
    total += c;
    assigned++;
  }
  for (let j = 0; j < cols; j++) {
    const i = result.colToRow[j] as number;
    if (i !== -1) expect(result.rowToCol[i]).toBe(j);
  }
  expect(result.assigned).toBe(assigned);
  expect(result.totalCost).toBeCloseTo(total, 9);
}

interface Fixture {
  name: string;
  source: string;
  costs: number[][];
  assigned: number;
  totalCost: number;
  firstFitCost?: number;
  greedyCost?: number;
}

const fixtures: Fixture[] = [
  {
    name: '3x3 classic',
    // Issue 2 quotes "first-fit 14"; 14 is what greedy (and row-by-row cheapest) gets. First fit
    // as model.md defines it (first feasible column in id order) takes the diagonal: 26.
    source: 'issue 2 (Synkti prototype example): optimum 12; greedy 14; first-fit 26',
    costs: [
      [10, 2, 8],
      [3, 7, 4],
      [6, 5, 9],
    ],
    assigned: 3,
    totalCost: 12,
    firstFitCost: 26,
    greedyCost: 14,
  },
  {
    name: 'r1/r2 compete for one column',
    source: 'issue 2: the cheaper row wins the only column',
    costs: [[10], [1]],
    assigned: 1,
    totalCost: 1,
  },
  {
    name: 'constant 4x4',
    source: 'scipy test_linear_sum_assignment: constant matrices',
    costs: Array.from({ length: 4 }, () => [7, 7, 7, 7]),
    assigned: 4,
    totalCost: 28,
  },
  {
    name: 'wide 2x4',
    source: 'scipy test_linear_sum_assignment: rectangular (wide)',
    costs: [
      [4, 1, 3, 9],
      [2, 0, 5, 9],
    ],
    assigned: 2,
    totalCost: 3,
  },
  {
    name: 'tall 4x2',
    source: 'scipy test_linear_sum_assignment: rectangular (tall)',
    costs: [
      [4, 2],
      [1, 0],
      [3, 5],
      [9, 9],
    ],
    assigned: 2,
    totalCost: 3,
  },
  {
    name: 'row entirely forbidden',
    source: 'scipy: infeasible row; here the row is left unassigned',
    costs: [
      [INF, INF, INF],
      [1, 2, 3],
      [4, 1, 6],
    ],
    assigned: 2,
    totalCost: 2,
  },
  {
    name: 'column entirely forbidden',
    source: 'scipy: infeasible column',
    costs: [
      [1, INF, 5],
      [2, INF, 1],
      [3, INF, 2],
    ],
    assigned: 2,
    totalCost: 2,
  },
  {
    name: 'all forbidden',
    source: 'edge case',
    costs: [
      [INF, INF],
      [INF, INF],
    ],
    assigned: 0,
    totalCost: 0,
  },
  {
    name: 'cardinality beats cost',
    source: 'Synkti semantics: more rows placed wins even at higher cost',
    costs: [
      [1, 100],
      [INF, 100],
    ],
    assigned: 2,
    totalCost: 101,
  },
  {
    name: 'negative costs',
    source: 'scipy test: negative entries',
    costs: [
      [-1, -5],
      [-3, -2],
    ],
    assigned: 2,
    totalCost: -8,
  },
  {
    name: 'tiny next to huge',
    source: 'issue 2: 1e-12 next to 1e12',
    costs: [
      [1e-12, 1e12],
      [1e12, 2e-12],
    ],
    assigned: 2,
    totalCost: 3e-12,
  },
];

describe('solveAssignment fixtures', () => {
  for (const f of fixtures) {
    it(`${f.name} (${f.source})`, () => {
      const result = solveAssignment(f.costs);
      expectValidMatching(f.costs, result);
      expect(result.assigned).toBe(f.assigned);
      expect(result.totalCost).toBe(f.totalCost);
      if (f.firstFitCost !== undefined) {
        expect(firstFitAssignment(f.costs).totalCost).toBe(f.firstFitCost);
      }
      if (f.greedyCost !== undefined) {
        expect(greedyAssignment(f.costs).totalCost).toBe(f.greedyCost);
      }
    });
  }

  it('r1/r2: r2 gets c1 and r1 is unassigned', () => {
    const result = solveAssignment([[10], [1]]);
    expect(Array.from(result.rowToCol)).toEqual([-1, 0]);
    expect(Array.from(result.colToRow)).toEqual([1]);
  });

  it('tiny next to huge keeps the tiny diagonal even with a forbidden pair', () => {
    const costs = [
      [1e-12, 1e12, INF],
      [1e12, 2e-12, INF],
      [INF, INF, INF],
    ];
    const result = solveAssignment(costs);
    expect(Array.from(result.rowToCol)).toEqual([0, 1, -1]);
    expect(result.totalCost).toBe(3e-12);
  });
});

describe('solveAssignment empty shapes', () => {
  for (const [rows, cols] of [
    [0, 0],
    [0, 5],
    [5, 0],
  ] as const) {
    it(`${rows}x${cols}`, () => {
      const flat = { rows, cols, data: new Float64Array(0) };
      for (const costs of [flat, Array.from({ length: rows }, () => [] as number[])]) {
        if (rows === 0 && Array.isArray(costs) && cols > 0) continue;
        const result = solveAssignment(costs);
        expect(result.assigned).toBe(0);
        expect(result.totalCost).toBe(0);
        expect(result.rowToCol.length).toBe(rows);
        expect(Array.from(result.rowToCol).every((j) => j === -1)).toBe(true);
      }
      expect(solveAssignment(flat).colToRow.length).toBe(cols);
    });
  }
});

describe('solveAssignment input errors', () => {
  it('NaN throws InvalidCostError naming row and column', () => {
    const call = () =>
      solveAssignment([
        [1, 2],
        [3, Number.NaN],
      ]);
    expect(call).toThrow(InvalidCostError);
    expect(call).toThrow(/row 1, column 1: NaN/);
  });

  it('-Infinity throws when minimising', () => {
    expect(() => solveAssignment([[Number.NEGATIVE_INFINITY]])).toThrow(/row 0, column 0/);
  });

  it('+Infinity throws when maximising, -Infinity is forbidden then', () => {
    expect(() => solveAssignment([[INF]], { maximize: true })).toThrow(InvalidCostError);
    const r = solveAssignment([[Number.NEGATIVE_INFINITY, 1]], { maximize: true });
    expect(Array.from(r.rowToCol)).toEqual([1]);
  });

  it('ragged rows and mis-sized flat data throw RangeError', () => {
    expect(() => solveAssignment([[1, 2], [3]])).toThrow(/row 1 has 1 entries, expected 2/);
    expect(() => solveAssignment({ rows: 2, cols: 2, data: new Float64Array(3) })).toThrow(
      RangeError,
    );
  });

  it('flat and nested forms agree', () => {
    const nested = [
      [10, 2, 8],
      [3, 7, 4],
    ];
    const flat = { rows: 2, cols: 3, data: Float64Array.from(nested.flat()) };
    expect(solveAssignment(flat)).toEqual(solveAssignment(nested));
  });
});

/** Small matrices of small integers (exact sums) with ~25% forbidden entries. */
const smallMatrix = (forbidden: number) =>
  fc
    .record({ rows: fc.integer({ min: 0, max: 7 }), cols: fc.integer({ min: 0, max: 7 }) })
    .chain(({ rows, cols }) =>
      fc.array(
        fc.array(
          fc.oneof(
            { weight: forbidden, arbitrary: fc.constant(forbiddenValue) },
            { weight: 100 - forbidden, arbitrary: fc.integer({ min: -50, max: 100 }) },
          ),
          { minLength: cols, maxLength: cols },
        ),
        { minLength: rows, maxLength: rows },
      ),
    );
const forbiddenValue = INF;

const lexicographicallyNoWorse = (a: AssignmentResult, b: AssignmentResult) =>
  a.assigned > b.assigned || (a.assigned === b.assigned && a.totalCost <= b.totalCost + 1e-9);

describe('solveAssignment properties', () => {
  it('equals brute force (assigned count and cost) for n, m <= 7', () => {
    assertProperty(
      fc.property(smallMatrix(25), (costs) => {
        const result = solveAssignment(costs);
        const expected = bruteForceAssignment(costs);
        expect(result.assigned).toBe(expected.assigned);
        expect(result.totalCost).toBe(expected.totalCost);
      }),
      400,
    );
  });

  it('equals brute force on real-valued costs spanning many magnitudes', () => {
    const entry = fc.oneof(
      { weight: 1, arbitrary: fc.constant(INF) },
      { weight: 4, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
    );
    assertProperty(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) =>
          fc.array(fc.array(entry, { minLength: n, maxLength: n }), {
            minLength: 1,
            maxLength: 7,
          }),
        ),
        (costs) => {
          const result = solveAssignment(costs);
          const expected = bruteForceAssignment(costs);
          expect(result.assigned).toBe(expected.assigned);
          const scale = Math.max(1, Math.abs(expected.totalCost));
          expect(Math.abs(result.totalCost - expected.totalCost)).toBeLessThan(1e-9 * scale);
        },
      ),
      300,
    );
  });

  it('returns a valid partial matching on allowed pairs only', () => {
    assertProperty(
      fc.property(smallMatrix(40), (costs) => {
        expectValidMatching(costs, solveAssignment(costs));
        expectValidMatching(costs, firstFitAssignment(costs));
        expectValidMatching(costs, greedyAssignment(costs));
      }),
    );
  });

  it('is never worse than first-fit or greedy in (assigned, cost) order', () => {
    assertProperty(
      fc.property(smallMatrix(30), (costs) => {
        const optimal = solveAssignment(costs);
        expect(lexicographicallyNoWorse(optimal, firstFitAssignment(costs))).toBe(true);
        expect(lexicographicallyNoWorse(optimal, greedyAssignment(costs))).toBe(true);
      }),
    );
  });

  it('maximize equals minimizing the negated matrix', () => {
    assertProperty(
      fc.property(smallMatrix(20), (costs) => {
        const asMax: CostMatrix = costs.map((row) => row.map((c) => (c === INF ? -INF : c)));
        const negated = costs.map((row) => row.map((c) => (c === INF ? INF : -c)));
        const max = solveAssignment(asMax, { maximize: true });
        const min = solveAssignment(negated);
        expect(max.assigned).toBe(min.assigned);
        expect(max.totalCost).toBe(min.totalCost === 0 ? 0 : -min.totalCost);
      }),
    );
  });

  it('agrees with the munkres package on larger tie-heavy matrices (costs 0..4)', () => {
    // Few distinct costs make many equal distances, which exercises the tie handling of the
    // scan (departures 3, 5 and 6) at sizes brute force cannot reach.
    const shape = fc.record({
      rows: fc.integer({ min: 1, max: 60 }),
      cols: fc.integer({ min: 1, max: 60 }),
    });
    assertProperty(
      fc.property(
        shape.chain(({ rows, cols }) =>
          fc.array(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: cols, maxLength: cols }), {
            minLength: rows,
            maxLength: rows,
          }),
        ),
        (costs) => {
          const result = solveAssignment(costs);
          expectValidMatching(costs, result);
          const pairs = munkres(costs.map((row) => [...row])) as [number, number][];
          const reference = pairs.reduce((sum, [i, j]) => sum + (costs[i] as number[])[j]!, 0);
          expect(result.assigned).toBe(Math.min(costs.length, (costs[0] as number[]).length));
          expect(result.totalCost).toBe(reference);
        },
      ),
      150,
    );
  });

  it('is invariant to transposition', () => {
    assertProperty(
      fc.property(smallMatrix(25), (costs) => {
        const rows = costs.length;
        const cols = rows === 0 ? 0 : (costs[0] as number[]).length;
        const t = Array.from({ length: cols }, (_, j) =>
          Array.from({ length: rows }, (_, i) => (costs[i] as number[])[j] as number),
        );
        if (rows === 0 || cols === 0) return;
        const a = solveAssignment(costs);
        const b = solveAssignment(t);
        expect(b.assigned).toBe(a.assigned);
        expect(b.totalCost).toBe(a.totalCost);
      }),
    );
  });
});
