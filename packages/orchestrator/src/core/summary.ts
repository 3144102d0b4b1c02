/**
 * What a live run did, in the units of a simulation's RunResult, so the two print side by side:
 * cost from the cloud's own ledger (billed time × price), the rest from the orchestrator's
 * tallies and the store.
 */

import { mean, quantile, type RunResult } from '@synkti/sim-core';
import type { LedgerCost } from '../cloud/emulated-cloud.js';
import type { Orchestrator } from './orchestrator.js';

/** The metrics both summaries have, in print order. */
export const COMPARED = [
  'totalCostUsd',
  'spotCostUsd',
  'onDemandCostUsd',
  'workHours',
  'costPerWorkHour',
  'tasksTotal',
  'tasksCompleted',
  'deadlineMisses',
  'preemptions',
  'checkpointsFull',
  'checkpointsPartial',
  'restarts',
  'progressLostHours',
  'migrations',
  'migrationDowntimeMeanSeconds',
  'completionP50Hours',
] as const satisfies readonly (keyof RunResult)[];

/**
 * The summary metrics of a live run: RunResult's {@link COMPARED} fields (same names, units and
 * meanings; cost is what the cloud billed up to the horizon), and what only live mode counts.
 */
export type LiveSummary = Pick<RunResult, (typeof COMPARED)[number]> & {
  /** Jobs put back in the policy's hands after losing their instance (RECOVERING entries). */
  readonly recoveries: number;
  /** Instances launched (granted). */
  readonly instancesLaunched: number;
};

/** The summary of `o`'s run, at the horizon, with the cloud's bill up to then. */
export function summarize(o: Orchestrator, bill: LedgerCost): LiveSummary {
  const horizon = o.horizonSeconds;
  const spot = bill.spotUsd;
  const onDemand = bill.onDemandUsd;
  const tasks = [...o.tasks.values()];
  const completed = tasks.filter((t) => t.jobState === 'SUCCEEDED');
  const misses = tasks.filter(
    (t) =>
      t.deadlineSeconds !== undefined &&
      t.deadlineSeconds <= horizon &&
      (t.completedAt === undefined || t.completedAt > t.deadlineSeconds),
  ).length;
  const p50 = quantile(o.tallies.completionTimes, 0.5);
  let work = 0;
  for (const t of tasks) work += t.progressAt(horizon);
  const total = spot + onDemand;
  const workHours = work / 3600;
  return {
    totalCostUsd: total,
    spotCostUsd: spot,
    onDemandCostUsd: onDemand,
    workHours,
    costPerWorkHour: workHours > 0 ? total / workHours : undefined,
    tasksTotal: tasks.length,
    tasksCompleted: completed.length,
    deadlineMisses: misses,
    preemptions: o.tallies.preemptions,
    checkpointsFull: o.tallies.full,
    checkpointsPartial: o.tallies.partial,
    restarts: o.tallies.restarts,
    progressLostHours: o.tallies.lostSeconds / 3600,
    migrations: o.tallies.migrations,
    migrationDowntimeMeanSeconds: mean(o.tallies.downtimes),
    recoveries: o.options.store.journal().filter((e) => e.to_state === 'RECOVERING').length,
    instancesLaunched: o.instances.length,
    completionP50Hours: p50 === undefined ? undefined : p50 / 3600,
  };
}
