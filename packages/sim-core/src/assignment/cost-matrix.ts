/**
 * The cost-matrix type shared by the optimal solver and the two baselines, and its validation.
 *
 * A matrix is either an array of equal-length rows or a flat row-major `Float64Array` with its
 * shape. Validation happens once, before any solver work, so a bad entry is reported with its
 * row and column instead of surfacing as a wrong assignment.
 */

import { scratchMatrix } from './working-storage.js';

/** A dense cost matrix in row-major order: `data[row * cols + col]`. */
export interface FlatCostMatrix {
  /** Number of rows (≥ 0). */
  readonly rows: number;
  /** Number of columns (≥ 0). */
  readonly cols: number;
  /** `rows * cols` entries, row-major. */
  readonly data: Float64Array;
}

/**
 * A cost matrix: an array of rows (all of one length) or a {@link FlatCostMatrix}.
 * `+Infinity` marks a forbidden pair when minimising (`-Infinity` when maximising).
 */
export type CostMatrix = readonly (readonly number[])[] | FlatCostMatrix;

/** Options shared by every solver on a {@link CostMatrix}. */
export interface AssignmentOptions {
  /**
   * Maximise the total instead of minimising it. Then `-Infinity` marks a forbidden pair and
   * `+Infinity` is invalid. Default `false`.
   */
  readonly maximize?: boolean;
}

/** The result of an assignment solver. */
export interface AssignmentResult {
  /** For each row, the column it is assigned to, or -1 where the row is left unassigned. */
  readonly rowToCol: Int32Array;
  /** For each column, the row assigned to it, or -1 where the column is unused. */
  readonly colToRow: Int32Array;
  /** Sum of the original cost entries over the assigned pairs (0 when nothing is assigned). */
  readonly totalCost: number;
  /** Number of assigned rows. */
  readonly assigned: number;
}

/** Thrown when a cost entry is NaN, or infinite with the sign that does not mean "forbidden". */
export class InvalidCostError extends Error {
  /** Row index of the bad entry. */
  readonly row: number;
  /** Column index of the bad entry. */
  readonly col: number;
  /** The bad value itself. */
  readonly value: number;

  constructor(row: number, col: number, value: number, maximize: boolean) {
    const forbidden = maximize ? '-Infinity' : '+Infinity';
    super(
      `invalid cost at row ${row}, column ${col}: ${String(value)}; ` +
        `costs must be finite numbers, or ${forbidden} to forbid a pair` +
        (maximize ? ' (maximize: true)' : ''),
    );
    this.name = 'InvalidCostError';
    this.row = row;
    this.col = col;
    this.value = value;
  }
}

/**
 * A validated matrix in minimisation form: `data` holds costs to minimise and `+Infinity` for
 * forbidden pairs, with the minimum of each of its rows.
 */
export interface MinimizationMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major costs to minimise; `+Infinity` = forbidden. Working storage, valid until the next call. */
  readonly data: Float64Array;
  /**
   * The minimum of each row of `data` (`+Infinity` for a row with no allowed entry), found
   * while copying: the solver's row reduction needs it, and the copy reads every entry anyway.
   * Working storage, valid until the next call.
   */
  readonly rowMinima: Float64Array;
}

/**
 * Validates `costs` and returns a row-major copy in minimisation form (negated when
 * `maximize`), with forbidden pairs as `+Infinity`, and its row minima; with `transpose`, the
 * copy is of the transposed matrix (`rows`/`cols` then describe the copy). One pass,
 * O(rows·cols).
 *
 * @throws RangeError when rows have different lengths or the flat shape does not match `data`.
 * @throws InvalidCostError on NaN, or on an infinity of the sign that is not "forbidden".
 */
export function toMinimizationMatrix(
  costs: CostMatrix,
  options: AssignmentOptions = {},
  transpose = false,
): MinimizationMatrix {
  const maximize = options.maximize === true;
  const { rows, cols } = shapeOf(costs);
  // One piece of working storage holds the copy and, after it, the row minima.
  const storage = scratchMatrix(rows * cols + (transpose ? cols : rows));
  const data = storage.subarray(0, rows * cols);
  const rowMinima = storage.subarray(rows * cols).fill(Number.POSITIVE_INFINITY);
  const sign = maximize ? -1 : 1;
  const copy = transpose ? copyRowTransposed : copyRow;
  if (Array.isArray(costs)) {
    const grid = costs as readonly (readonly number[])[];
    for (let i = 0; i < rows; i++) {
      copy(grid[i] as readonly number[], 0, cols, i, sign, data, rowMinima);
    }
  } else {
    // Rows are read in place (a view per row would be an allocation per row).
    const flat = (costs as FlatCostMatrix).data;
    for (let i = 0; i < rows; i++) copy(flat, i * cols, cols, i, sign, data, rowMinima);
  }
  return transpose ? { rows: cols, cols: rows, data, rowMinima } : { rows, cols, data, rowMinima };
}

/**
 * Copies row `i` (entries `from .. from + cols - 1` of `source`) into row `i` of `data`,
 * multiplied by `sign`, and stores its minimum in `minima[i]`.
 */
