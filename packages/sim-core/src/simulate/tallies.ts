/**
 * What a run counts as it goes (notices, checkpoint outcomes, progress lost, migrations,
 * downtimes, the planners' counterfactual tallies) and the {@link RunResult} built from those
 * counts and the final state, once, at the end.
 */

import type { InstanceState } from '../cluster/instance-state.js';
import type { TaskState } from '../cluster/task-state.js';
import { instanceCostUsd } from '../market/billing.js';
import type { RunResult, SimEvent, SpotPriceSample } from '../metrics/run-result.js';
import { mean, quantile, quantiles } from '../metrics/statistics.js';
import type { MigrationPlanner } from '../planning/migration.js';
import type { Scenario } from '../scenario/types.js';
import type { SimulateOptions } from '../simulate-options.js';

/** The counters of one run. */
export class Tallies {
  /** Notices received. */
  preemptions = 0;
  /** Grace-period checkpoint outcomes. */
  full = 0;
  partial = 0;
  restarts = 0;
  /** Progress lost to preemptions, work-seconds. */
  lostSeconds = 0;
  /** Direct moves by the run's planner. */
  migrations = 0;
  /** Detected notices with tasks to place, and those tasks. */
  decisions = 0;
  displacedCount = 0;
  /** Every planner's placements and edge seconds on the same displaced sets. */
  readonly counterfactual: Record<MigrationPlanner, { placed: number; edgeSeconds: number }> = {
    'first-fit': { placed: 0, edgeSeconds: 0 },
    greedy: { placed: 0, edgeSeconds: 0 },
    optimal: { placed: 0, edgeSeconds: 0 },
  };
  /** Detection (or policy move) to computing again, per resumed task, seconds. */
  readonly downtimes: number[] = [];
  /** Completion − arrival per completed task, seconds. */
  readonly completionTimes: number[] = [];
}

/** Cost of every instance up to `t`, USD (ended ones at their billed time). */
export function accruedCostUsd(instances: readonly InstanceState[], t: number): number {
  let usd = 0;
  for (const inst of instances) {
    usd += instanceCostUsd(inst.price, inst.type.billing, inst.launchedAt, inst.endedAt, t);
  }
  return usd;
}

/** The run's result from its final state and counts. */
export function buildResult(
  source: Scenario,
  options: SimulateOptions,
  horizon: number,
  instances: readonly InstanceState[],
  tasks: readonly TaskState[],
  t: Tallies,
  eventsProcessed: number,
  events: SimEvent[] | undefined,
  spotPrices: () => SpotPriceSample[],
): RunResult {
  let spot = 0;
  let onDemand = 0;
  let spotSeconds = 0;
  let onDemandSeconds = 0;
  for (const inst of instances) {
    const end = inst.endedAt ?? horizon;
    const usd = instanceCostUsd(inst.price, inst.type.billing, inst.launchedAt, inst.endedAt, end);
    if (inst.market === 'spot') {
      spot += usd;
      spotSeconds += end - inst.launchedAt;
    } else {
      onDemand += usd;
      onDemandSeconds += end - inst.launchedAt;
    }
  }
  let work = 0;
  let completed = 0;
  let misses = 0;
  let makespan: number | undefined;
  for (const task of tasks) {
    work += task.progressAt(horizon);
    if (task.status === 'completed') {
      completed++;
      makespan = Math.max(makespan ?? 0, task.completedAt as number);
    }
    const deadline = task.deadlineSeconds;
    if (deadline !== undefined && deadline <= horizon) {
      if (task.completedAt === undefined || task.completedAt > deadline) misses++;
    }
  }
  const total = spot + onDemand;
  const workHours = work / 3600;
  const [p50, p99] = quantiles(t.completionTimes, [0.5, 0.99]).map((v) =>
    v === undefined ? undefined : v / 3600,
  );

  return {
    scenario: source.name ?? 'scenario',
    policy: options.policy.name,
    migration: options.migration,
    seed: options.seed,
    horizonHours: source.horizonHours,
    totalCostUsd: total,
    spotCostUsd: spot,
    onDemandCostUsd: onDemand,
    workHours,
    costPerWorkHour: workHours > 0 ? total / workHours : undefined,
    tasksTotal: tasks.length,
    tasksCompleted: completed,
    deadlineMisses: misses,
    preemptions: t.preemptions,
    checkpointsFull: t.full,
    checkpointsPartial: t.partial,
    restarts: t.restarts,
    progressLostHours: t.lostSeconds / 3600,
    migrations: t.migrations,
    migrationDowntimeTotalSeconds: t.downtimes.reduce((a, b) => a + b, 0),
    migrationDowntimeMeanSeconds: mean(t.downtimes),
    migrationDowntimeP99Seconds: quantile(t.downtimes, 0.99),
    spotInstanceHours: spotSeconds / 3600,
    onDemandInstanceHours: onDemandSeconds / 3600,
    makespanHours: makespan === undefined ? undefined : makespan / 3600,
    completionP50Hours: p50,
    completionP99Hours: p99,
    plannerCounterfactual: {
      'first-fit': { ...t.counterfactual['first-fit'] },
      greedy: { ...t.counterfactual.greedy },
      optimal: { ...t.counterfactual.optimal },
    },
    migrationDecisions: t.decisions,
    displacedTasks: t.displacedCount,
    eventsProcessed,
    ...(events ? { events, spotPrices: spotPrices() } : {}),
  };
}
