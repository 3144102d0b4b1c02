/**
 * The two assignment baselines the simulator compares the optimal solver against. Both take the
 * same matrix type and options as {@link solveAssignment} and return the same result shape.
 */

import {
  type AssignmentOptions,
  type AssignmentResult,
  type CostMatrix,
  resultFromRowToCol,
  toMinimizationMatrix,
} from './cost-matrix.js';

/**
 * First fit (the prototype's naive planner): rows in index order, each to the first allowed
 * column, in index order, that no earlier row took. Costs are ignored except to tell allowed from
 * forbidden. O(n·m).
 *
 * @throws InvalidCostError / RangeError as {@link solveAssignment}.
 */
export function firstFitAssignment(
  costs: CostMatrix,
  options: AssignmentOptions = {},
): AssignmentResult {
  const { rows, cols, data } = toMinimizationMatrix(costs, options);
  const rowToCol = new Int32Array(rows).fill(-1);
  const taken = new Uint8Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (!taken[j] && data[i * cols + j] !== Number.POSITIVE_INFINITY) {
        rowToCol[i] = j;
        taken[j] = 1;
        break;
      }
    }
  }
  return resultFromRowToCol(costs, rowToCol, cols);
}

/**
 * Greedy: repeatedly take the globally cheapest allowed pair whose row and column are both free
 * (most valuable pair with `maximize`). Ties go to the lower row, then the lower column, so the
 * result is deterministic. O(n·m·log(n·m)).
 *
 * @throws InvalidCostError / RangeError as {@link solveAssignment}.
 */
export function greedyAssignment(
  costs: CostMatrix,
  options: AssignmentOptions = {},
): AssignmentResult {
  const { rows, cols, data } = toMinimizationMatrix(costs, options);
  const allowed: number[] = [];
  for (let k = 0; k < data.length; k++) {
    if (data[k] !== Number.POSITIVE_INFINITY) allowed.push(k);
  }
  // Row-major flat index order breaks cost ties by row, then column.
  allowed.sort((a, b) => (data[a] as number) - (data[b] as number) || a - b);
  const rowToCol = new Int32Array(rows).fill(-1);
  const taken = new Uint8Array(cols);
  let free = Math.min(rows, cols);
  for (const k of allowed) {
    if (free === 0) break;
    const i = Math.floor(k / cols);
    const j = k - i * cols;
    if (rowToCol[i] !== -1 || taken[j]) continue;
    rowToCol[i] = j;
    taken[j] = 1;
    free--;
  }
  return resultFromRowToCol(costs, rowToCol, cols);
}