function copyRow(
  source: ArrayLike<number>,
  from: number,
  cols: number,
  i: number,
  sign: number,
  data: Float64Array,
  minima: Float64Array,
): void {
  const base = i * cols;
  let lowest = Number.POSITIVE_INFINITY;
  for (let j = 0; j < cols; j++) {
    const s = minimizationEntry(source, from, cols, i, j, sign);
    data[base + j] = s;
    if (s < lowest) lowest = s;
  }
  minima[i] = lowest;
}

/**
 * As {@link copyRow}, but into column `i` of `data` (the transposed copy); `minima[j]` keeps
 * the minimum of column `j` of the input, which is row `j` of the copy.
 */
function copyRowTransposed(
  source: ArrayLike<number>,
  from: number,
  cols: number,
  i: number,
  sign: number,
  data: Float64Array,
  minima: Float64Array,
): void {
  const rows = data.length / cols;
  for (let j = 0, out = i; j < cols; j++, out += rows) {
    const s = minimizationEntry(source, from, cols, i, j, sign);
    data[out] = s;
    if (s < (minima[j] as number)) minima[j] = s;
  }
}

/**
 * Entry `j` of row `i` (at `from` in `source`) times `sign`. Hot for large matrices: one test
 * per entry, which fails for a non-number, for NaN and for the infinity that is not "forbidden"
 * (after the sign flip it is -Infinity); the slow path then finds the first bad entry and throws.
 */
function minimizationEntry(
  source: ArrayLike<number>,
  from: number,
  cols: number,
  i: number,
  j: number,
  sign: number,
): number {
  const c = source[from + j] as number;
  const s = sign * c;
  if (typeof c !== 'number' || !(s > Number.NEGATIVE_INFINITY)) {
    throw invalidEntry(source, from, cols, i, sign < 0);
  }
  return s;
}

/** The error for the first entry of row `i` (at `from` in `source`) that is not valid. */
function invalidEntry(
  source: ArrayLike<number>,
  from: number,
  cols: number,
  i: number,
  maximize: boolean,
): InvalidCostError {
  const invalid = maximize ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  let j = 0;
  while (j < cols - 1) {
    const c = source[from + j] as number;
    if (typeof c !== 'number' || Number.isNaN(c) || c === invalid) break;
    j++;
  }
  return new InvalidCostError(i, j, source[from + j] as number, maximize);
}

/** Thrown when the `costs` argument is not a cost matrix at all; names the argument. */
export class CostMatrixTypeError extends TypeError {
  constructor(what: string, found: unknown) {
    super(
      `costs${what}: expected ${what === '' ? 'an array of rows or {rows, cols, data}' : 'a row (an array of numbers)'}, got ${
        found === null
          ? 'null'
          : Array.isArray(found)
            ? 'an array'
            : typeof found === 'object'
              ? 'an object'
              : String(found)
      }`,
    );
    this.name = 'CostMatrixTypeError';
  }
}

/** Rows and columns of either matrix form, after checking the shape. */
export function shapeOf(costs: CostMatrix): { rows: number; cols: number } {
  if (costs === null || typeof costs !== 'object') throw new CostMatrixTypeError('', costs);
  if (Array.isArray(costs)) {
    const grid = costs as readonly (readonly number[])[];
    const rows = grid.length;
    grid.forEach((row, i) => {
      if (!Array.isArray(row)) throw new CostMatrixTypeError(`[${i}]`, row);
    });
    const cols = rows === 0 ? 0 : (grid[0]?.length ?? 0);
    grid.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== cols) {
        throw new RangeError(
          `cost matrix row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries, ` +
            `expected ${cols} like row 0; every row must have the same length`,
        );
      }
    });
    return { rows, cols };
  }
  const flat = costs as FlatCostMatrix;
  const { rows, cols, data } = flat;
  if (!(data instanceof Float64Array)) throw new CostMatrixTypeError('', costs);
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new RangeError(
      `cost matrix shape must be non-negative integers, got rows=${rows}, cols=${cols}`,
    );
  }
  if (data.length !== rows * cols) {
    throw new RangeError(
      `cost matrix data has ${data.length} entries, expected rows*cols = ${rows}*${cols} = ${rows * cols}`,
    );
  }
  return { rows, cols };
}

/**
 * Builds the result object from a row→column map over the caller's (untransposed) matrix and
 * sums the caller's original entries over assigned pairs, in row order.
 */
export function resultFromRowToCol(
  costs: CostMatrix,
  rowToCol: Int32Array,
  cols: number,
): AssignmentResult {
  const read = Array.isArray(costs)
    ? (i: number, j: number) =>
        ((costs as readonly (readonly number[])[])[i] as number[])[j] as number
    : (i: number, j: number) => (costs as FlatCostMatrix).data[i * cols + j] as number;
  const colToRow = new Int32Array(cols).fill(-1);
  let totalCost = 0;
  let assigned = 0;
  for (let i = 0; i < rowToCol.length; i++) {
    const j = rowToCol[i] as number;
    if (j < 0) continue;
    colToRow[j] = i;
    totalCost += read(i, j);
    assigned++;
  }
  return { rowToCol, colToRow, totalCost, assigned };
}
