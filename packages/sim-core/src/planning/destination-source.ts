/**
 * Destinations for a preemption response, read lazily. A notice in a large cluster has
 * thousands of accepting instances, but the planners can only use a few: with T displaced
 * tasks, each task's choice is among its T best destinations (planning/migration.ts,
 * `candidateDestinations`: by cost, ties by launch order). So for each task the instances it
 * fits in are read in launch order (the capacity index skips the others), until it has T at
 * the least cost any destination could give it — a running instance of the type with the best
 * bandwidth for it: a later instance costs no less and comes later, so it cannot enter that
 * task's T best, and the plans over the union read are exactly those over every instance.
 * Without that (a task fits nowhere, or a policy forbids it), all it fits in are read.
 *
 * This turns the cost of a notice from O(T · instances) into about O(T² log instances) for a
 * fleet whose instances mostly can take the task: the difference between a run whose time grows
 * with the square of its size and one that grows with its size.
 */

import type { Market } from '../policy.js';
import { sortInPlace } from '../util/sort.js';
import { type Destination, type DisplacedTask, transferSeconds } from './migration.js';

/**
 * The accepting instances a preemption response may move tasks to, as a capacity index finds
 * them: `find(market, minFree, from)` is the first accepting instance of `market` at launch
 * position ≥ `from` with at least `minFree` MB free.
 */
export interface DestinationSource {
  find(market: Market, minFreeMemoryMb: number, from: number): DestinationInstance | undefined;
  /** The time of the response, seconds (a booting instance's boot time left is from it). */
  readonly now: number;
  /** Bandwidth of every instance type a destination can have, MB/s. */
  readonly bandwidthsMBps: readonly number[];
}

/** An instance as a destination source finds it. */
export interface DestinationInstance {
  readonly id: string;
  readonly position: number;
  readonly freeMemoryMb: number;
  readonly readyAt: number;
  readonly type: { readonly networkMBps: number };
}

function asDestination(d: DestinationInstance, now: number): Destination {
  return {
    id: d.id,
    position: d.position,
    freeMemoryMb: d.freeMemoryMb,
    bandwidthMBps: d.type.networkMBps,
    bootSecondsLeft: Math.max(0, d.readyAt - now),
  };
}

/**
 * Reads `source` as far as any planner could use it for `tasks` (see the file comment): for
 * each task, the instances it fits in launch order across both markets, until it has as many at
 * its least cost as there are tasks. Returns their union in launch order.
 */
export function gatherDestinations(
  tasks: readonly DisplacedTask[],
  source: DestinationSource,
  allowed?: (task: DisplacedTask, dest: Destination) => boolean,
): Destination[] {
  const n = tasks.length;
  const read = new Map<number, Destination>();
  const at = (d: DestinationInstance): Destination => {
    let dest = read.get(d.position);
    if (dest === undefined) {
      dest = asDestination(d, source.now);
      read.set(d.position, dest);
    }
    return dest;
  };
  for (const t of tasks) {
    // Its least cost: a running destination of the best type for it.
    const least = Math.min(
      ...source.bandwidthsMBps.map((bw) =>
        transferSeconds(t, { id: '', freeMemoryMb: 0, bandwidthMBps: bw, bootSecondsLeft: 0 }),
      ),
    );
    let found = 0;
    let spot = source.find('spot', t.memoryMb, 0);
    let onDemand = source.find('on-demand', t.memoryMb, 0);
    while (found < n && (spot !== undefined || onDemand !== undefined)) {
      let d: DestinationInstance;
      if (spot !== undefined && (onDemand === undefined || spot.position < onDemand.position)) {
        d = spot;
        spot = source.find('spot', t.memoryMb, spot.position + 1);
      } else {
        d = onDemand as DestinationInstance;
        onDemand = source.find('on-demand', t.memoryMb, d.position + 1);
      }
      const dest = at(d);
      if (
        transferSeconds(t, dest) + dest.bootSecondsLeft === least &&
        (allowed === undefined || allowed(t, dest))
      ) {
        found++;
      }
    }
  }
  return sortInPlace([...read.values()], (a, b) => (a.position ?? 0) - (b.position ?? 0));
}
