/**
 * Migration planners: match displaced tasks to destination instances.
 *
 * Edge cost = seconds the task makes no progress to move there: transfer time
 * stateMb / min(bw_src, bw_dst) (MB/s; from storage, the destination's bandwidth alone), plus
 * the boot time left for a booting destination; +Infinity where the task does not fit or the
 * policy forbids the move. A destination with room for k of the displaced tasks contributes k
 * columns (k = free memory / smallest displaced task, at most the number of tasks).
 *
 * All three planners solve that matrix with the assignment API of `../assignment`:
 * `first-fit` (the prototype's baseline: tasks in id order, each to the first feasible column,
 * destinations in id order), `greedy` (cheapest edge first) and `optimal` (Kuhn–Munkres:
 * most tasks placed, then least total downtime).
 *
 * Cumulative memory: columns are built from each destination's free memory, so several tasks
 * that each fit may together overflow it. After solving, each overflowing destination keeps its
 * assigned tasks in ascending cost order (ties by task id) while they fit; the rest are solved
 * again against the memory left, until a round places nothing more. This is exact when the
 * tasks sent to a destination fit together (always so when all tasks have equal memory); in
 * general the problem is a generalised assignment problem (NP-hard) and this is a heuristic.
 */

import { firstFitAssignment, greedyAssignment } from '../assignment/baselines.js';
import type { AssignmentResult, FlatCostMatrix } from '../assignment/cost-matrix.js';
import { solveAssignment } from '../assignment/solve-assignment.js';

/** Which planner to use. */
export type MigrationPlanner = 'first-fit' | 'greedy' | 'optimal';

/** The planners, in the order reports list them. */
export const MIGRATION_PLANNERS: readonly MigrationPlanner[] = ['first-fit', 'greedy', 'optimal'];

/** A task to place. */
export interface DisplacedTask {
  readonly id: string;
  readonly memoryMb: number;
  /** State to move, MB (0 when there is nothing to restore). */
  readonly stateMb: number;
  /** Bandwidth of the source instance, MB/s; undefined when the state comes from storage. */
  readonly sourceMBps: number | undefined;
}

/** A candidate destination. */
export interface Destination {
  readonly id: string;
  readonly freeMemoryMb: number;
  readonly bandwidthMBps: number;
  /** Boot time left, seconds (0 when running). */
  readonly bootSecondsLeft: number;
}

/** One chosen move. */
export interface PlannedMove {
  readonly taskId: string;
  readonly destinationId: string;
  /** Edge cost: transfer + boot left, seconds. */
  readonly downtimeSeconds: number;
  /** The transfer part, seconds. */
  readonly transferSeconds: number;
}

/** Transfer time of `task` to `dest`, seconds. */
export function transferSeconds(task: DisplacedTask, dest: Destination): number {
  if (task.stateMb === 0) return 0;
  const bw =
    task.sourceMBps === undefined
      ? dest.bandwidthMBps
      : Math.min(task.sourceMBps, dest.bandwidthMBps);
  return task.stateMb / bw;
}

const SOLVERS: Record<MigrationPlanner, (m: FlatCostMatrix) => AssignmentResult> = {
  'first-fit': (m) => firstFitAssignment(m),
  greedy: (m) => greedyAssignment(m),
  optimal: (m) => solveAssignment(m),
};

/**
 * Plans moves for `tasks` onto `destinations` with `planner`.
 * @param allowed Optional filter (policy constraint); default: every pair allowed.
 * @returns the moves, in task order; tasks not listed stay unplaced.
 */
export function planMigrations(
  tasks: readonly DisplacedTask[],
  destinations: readonly Destination[],
  planner: MigrationPlanner,
  allowed: (task: DisplacedTask, dest: Destination) => boolean = () => true,
): PlannedMove[] {
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  let open = [...tasks].sort(byId);
  const dests = [...destinations].sort(byId);
  const free = new Map(dests.map((d) => [d.id, d.freeMemoryMb]));
  const moves: PlannedMove[] = [];

  while (open.length > 0) {
    const smallest = Math.min(...open.map((t) => t.memoryMb));
    const columns: Destination[] = [];
    for (const d of dests) {
      const room = free.get(d.id) as number;
      const k = Math.min(open.length, Math.floor(room / smallest));
      for (let s = 0; s < k; s++) columns.push(d);
    }
    if (columns.length === 0) break;
    const data = new Float64Array(open.length * columns.length);
    open.forEach((t, i) => {
      columns.forEach((d, j) => {
        const fits = t.memoryMb <= (free.get(d.id) as number) && allowed(t, d);
        data[i * columns.length + j] = fits
          ? transferSeconds(t, d) + d.bootSecondsLeft
          : Number.POSITIVE_INFINITY;
      });
    });
    const result = SOLVERS[planner]({ rows: open.length, cols: columns.length, data });

    // Group by destination, keep in ascending cost while they fit (cumulative memory check).
    const proposals = new Map<string, { task: DisplacedTask; cost: number }[]>();
    open.forEach((t, i) => {
      const j = result.rowToCol[i] as number;
      if (j < 0) return;
      const d = columns[j] as Destination;
      const list = proposals.get(d.id) ?? [];
      list.push({ task: t, cost: data[i * columns.length + j] as number });
      proposals.set(d.id, list);
    });
    const placed = new Set<string>();
    for (const d of dests) {
      const list = proposals.get(d.id);
      if (!list) continue;
      list.sort((a, b) => a.cost - b.cost || (a.task.id < b.task.id ? -1 : 1));
      for (const { task, cost } of list) {
        const room = free.get(d.id) as number;
        if (task.memoryMb > room) continue;
        free.set(d.id, room - task.memoryMb);
        placed.add(task.id);
        moves.push({
          taskId: task.id,
          destinationId: d.id,
          downtimeSeconds: cost,
          transferSeconds: transferSeconds(task, d),
        });
      }
    }
    if (placed.size === 0) break;
    open = open.filter((t) => !placed.has(t.id));
  }
  const order = new Map(tasks.map((t, k) => [t.id, k]));
  return moves.sort((a, b) => (order.get(a.taskId) as number) - (order.get(b.taskId) as number));
}
