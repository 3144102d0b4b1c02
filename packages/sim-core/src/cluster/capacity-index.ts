/**
 * First-fit queries over instances in launch order: "the first instance at or after position p
 * with at least m MB free". A max segment tree over launch positions (one per market) answers
 * in O(log N) and updates in O(log N), so a policy placing a task does not scan every instance
 * (which would make a run quadratic in the number of concurrent instances).
 */

/** Leaves the tree starts with: a small run's instances fit without regrowing it. */
const INITIAL_LEAVES = 64;

export class CapacityIndex {
  #size = INITIAL_LEAVES;
  #tree = new Float64Array(2 * INITIAL_LEAVES).fill(Number.NEGATIVE_INFINITY);

  /** Sets the free memory at launch position `pos` (−Infinity: not accepting tasks). */
  set(pos: number, freeMb: number): void {
    if (pos >= this.#size) this.#grow(pos + 1);
    let i = pos + this.#size;
    this.#tree[i] = freeMb;
    for (i >>= 1; i >= 1; i >>= 1) {
      const v = Math.max(this.#tree[2 * i] as number, this.#tree[2 * i + 1] as number);
      if (this.#tree[i] === v) break;
      this.#tree[i] = v;
    }
  }

  /** The first position ≥ `from` whose free memory is ≥ `minMb`, or -1. O(log N). */
  firstFit(minMb: number, from = 0): number {
    if (from >= this.#size) return -1;
    return this.#descend(1, 0, this.#size, minMb, from);
  }

  #descend(node: number, lo: number, hi: number, minMb: number, from: number): number {
    if (hi <= from || (this.#tree[node] as number) < minMb) return -1;
    if (hi - lo === 1) return lo;
    const mid = (lo + hi) >> 1;
    const left = this.#descend(2 * node, lo, mid, minMb, from);
    return left !== -1 ? left : this.#descend(2 * node + 1, mid, hi, minMb, from);
  }

  #grow(needed: number): void {
    let size = this.#size;
    while (size < needed) size *= 2;
    const tree = new Float64Array(2 * size).fill(Number.NEGATIVE_INFINITY);
    tree.set(this.#tree.subarray(this.#size, 2 * this.#size), size);
    for (let i = size - 1; i >= 1; i--) {
      tree[i] = Math.max(tree[2 * i] as number, tree[2 * i + 1] as number);
    }
    this.#size = size;
    this.#tree = tree;
  }
}
