/**
 * The cost-matrix type shared by the optimal solver and the two baselines, and its validation.
 *
 * A matrix is either an array of equal-length rows or a flat row-major `Float64Array` with its
 * shape. Validation happens once, before any solver work, so a bad entry is reported with its
 * row and column instead of surfacing as a wrong assignment.
 */

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
 * forbidden pairs; `original` reads an entry as the caller gave it.
 */
export interface MinimizationMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major costs to minimise; `+Infinity` = forbidden. A fresh copy owned by the solver. */
  readonly data: Float64Array;
}

/**
 * Validates `costs` and returns a fresh row-major copy in minimisation form (negated when
 * `maximize`), with forbidden pairs as `+Infinity`; with `transpose`, the copy is of the
 * transposed matrix (`rows`/`cols` then describe the copy). One pass, O(rows·cols).
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
  const data = new Float64Array(rows * cols);
  const invalid = maximize ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  const sign = maximize ? -1 : 1;
  // Hot for large matrices: one tight loop per input form, no branch per entry but the check.
  const flat = Array.isArray(costs) ? undefined : (costs as FlatCostMatrix).data;
  const grid = costs as readonly (readonly number[])[];
  for (let i = 0; i < rows; i++) {
    const row: ArrayLike<number> = flat
      ? flat.subarray(i * cols, (i + 1) * cols)
      : (grid[i] as readonly number[]);
    // Transposed copies write column-wise; plain copies write the row contiguously.
    let out = transpose ? i : i * cols;
    const stride = transpose ? rows : 1;
    for (let j = 0; j < cols; j++, out += stride) {
      const c = row[j] as number;
      // NaN fails both comparisons; a non-number (from untyped callers) fails too.
      if (
        !(c < Number.POSITIVE_INFINITY || c === Number.POSITIVE_INFINITY) ||
        c === invalid ||
        typeof c !== 'number'
      ) {
        throw new InvalidCostError(i, j, c, maximize);
      }
      data[out] = sign * c;
    }
  }
  return transpose ? { rows: cols, cols: rows, data } : { rows, cols, data };
}

/** Rows, columns and an entry reader for either matrix form, after checking the shape. */
export function shapeOf(costs: CostMatrix): {
  rows: number;
  cols: number;
  read: (row: number, col: number) => number;
} {
  if (Array.isArray(costs)) {
    const grid = costs as readonly (readonly number[])[];
    const rows = grid.length;
    const cols = rows === 0 ? 0 : (grid[0]?.length ?? 0);
    grid.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== cols) {
        throw new RangeError(
          `cost matrix row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries, ` +
            `expected ${cols} like row 0; every row must have the same length`,
        );
      }
    });
    return { rows, cols, read: (i, j) => (grid[i] as readonly number[])[j] as number };
  }
  const flat = costs as FlatCostMatrix;
  const { rows, cols, data } = flat;
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
  return { rows, cols, read: (i, j) => data[i * cols + j] as number };
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
