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
 * that each fit may together overflow it. When a solution overflows a destination, that
 * destination loses a column (it may take one task fewer than it was given) and the whole
 * matrix is solved again, until no destination overflows. This is exact when all displaced
 * tasks need the same memory (the column counts are then exact); with mixed sizes the problem
 * is a generalised assignment problem (NP-hard) and this is a heuristic that may leave a
 * destination with room for a combination it was not offered.
 */

import { firstFitAssignment, greedyAssignment } from '../assignment/baselines.js';
import type { AssignmentResult, FlatCostMatrix } from '../assignment/cost-matrix.js';
import { solveAssignment } from '../assignment/solve-assignment.js';
import { sortInPlace } from '../util/sort.js';

/** The planners, in the order reports list them. */
export const MIGRATION_PLANNERS = ['first-fit', 'greedy', 'optimal'] as const;

/** Which planner to use: one of {@link MIGRATION_PLANNERS}. */
export type MigrationPlanner = (typeof MIGRATION_PLANNERS)[number];

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
  /** Order of destinations for first fit and ties (launch order). Default: the id order. */
  readonly position?: number;
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
  allowed?: (task: DisplacedTask, dest: Destination) => boolean,
): PlannedMove[] {
  return planMigrationsEach(tasks, destinations, [planner], allowed).get(planner) as PlannedMove[];
}

/**
 * Plans the same displaced tasks and destinations with each of `planners`, as
 * {@link planMigrations} would one at a time: the sorting, the policy filter and the edge
 * costs, which do not depend on the planner, are done once for all of them.
 * @returns each planner's moves, in task order.
 */
export function planMigrationsEach(
  tasks: readonly DisplacedTask[],
  destinations: readonly Destination[],
  planners: readonly MigrationPlanner[],
  allowed?: (task: DisplacedTask, dest: Destination) => boolean,
): Map<MigrationPlanner, PlannedMove[]> {
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const byPosition = (a: Destination, b: Destination) =>
    (a.position ?? 0) - (b.position ?? 0) || byId(a, b);
  const out = new Map<MigrationPlanner, PlannedMove[]>();
  const open = sortInPlace([...tasks], byId);
  if (open.length === 0 || destinations.length === 0) {
    for (const planner of planners) out.set(planner, []);
    return out;
  }
  const ordered = sortInPlace([...destinations], byPosition);
  // Edge cost of every (task, destination in order), row-major: transfer + boot left, or
  // +Infinity where the task alone does not fit or the policy forbids the move.
  const no = ordered.length;
  const cost = new Float64Array(open.length * no);
  for (let i = 0; i < open.length; i++) {
    const t = open[i] as DisplacedTask;
    for (let k = 0; k < no; k++) {
      const d = ordered[k] as Destination;
      cost[i * no + k] =
        t.memoryMb <= d.freeMemoryMb && (allowed === undefined || allowed(t, d))
          ? transferSeconds(t, d) + d.bootSecondsLeft
          : Number.POSITIVE_INFINITY;
    }
  }
  if (open.length === 1) {
    for (const planner of planners)
      out.set(planner, planSingle(open[0] as DisplacedTask, ordered, cost, planner));
    return out;
  }
  const order = new Map(tasks.map((t, k) => [t.id, k]));
  for (const planner of planners) {
    const moves = planOne(open, ordered, cost, planner);
    out.set(
      planner,
      sortInPlace(
        moves,
        (a, b) => (order.get(a.taskId) as number) - (order.get(b.taskId) as number),
      ),
    );
  }
  return out;
}

/**
 * The move of a single displaced task, without a matrix: with first fit, to the first
 * destination in order it may go to; with greedy and optimal, to its cheapest, ties to the
 * first in order. That is what the matrix path gives for one task: {@link candidateDestinations}
 * keeps for it exactly that one destination (its first feasible, or its first cheapest), and a
 * 1 × 1 matrix with a finite cost is solved by placing the task there. A third of a sweep run's
 * preemption responses have one task to place; this spares them the matrices and the solvers.
 */
function planSingle(
  task: DisplacedTask,
  ordered: readonly Destination[],
  cost: Float64Array,
  planner: MigrationPlanner,
): PlannedMove[] {
  let best = -1;
  for (let k = 0; k < ordered.length; k++) {
    const c = cost[k] as number;
    if (c === Number.POSITIVE_INFINITY) continue;
    if (best < 0 || c < (cost[best] as number)) best = k;
    if (planner === 'first-fit') break;
  }
  if (best < 0) return [];
  const d = ordered[best] as Destination;
  return [
    {
      taskId: task.id,
      destinationId: d.id,
      downtimeSeconds: cost[best] as number,
      transferSeconds: transferSeconds(task, d),
    },
  ];
}

