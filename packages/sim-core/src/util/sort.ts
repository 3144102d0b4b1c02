/**
 * Stable in-place sorting for the run's hot paths, which sort a few elements (an instance's
 * tasks, a notice's displaced tasks, the pending tasks of a decision) hundreds of thousands of
 * times per run. V8's `Array.prototype.sort` allocates its work storage on every call, whatever
 * the length: sorting a two-element array a million times took 193 ms and 844 young-generation
 * collections on this project's machine, insertion sort 31 ms and none. That garbage was a
 * large share of a long run's collection time.
 *
 * Both sorts are stable, so for a comparator that orders consistently they give the same order:
 * results do not depend on which one ran.
 */

/** Up to this many elements are sorted by insertion; longer arrays by the built-in sort. */
const INSERTION_MAX = 16;

/**
 * Sorts `items` in place by `compare` (negative: a before b), stably, like
 * `Array.prototype.sort`, and returns it.
 */
export function sortInPlace<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  const n = items.length;
  if (n > INSERTION_MAX) return items.sort(compare);
  for (let i = 1; i < n; i++) {
    const x = items[i] as T;
    let j = i - 1;
    // Strictly greater: equal elements keep their order (stability).
    while (j >= 0 && compare(items[j] as T, x) > 0) {
      items[j + 1] = items[j] as T;
      j--;
    }
    items[j + 1] = x;
  }
  return items;
}
