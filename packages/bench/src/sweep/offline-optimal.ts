/**
 * The `offline-optimal` pseudo-policy of scenario files: not a policy the simulator runs but the
 * offline lower bound of `offlineOptimalCost` (sim-core) for a scenario with one deadline job,
 * one instance type, availability-trace preemptions and a constant spot price (the Can't Be
 * Late setting). Its rows carry cost, work and completion; simulation-only columns are empty.
 */

import {
  AvailabilityTrace,
  offlineOptimalCost,
  resolveScenario,
  type Scenario,
  traceOffsetSeconds,
} from '@synkti/sim-core';
import { undefinedMetrics } from './metric-columns.js';

/** The pseudo-policy's name in scenario files. */
export const OFFLINE_OPTIMAL = 'offline-optimal';

/** Why `scenario` does not fit the offline optimum, or undefined when it does. */
export function offlineOptimalUnfit(scenario: Scenario): string | undefined {
  const types = scenario.instanceTypes;
  const type = types[0];
  if (types.length !== 1 || type === undefined) return 'it needs exactly one instance type';
  if (type.preemption?.kind !== 'trace') return 'it needs availability-trace preemptions';
  if (type.spotPrice?.kind !== 'constant') return 'it needs a constant spot price';
  const w = scenario.workload;
  if (!('tasks' in w) || w.tasks.length !== 1 || w.tasks[0]?.deadlineSeconds === undefined) {
    return 'it needs exactly one task, with a deadline';
  }
  return undefined;
}

/** The offline optimum of `scenario` for `seed` (the seed picks the trace window). */
export function offlineOptimalMetrics(scenario: Scenario, seed: string | number) {
  const type = scenario.instanceTypes[0] as NonNullable<Scenario['instanceTypes'][0]>;
  const pre = type.preemption as Extract<NonNullable<typeof type.preemption>, { kind: 'trace' }>;
  const spot = (type.spotPrice as { perHour: number }).perHour;
  const task = (scenario.workload as unknown as { tasks: { workSeconds: number }[] }).tasks[0] as {
    workSeconds: number;
    deadlineSeconds: number;
  };
  const offset = traceOffsetSeconds(pre, type.name, seed, scenario.horizonHours * 3600);
  const trace = new AvailabilityTrace(pre.trace, offset);
  const r = offlineOptimalCost({
    trace,
    workSeconds: task.workSeconds,
    deadlineSeconds: task.deadlineSeconds,
    restartOverheadSeconds: resolveScenario(scenario).restartOverheadSeconds,
    spotPerHour: spot,
    onDemandPerHour: type.onDemandPerHour,
  });
  const g = pre.trace.gapSeconds;
  const feasible = r.costUsd !== undefined;
  const workHours = task.workSeconds / 3600;
  return {
    ...undefinedMetrics(), // simulation-only columns stay empty
    total_cost_usd: r.costUsd,
    spot_cost_usd: feasible ? (r.spotTicks * g * spot) / 3600 : undefined,
    on_demand_cost_usd: feasible ? (r.onDemandTicks * g * type.onDemandPerHour) / 3600 : undefined,
    work_hours: feasible ? workHours : 0,
    cost_per_work_hour: r.costUsd === undefined ? undefined : r.costUsd / workHours,
    tasks_total: 1,
    tasks_completed: feasible ? 1 : 0,
    deadline_misses: feasible ? 0 : 1,
    spot_instance_hours: feasible ? (r.spotTicks * g) / 3600 : undefined,
    on_demand_instance_hours: feasible ? (r.onDemandTicks * g) / 3600 : undefined,
  };
}
