/**
 * The preemption response inside a run: at a notice's detection, the notified instance's tasks
 * are taken off it, the pure {@link respondToPreemption} (planning/preemption-response.ts)
 * decides moves and checkpoints for them and for tasks displaced earlier, and its answer is
 * applied here (state, tallies, log). Live mode applies the same answer to real instances.
 */

import type { InstanceState } from '../cluster/instance-state.js';
import type { TaskState } from '../cluster/task-state.js';
import type { DestinationSource } from '../planning/destination-source.js';
import { MIGRATION_PLANNERS, type PlannedMove } from '../planning/migration.js';
import { respondToPreemption } from '../planning/preemption-response.js';
import { sortInPlace } from '../util/sort.js';
import { assign, detach, resumeTime } from './lifecycle.js';
import type { RunState } from './state.js';

/** The orchestrator learns of a notice: checkpoint, migrate, hand the rest to the policy. */
export function detect(s: RunState, inst: InstanceState): void {
  const now = s.now;
  s.log('detect', undefined, inst);
  const computing = new Set<TaskState>();
  const displaced: TaskState[] = [];
  for (const task of sortInPlace([...inst.tasks], (a, b) => (a.id < b.id ? -1 : 1))) {
    task.preemptions++;
    task.displacedAt ??= now;
    // A task not computing yet (waiting for boot or restore) still has its state in storage.
    if (detach(s, task, inst)) computing.add(task);
    displaced.push(task);
  }
  // Tasks displaced earlier and still waiting for capacity are matched too.
  const fromHere = new Set(displaced);
  for (const task of s.pending)
    if (task.preemptions > 0 && !fromHere.has(task)) displaced.push(task);

  // Candidates from the capacity index, read only as far as a planner could use them.
  const destinations: DestinationSource = {
    find: (market, minFree, from) => s.findInstance(market, minFree, from),
    now,
    bandwidthsMBps: s.bandwidthsMBps,
  };
  const policy = s.options.policy;
  const accepts = policy.acceptsMigration?.bind(policy);
  const response = respondToPreemption({
    sourceBandwidthMBps: inst.type.networkMBps,
    displaced: displaced.map((task) => ({
      id: task.id,
      memoryMb: task.memoryMb,
      stateMb: task.stateMb,
      computing: computing.has(task),
      needsRestore: task.needsRestore,
      progressSeconds: task.baseProgress,
      lastCheckpointSeconds: task.lastCheckpoint,
    })),
    destinations,
    windowSeconds: s.scenario.gracePeriodSeconds - s.scenario.detectionLatencySeconds,
    thresholds: s.scenario.checkpoint,
    planner: s.options.migration,
    ...(accepts
      ? {
          accepts: (taskId: string, destinationId: string) =>
            accepts(
              s.task(taskId) as TaskState,
              s.instancesById.get(destinationId) as InstanceState,
              s.owner,
            ),
        }
      : {}),
  });
  // Every planner on the same displaced set: the counterfactual tallies.
  if (displaced.length > 0) {
    s.tallies.decisions++;
    s.tallies.displacedCount += displaced.length;
    for (const planner of MIGRATION_PLANNERS) {
      const tally = s.tallies.counterfactual[planner];
      const plan = response.plans.get(planner) as readonly PlannedMove[];
      tally.placed += plan.length;
      for (const m of plan) tally.edgeSeconds += m.downtimeSeconds;
    }
  }
  for (const step of response.checkpoints) {
    const task = s.task(step.taskId) as TaskState;
    const { plan } = step;
    if (plan.outcome === 'full') s.tallies.full++;
    else if (plan.outcome === 'partial') s.tallies.partial++;
    else s.tallies.restarts++;
    s.tallies.lostSeconds += task.baseProgress - plan.keptProgressSeconds;
    task.baseProgress = plan.keptProgressSeconds;
    task.lastCheckpoint = Math.min(task.lastCheckpoint, plan.keptProgressSeconds);
    s.log('checkpoint', task, inst, {
      outcome: plan.outcome,
      ratio: plan.ratio,
      kept: plan.keptProgressSeconds,
    });
    task.stateReadyAt = now + step.startsAfterSeconds + plan.transferSeconds;
    // Streamed straight to its destination, or written to storage for a later restore.
    task.needsRestore =
      step.destinationId !== undefined && plan.outcome !== 'restart'
        ? false
        : plan.keptProgressSeconds > 0;
  }
  const moved = new Set<string>();
  for (const move of response.moves) {
    const task = s.task(move.taskId) as TaskState;
    const dest = s.instancesById.get(move.destinationId) as InstanceState;
    moved.add(task.id);
    s.pending.delete(task);
    s.tallies.migrations++;
    s.log('migrate', task, dest, { from: inst.id });
    assign(s, task, dest, resumeTime(s, task, dest, now));
  }
  for (const task of displaced) if (!moved.has(task.id)) s.pending.add(task);
  s.owner.requestDecision();
}