/**
 * One planner's moves of `open` (tasks by id) onto `ordered` (destinations in order), given
 * their edge costs `cost` (row-major, `open.length` × `ordered.length`); in `open` order.
 */
function planOne(
  open: readonly DisplacedTask[],
  ordered: readonly Destination[],
  cost: Float64Array,
  planner: MigrationPlanner,
): PlannedMove[] {
  const keep = candidateDestinations(open.length, ordered.length, cost, planner);
  if (keep.length === 0) return [];
  const no = ordered.length;
  const smallest = Math.min(...open.map((t) => t.memoryMb));
  const nt = open.length;
  const nd = keep.length;
  const dests = keep.map((k) => ordered[k] as Destination);
  // Typed arrays throughout: plain arrays here would switch between integer and double
  // element kinds from one call to the next, and each switch throws away V8's compiled code.
  // Columns per destination: as many of the smallest displaced task as fit, at most all tasks.
  const slots = new Int32Array(nd);
  for (let di = 0; di < nd; di++) {
    slots[di] = Math.min(nt, Math.floor((dests[di] as Destination).freeMemoryMb / smallest));
  }
  // Edge costs per (task, kept destination), row-major.
  const edge = new Float64Array(nt * nd);
  for (let i = 0; i < nt; i++) {
    for (let di = 0; di < nd; di++) {
      edge[i * nd + di] = cost[i * no + (keep[di] as number)] as number;
    }
  }
  const used = new Float64Array(nd);
  const count = new Int32Array(nd);

  for (;;) {
    let width = 0;
    for (let di = 0; di < nd; di++) width += slots[di] as number;
    if (width === 0) return [];
    const columns = new Int32Array(width); // destination index of each column
    for (let di = 0, j = 0; di < nd; di++) {
      for (let s = 0; s < (slots[di] as number); s++) columns[j++] = di;
    }
    const data = new Float64Array(nt * width);
    for (let i = 0; i < nt; i++) {
      for (let j = 0; j < width; j++) {
        data[i * width + j] = edge[i * nd + (columns[j] as number)] as number;
      }
    }
    const result = SOLVERS[planner]({ rows: nt, cols: width, data });

    // Cumulative memory: a destination given more than it holds loses one column, and all
    // tasks are solved again; column counts only fall, so this ends.
    used.fill(0);
    count.fill(0);
    for (let i = 0; i < nt; i++) {
      const j = result.rowToCol[i] as number;
      if (j < 0) continue;
      const di = columns[j] as number;
      used[di] = (used[di] as number) + (open[i] as DisplacedTask).memoryMb;
      count[di] = (count[di] as number) + 1;
    }
    let overflow = false;
    for (let di = 0; di < nd; di++) {
      if ((used[di] as number) > (dests[di] as Destination).freeMemoryMb) {
        slots[di] = (count[di] as number) - 1;
        overflow = true;
      }
    }
    if (overflow) continue;

    const moves: PlannedMove[] = [];
    for (let i = 0; i < nt; i++) {
      const j = result.rowToCol[i] as number;
      if (j < 0) continue;
      const t = open[i] as DisplacedTask;
      const di = columns[j] as number;
      const d = dests[di] as Destination;
      moves.push({
        taskId: t.id,
        destinationId: d.id,
        downtimeSeconds: edge[i * nd + di] as number,
        transferSeconds: transferSeconds(t, d),
      });
    }
    return moves;
  }
}

/**
 * Prunes the destinations to those any planner could use: with T tasks to place, a task's
 * choice is always among its T best destinations (the T cheapest for greedy and optimal, the
 * first T in order for first fit), since at most T − 1 others are taken by the other tasks; the
 * union of those lists is kept, as indices in destination order. This keeps the matrix T × O(T²) instead of T × all
 * instances, so a preemption in a large cluster costs O(T · instances) arithmetic and no more.
 */
function candidateDestinations(
  nt: number,
  no: number,
  cost: Float64Array,
  planner: MigrationPlanner,
): number[] {
  const limit = nt;
  const keep = new Set<number>();
  for (let i = 0; i < nt; i++) {
    const best: { k: number; cost: number }[] = []; // ascending (cost, order)
    for (let k = 0; k < no; k++) {
      const c = cost[i * no + k] as number;
      if (c === Number.POSITIVE_INFINITY) continue; // does not fit, or not allowed
      if (planner === 'first-fit') {
        best.push({ k, cost: 0 });
        if (best.length === limit) break;
        continue;
      }
      if (best.length === limit && c >= (best[limit - 1] as { cost: number }).cost) continue;
      let at = best.length;
      while (at > 0 && (best[at - 1] as { cost: number }).cost > c) at--;
      best.splice(at, 0, { k, cost: c });
      if (best.length > limit) best.pop();
    }
    for (const { k } of best) keep.add(k);
  }
  return sortInPlace([...keep], (a, b) => a - b);
}
