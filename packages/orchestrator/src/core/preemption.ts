/**
 * A notice's detection in live mode: the notified instance's jobs are taken off it, sim-core's
 * `respondToPreemption` — the function `simulate` calls — decides moves and grace-period
 * checkpoints for them and for jobs displaced earlier and still waiting, and the answer is
 * applied to the jobs (journaled: CHECKPOINTING, then MIGRATING to a destination or RECOVERING
 * for the policy to place).
 */

import { type DestinationSource, respondToPreemption } from '@synkti/sim-core';
import type { LiveInstance, LiveTask } from './objects.js';
import type { Orchestrator } from './orchestrator.js';

/** See the file comment. */
export function detectNotice(o: Orchestrator, inst: LiveInstance): void {
  const now = o.now;
  const life = o.lifecycle;
  const computing = new Set<LiveTask>();
  const displaced: LiveTask[] = [];
  for (const task of [...inst.tasks].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    task.preemptions++;
    task.displacedAt ??= now;
    if (life.detach(task, inst)) computing.add(task);
    displaced.push(task);
    life.setJob(
      task,
      'CHECKPOINTING',
      computing.has(task) ? 'saving its state in the grace period' : 'its state is in storage',
    );
  }
  const fromHere = new Set(displaced);
  for (const task of o.pending)
    if (task.preemptions > 0 && !fromHere.has(task)) displaced.push(task);

  // Found as simulate finds them (sim-core's destination source).
  const destinations: DestinationSource = {
    find: (market, minFree, from) => o.findFrom(market, minFree, from),
    now,
    bandwidthsMBps: o.instanceTypes.map((t) => t.networkMBps),
  };
  const policy = o.options.policy;
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
    windowSeconds: o.gracePeriodSeconds - o.detectionLatencySeconds,
    thresholds: o.scenario.checkpoint,
    planner: o.options.migration,
    ...(accepts
      ? {
          accepts: (taskId: string, destinationId: string) =>
            accepts(
              o.tasks.get(taskId) as LiveTask,
              o.byView.get(destinationId) as LiveInstance,
              o,
            ),
        }
      : {}),
  });
  for (const step of response.checkpoints) {
    const task = o.tasks.get(step.taskId) as LiveTask;
    const { plan } = step;
    if (computing.has(task)) {
      const kept = plan.outcome === 'restart' ? 0 : plan.keptProgressSeconds;
      const to = step.destinationId === undefined ? undefined : o.byView.get(step.destinationId);
      o.agents.leaves(task, inst, kept, to);
    }
    if (plan.outcome === 'full') o.tallies.full++;
    else if (plan.outcome === 'partial') o.tallies.partial++;
    else o.tallies.restarts++;
    o.tallies.lostSeconds += task.baseProgress - plan.keptProgressSeconds;
    task.baseProgress = plan.keptProgressSeconds;
    task.lastCheckpoint = Math.min(task.lastCheckpoint, plan.keptProgressSeconds);
    task.stateReadyAt = now + step.startsAfterSeconds + plan.transferSeconds;
    task.needsRestore =
      step.destinationId !== undefined && plan.outcome !== 'restart'
        ? false
        : plan.keptProgressSeconds > 0;
  }
  const moved = new Set<string>();
  for (const move of response.moves) {
    const task = o.tasks.get(move.taskId) as LiveTask;
    const dest = o.byView.get(move.destinationId) as LiveInstance;
    moved.add(task.id);
    o.pending.delete(task);
    o.tallies.migrations++;
    life.assign(task, dest, life.resumeTime(task, dest, now), `migrated from ${inst.id}`);
  }
  for (const task of displaced) {
    if (moved.has(task.id)) continue;
    o.pending.add(task);
    if (task.jobState === 'CHECKPOINTING') {
      life.setJob(task, 'RECOVERING', `no destination after ${inst.id}'s notice`);
    }
  }
  o.requestDecision();
}
