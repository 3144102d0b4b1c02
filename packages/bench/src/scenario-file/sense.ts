/**
 * Checks that a valid scenario also makes sense to run, before anything runs: how many runs it
 * asks for (counted arithmetically, before expanding anything), how long one run would take
 * (its estimated event count), and whether its tasks can run at all (they fit an instance type,
 * they arrive before the horizon). What would give empty or meaningless results, or take hours,
 * is refused with the number that is wrong; what would give partial results is warned about.
 */

import type { ResolvedScenario, ResolvedTask } from '@synkti/sim-core';
import { InputError } from '../errors.js';

/** Most runs one invocation may ask for (the whole run list, shards included). */
export const MAX_RUNS = 100_000;

/**
 * Most events one run may be estimated at: at the engine's 1–2 million events per second
 * (`npm run bench:engine`), about half a minute per run. `--max-events-per-run` raises it.
 */
export const MAX_EVENTS_PER_RUN = 50_000_000;

/** Events a task costs a run, about (arrival, decision, placement, start, completion, release…). */
const EVENTS_PER_TASK = 10;

/**
 * Refuses a run list larger than {@link MAX_RUNS}, counted from its factors.
 * @param sweepCounts Values per swept path.
 */
export function checkRunCount(
  file: string,
  sweepCounts: readonly (readonly [string, number])[],
  seeds: number,
  policies: number,
  planners: number,
): void {
  const points = sweepCounts.reduce((p, [, n]) => p * n, 1);
  const runs = points * seeds * policies * planners;
  if (runs <= MAX_RUNS) return;
  const factors = [
    ...sweepCounts.map(([p, n]) => `${n} values of ${p}`),
    `${seeds} seeds`,
    `${policies} policies`,
    `${planners} planners`,
  ].join(' × ');
  throw new InputError(
    `${file}: asks for ${runs.toExponential(3)} runs (${factors}), more than ${MAX_RUNS} in one ` +
      'invocation (sharding splits the same list, so it does not help); use fewer values, or ' +
      'split the sweep into several scenario files with distinct names',
  );
}

/** A run's estimated event count and what it is made of, for `tasks` tasks. */
export function estimateEvents(
  r: ResolvedScenario,
  tasks: number,
): { events: number; parts: string[] } {
  const parts: string[] = [];
  let events = 0;
  if (r.policyTickSeconds !== undefined) {
    const ticks = r.horizonSeconds / r.policyTickSeconds;
    events += ticks;
    parts.push(`${ticks.toExponential(2)} policy ticks (policyTickSeconds ${r.policyTickSeconds})`);
  }
  for (const [k, t] of r.instanceTypes.entries()) {
    if (t.spotPrice.kind !== 'ou') continue;
    const steps = r.horizonSeconds / t.spotPrice.stepSeconds;
    events += steps;
    parts.push(
      `${steps.toExponential(2)} price steps (instanceTypes[${k}].spotPrice.stepSeconds ${t.spotPrice.stepSeconds})`,
    );
  }
  events += EVENTS_PER_TASK * tasks;
  parts.push(`${EVENTS_PER_TASK} × ${tasks} tasks`);
  return { events, parts };
}

/**
 * Refuses a sweep point (resolved, with seed 1's tasks) whose run is estimated above
 * `maxEvents`, or whose tasks all fit no instance type or all arrive after the horizon; warns
 * when only some do.
 */
export function checkSense(
  file: string,
  at: string,
  scenario: ResolvedScenario,
  tasks: readonly ResolvedTask[],
  maxEvents: number,
  warn: (message: string) => void,
): void {
  const { events, parts } = estimateEvents(scenario, tasks.length);
  if (events > maxEvents) {
    throw new InputError(
      `${file}: ${at}a run is estimated at ${events.toExponential(2)} events (${parts.join(' + ')}), ` +
        `more than ${maxEvents.toExponential(2)}; lengthen the tick or step, or pass ` +
        '--max-events-per-run <n> to run it anyway',
    );
  }
  if (tasks.length === 0) return;
  const largest = Math.max(...scenario.instanceTypes.map((t) => t.gpuMemoryMb));
  const unfit = tasks.filter((t) => t.memoryMb > largest);
  const horizon = scenario.horizonSeconds;
  const late = tasks.filter((t) => t.arrivalSeconds > horizon);
  const example = (list: typeof tasks, what: (t: (typeof tasks)[number]) => string) =>
    `e.g. ${list[0]?.id} (${what(list[0] as (typeof tasks)[number])})`;
  const fit = `MB; the largest instance type has ${largest} MB`;
  if (unfit.length === tasks.length) {
    throw new InputError(
      `${file}: ${at}no task fits any instance type (${example(unfit, (t) => `${t.memoryMb} ${fit}`)})`,
    );
  }
  if (late.length === tasks.length) {
    throw new InputError(
      `${file}: ${at}every task arrives after the horizon of ${scenario.source.horizonHours} h ` +
        `(${example(late, (t) => `at ${(t.arrivalSeconds / 3600).toFixed(2)} h`)})`,
    );
  }
  if (unfit.length > 0) {
    warn(
      `${file}: ${at}warning: ${unfit.length} of ${tasks.length} tasks (seed 1) fit no instance ` +
        `type and will never run, ${example(unfit, (t) => `${t.memoryMb} ${fit}`)}`,
    );
  }
  if (late.length > 0) {
    warn(
      `${file}: ${at}warning: ${late.length} of ${tasks.length} tasks (seed 1) arrive after the ` +
        `horizon of ${scenario.source.horizonHours} h and never run`,
    );
  }
}
