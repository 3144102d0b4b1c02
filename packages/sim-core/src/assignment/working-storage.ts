/**
 * Working storage for the solvers' copy of the cost matrix, reused from one solve to the next.
 *
 * A fresh matrix costs more than the copy itself: its backing store is allocated, zeroed and
 * faulted into memory on every solve (measured with a one-off timing script next to
 * `npm run bench:solver`: copying a 200×200 matrix took 0.2 ms fresh, 0.05 ms into reused
 * storage). Reuse is safe because every solver
 * here is synchronous, calls no user code, and keeps nothing from this storage after it
 * returns. (The solver's O(n) arrays are allocated per solve: reusing them measured no faster.)
 */

/**
 * Matrices up to this many entries (8 MB) are copied into one buffer reused by every call;
 * larger ones get their own, garbage once the solve returns, so that one huge solve does not
 * pin its memory for the life of the process.
 */
const SHARED_MATRIX_MAX_ENTRIES = 1 << 20;
let sharedMatrix = new Float64Array(0);

/** Storage for one solve's copy of the cost matrix: `entries` doubles, valid until the next call. */
export function scratchMatrix(entries: number): Float64Array {
  if (entries > SHARED_MATRIX_MAX_ENTRIES) return new Float64Array(entries);
  if (sharedMatrix.length < entries) {
    sharedMatrix = new Float64Array(Math.max(entries, sharedMatrix.length * 2));
  }
  return sharedMatrix.subarray(0, entries);
}
