/**
 * The preemption response as one pure function over plain data: when a notice is detected,
 * which displaced task moves where (every planner on the same displaced set, so the run's own
 * planner's moves come with the counterfactual tallies of the others), and how much of each
 * computing task's progress its grace-period checkpoint keeps. `simulate` applies the answer to
 * its state; live mode applies the same answer to real instances.
 *
 * Order (docs/model.md): checkpoint transfers leave the notified instance one after another,
 * smallest state first (ties by task id; shortest first minimises the mean wait), each with what
 * is left of the window after the transfers before it; a task moved to a destination streams at
 * min(source, destination) bandwidth, one left without a destination writes to storage at the
 * source's bandwidth.
 */

import { sortInPlace } from '../util/sort.js';
import {
  type CheckpointThresholds,
  type GraceCheckpointPlan,
  planGraceCheckpoint,
} from './checkpoint.js';
import { type DestinationSource, gatherDestinations } from './destination-source.js';
import {
  type Destination,
  type DisplacedTask,
  MIGRATION_PLANNERS,
  type MigrationPlanner,
  type PlannedMove,
  planMigrationsEach,
} from './migration.js';

/** A task the response must place: displaced by this notice, or earlier and still waiting. */
export interface DisplacedTaskState {
  readonly id: string;
  readonly memoryMb: number;
  readonly stateMb: number;
  /** Whether it was computing on the notified instance (its state leaves now, in the window). */
  readonly computing: boolean;
  /** Whether its state waits in storage to be restored (not computing: moved with its state). */
  readonly needsRestore: boolean;
  /** Progress when it stopped, work-seconds. */
  readonly progressSeconds: number;
  /** Progress saved by its last periodic checkpoint, work-seconds. */
  readonly lastCheckpointSeconds: number;
}

/** Everything the response needs. Times in seconds, bandwidths in MB/s. */
export interface PreemptionInput {
  /** Bandwidth of the notified instance, MB/s. */
  readonly sourceBandwidthMBps: number;
  /** Tasks to place, in the order the planners see them. */
  readonly displaced: readonly DisplacedTaskState[];
  /**
   * Accepting instances with room for the smallest displaced task: all of them, or a source
   * that finds them (destination-source.ts), read only as far as any planner could use.
   */
  readonly destinations: readonly Destination[] | DestinationSource;
  /** Grace period − detection latency: time left for transfers, seconds. */
  readonly windowSeconds: number;
  readonly thresholds: CheckpointThresholds;
  /** The planner whose moves are carried out. */
  readonly planner: MigrationPlanner;
  /** Whether the policy allows a task onto a destination (default: all). */
  readonly accepts?: (taskId: string, destinationId: string) => boolean;
}

/** The grace-period checkpoint of one computing task. */
export interface CheckpointStep {
  readonly taskId: string;
  readonly plan: GraceCheckpointPlan;
  /**
   * When its transfer starts, seconds after detection (the transfers before it); it ends
   * `plan.transferSeconds` later.
   */
  readonly startsAfterSeconds: number;
  /** Where its state went: the destination it moves to, or storage. */
  readonly destinationId: string | undefined;
}

/** What to do. */
export interface PreemptionResponse {
  /** The chosen planner's moves. */
  readonly moves: readonly PlannedMove[];
  /** Every planner's moves on the same displaced set (counterfactual comparison). */
  readonly plans: ReadonlyMap<MigrationPlanner, readonly PlannedMove[]>;
  /** The checkpoints of the computing tasks, in transfer order. */
  readonly checkpoints: readonly CheckpointStep[];
}

/** Plans the response to one detected notice (see the file comment). */
export function respondToPreemption(input: PreemptionInput): PreemptionResponse {
  const candidates: DisplacedTask[] = input.displaced.map((t) => ({
    id: t.id,
    memoryMb: t.memoryMb,
    stateMb: t.computing || t.needsRestore ? t.stateMb : 0,
    sourceMBps: t.computing ? input.sourceBandwidthMBps : undefined,
  }));
  const accepts = input.accepts;
  const filter = accepts ? (t: DisplacedTask, d: Destination) => accepts(t.id, d.id) : undefined;
  const source = input.destinations;
  const destinations = isSource(source) ? gatherDestinations(candidates, source, filter) : source;
  const plans = planMigrationsEach(candidates, destinations, MIGRATION_PLANNERS, filter);
  const moves = plans.get(input.planner) as PlannedMove[];
  const destinationOf = new Map(moves.map((m) => [m.taskId, m.destinationId]));
  // Bandwidths of the destinations moved to (few), not of every candidate.
  const bandwidthOf = new Map<string, number>();
  if (moves.length > 0) {
    const targets = new Set(destinationOf.values());
    for (const d of destinations) if (targets.has(d.id)) bandwidthOf.set(d.id, d.bandwidthMBps);
  }

  const checkpoints: CheckpointStep[] = [];
  let queue = 0;
  const computing = sortInPlace(
    input.displaced.filter((t) => t.computing),
    (a, b) => a.stateMb - b.stateMb || (a.id < b.id ? -1 : 1),
  );
  for (const task of computing) {
    const dest = destinationOf.get(task.id);
    const bandwidth =
      dest === undefined
        ? input.sourceBandwidthMBps
        : Math.min(input.sourceBandwidthMBps, bandwidthOf.get(dest) as number);
    const plan = planGraceCheckpoint(
      {
        stateMb: task.stateMb,
        progressSeconds: task.progressSeconds,
        lastCheckpointSeconds: task.lastCheckpointSeconds,
        bandwidthMBps: bandwidth,
        windowSeconds: input.windowSeconds - queue,
      },
      input.thresholds,
    );
    checkpoints.push({ taskId: task.id, plan, startsAfterSeconds: queue, destinationId: dest });
    queue += plan.transferSeconds;
  }
  return { moves, plans, checkpoints };
}

function isSource(d: readonly Destination[] | DestinationSource): d is DestinationSource {
  return !Array.isArray(d);
}
