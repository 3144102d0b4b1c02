/**
 * Agreement with the Can't Be Late simulator (Wu et al., NSDI '24): its authors' runs on real
 * traces (a `peer-runs-*.csv`: one job per trace window, per strategy and restart overhead),
 * replayed through `simulate` in the paper's exact setting, and compared window by window on
 * cost ÷ on-demand-only cost (each side against its own on-demand run).
 *
 * The paper's setting as a Synkti scenario: one p3.2xlarge job of 48 h of work, deadline 52 h
 * after its start, on-demand $3.06/h and spot $0.9731/h, boot 0, grace period 0, detection 0,
 * no state to move, policy tick = billing increment = the trace's gap, the window starting at
 * the run's start tick.
 */

import { createPolicy } from '@synkti/policies';
import {
  type AvailabilityTraceData,
  mean,
  quantile,
  type RunResult,
  type Scenario,
  simulate,
} from '@synkti/sim-core';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';

/** The authors' strategies and the Synkti policies that implement them. */
export const CBL_POLICIES = {
  greedy: 'greedy-deadline',
  uniform_progress: 'uniform-progress',
  on_demand: 'on-demand-only',
} as const;

/** A strategy of the authors' simulator. */
export type CblStrategy = keyof typeof CBL_POLICIES;

/** The paper's job and prices (§6; p3.2xlarge). */
export const CBL_SETTING = {
  instanceType: 'p3.2xlarge',
  workHours: 48,
  deadlineHours: 52,
  onDemandPerHour: 3.06,
  spotPerHour: 0.9731,
  /** GPU memory of the job and the type, MB (one job fills one instance). */
  gpuMemoryMb: 16_000,
} as const;

/** One run of the authors' simulator: a row of the reference CSV. */
export interface ReferenceRun {
  /** Trace name, e.g. `aws-02-15-2023/us-east-1a_v100_1` (under `availability/1-node/`). */
  readonly trace: string;
  /** The trace's tick, seconds. */
  readonly gapSeconds: number;
  /** Index into the trace's `data` of the window's first tick. */
  readonly startTick: number;
  readonly strategy: CblStrategy;
  /** Restart overhead d, hours. */
  readonly restartOverheadHours: number;
  /** Cost of the run, USD. */
  readonly costUsd: number;
  /** Whether the work was done by the deadline. */
  readonly finished: boolean;
}

/**
 * Parses a reference CSV (columns `trace, gap_seconds, start_tick, strategy, restart_overhead_h,
 * cost_usd, finished`, others ignored).
 * @throws InputError naming the file, the line, the column, what was expected and what was found.
 */
export function parseReference(text: string, source: string): ReferenceRun[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (error) {
    throw new InputError(`${source}: not a CSV file (${(error as Error).message})`);
  }
  if (rows.length === 0) throw new InputError(`${source}: no runs (expected a header and rows)`);
  return rows.map((r, k) => {
    const at = (column: string, expected: string): never => {
      throw new InputError(
        `${source}: line ${k + 2}: ${column}: expected ${expected}, got ${JSON.stringify(r[column] ?? null)}`,
      );
    };
    const number = (column: string, ok: (x: number) => boolean, expected: string) => {
      const x = Number(r[column]);
      return r[column] !== undefined && r[column] !== '' && ok(x) ? x : at(column, expected);
    };
    const trace = r['trace'];
    if (!trace || trace.includes('..') || trace.startsWith('/')) {
      at('trace', 'a trace name like aws-02-15-2023/us-east-1a_v100_1');
    }
    const strategy = r['strategy'] as string;
    if (!(strategy in CBL_POLICIES)) at('strategy', Object.keys(CBL_POLICIES).join(' | '));
    const finished = r['finished'];
    if (finished !== 'True' && finished !== 'False') at('finished', 'True or False');
    return {
      trace: trace as string,
      gapSeconds: number('gap_seconds', (x) => x > 0 && Number.isFinite(x), 'seconds > 0'),
      startTick: number(
        'start_tick',
        (x) => Number.isInteger(x) && x >= 0,
        'a tick index (integer >= 0)',
      ),
      strategy: strategy as CblStrategy,
      restartOverheadHours: number(
        'restart_overhead_h',
        (x) => x >= 0 && Number.isFinite(x),
        'hours >= 0',
      ),
      costUsd: number('cost_usd', (x) => x >= 0 && Number.isFinite(x), 'USD >= 0'),
      finished: finished === 'True',
    };
  });
}

/** The file of a reference trace name, relative to the trace directory. */
export const referenceTraceFile = (trace: string) => `availability/1-node/${trace}.json`;

/**
 * The paper's setting on one window of `trace` (see the file comment); `job` changes the work
 * and deadline (default the paper's 48 h and 52 h).
 */
export function windowScenario(
  trace: AvailabilityTraceData,
  startTick: number,
  restartOverheadHours: number,
  job: { readonly workHours: number; readonly deadlineHours: number } = CBL_SETTING,
): Scenario {
  const gap = trace.gapSeconds;
  const s = { ...CBL_SETTING, ...job };
  return {
    name: 'cant-be-late-window',
    horizonHours: s.deadlineHours,
    instanceTypes: [
      {
        name: s.instanceType,
        gpuMemoryMb: s.gpuMemoryMb,
        networkGbps: 10,
        onDemandPerHour: s.onDemandPerHour,
        bootSeconds: 0,
        spotPrice: { kind: 'constant', perHour: s.spotPerHour },
        preemption: { kind: 'trace', trace, offsetSeconds: startTick * gap },
        billing: { incrementSeconds: gap, minimumSeconds: gap },
      },
    ],
    workload: {
      tasks: [
        {
          id: 'job',
          kind: 'training',
          workSeconds: s.workHours * 3600,
          memoryMb: s.gpuMemoryMb,
          stateMb: 0,
          deadlineSeconds: s.deadlineHours * 3600,
        },
      ],
    },
    gracePeriodSeconds: 0,
    detectionLatencySeconds: 0,
    restartOverheadSeconds: restartOverheadHours * 3600,
    policyTickSeconds: gap,
  };
}

/**
 * Synkti's run of a reference run's window and strategy (seed 1: nothing here is random);
 * `job` as for {@link windowScenario}.
 */
export function runWindow(
  trace: AvailabilityTraceData,
  r: ReferenceRun,
  job?: Parameters<typeof windowScenario>[3],
): RunResult {
  return simulate(windowScenario(trace, r.startTick, r.restartOverheadHours, job), {
    policy: createPolicy(CBL_POLICIES[r.strategy]),
    migration: 'optimal',
    seed: 1,
  });
}

/** One window, both sides: cost ÷ on-demand-only cost and whether the deadline was missed. */
export interface WindowComparison {
  readonly trace: string;
  readonly startTick: number;
  readonly strategy: CblStrategy;
  readonly restartOverheadHours: number;
  /** The authors' cost ÷ their on-demand-only cost. */
  readonly theirs: number;
  /** Ours ÷ our on-demand-only cost. */
  readonly ours: number;
  readonly theirsMissed: boolean;
  readonly oursMissed: boolean;
}

/** Key of a window (trace, start tick, overhead), shared by its strategies. */
const windowKey = (r: { trace: string; startTick: number; restartOverheadHours: number }) =>
  `${r.trace}|${r.startTick}|${r.restartOverheadHours}`;

/**
 * Pairs each non-on-demand reference run with Synkti's run of the same window (`run` simulates
 * one window under one strategy), each side divided by its own on-demand-only run.
 * @throws InputError when a window has no on-demand reference run, or a cost divides by zero.
 */
export function compareWindows(
  reference: readonly ReferenceRun[],
  run: (r: ReferenceRun) => Pick<RunResult, 'totalCostUsd' | 'deadlineMisses'>,
): WindowComparison[] {
  const onDemand = new Map<string, { ref: ReferenceRun; ours: number }>();
  for (const r of reference) {
    if (r.strategy !== 'on_demand') continue;
    const ours = run(r).totalCostUsd;
    if (!(r.costUsd > 0 && ours > 0)) {
      throw new InputError(
        `${windowKey(r)}: on-demand cost is 0 (theirs ${r.costUsd}, ours ${ours})`,
      );
    }
    onDemand.set(windowKey(r), { ref: r, ours });
  }
  const out: WindowComparison[] = [];
  for (const r of reference) {
    if (r.strategy === 'on_demand') continue;
    const base = onDemand.get(windowKey(r));
    if (base === undefined) {
      throw new InputError(
        `window ${windowKey(r)}: no on_demand run in the reference to divide ${r.strategy} by`,
      );
    }
    const result = run(r);
    out.push({
      trace: r.trace,
      startTick: r.startTick,
      strategy: r.strategy,
      restartOverheadHours: r.restartOverheadHours,
      theirs: r.costUsd / base.ref.costUsd,
      ours: result.totalCostUsd / base.ours,
      theirsMissed: !r.finished,
      oursMissed: result.deadlineMisses > 0,
    });
  }
  return out;
}

/** Agreement of one group (trace × strategy × overhead). */
export interface GroupAgreement {
  readonly trace: string;
  readonly strategy: CblStrategy;
  readonly restartOverheadHours: number;
  readonly windows: number;
  /** Mean cost ÷ on-demand, theirs and ours. */
  readonly theirsMean: number;
  readonly oursMean: number;
  /** (ours − theirs) / theirs, of the means. */
  readonly meanRelativeDifference: number;
  /** Per-window |ours − theirs| / theirs: median, 90th percentile, maximum. */
  readonly medianAbsRelative: number;
  readonly p90AbsRelative: number;
  readonly maxAbsRelative: number;
  /** Share of windows with |ours − theirs| / theirs ≤ 1%. */
  readonly withinOnePercent: number;
  readonly theirsMisses: number;
  readonly oursMisses: number;
  /** Windows we miss where they do not. */
  readonly extraMisses: number;
}

/** The resolution's tolerances (issue "Agree with the Can't Be Late simulator"). */
export const CBL_TOLERANCES = {
  /** |difference of means| / theirs, at most. */
  meanRelativeDifference: 0.005,
  /** Share of windows within 1%, at least. */
  withinOnePercent: 0.95,
  /** Misses the authors' simulator does not have, at most. */
  extraMisses: 0,
} as const;

/** Per-group agreement, groups in reference order. */
export function agreement(windows: readonly WindowComparison[]): GroupAgreement[] {
  const groups = new Map<string, WindowComparison[]>();
  for (const w of windows) {
    const key = `${w.trace}|${w.strategy}|${w.restartOverheadHours}`;
    const list = groups.get(key) ?? [];
    list.push(w);
    groups.set(key, list);
  }
  return [...groups.values()].map((list) => {
    const first = list[0] as WindowComparison;
    const n = list.length;
    const theirsMean = mean(list.map((w) => w.theirs)) as number;
    const oursMean = mean(list.map((w) => w.ours)) as number;
    const rel = list.map((w) => Math.abs(w.ours - w.theirs) / w.theirs);
    return {
      trace: first.trace,
      strategy: first.strategy,
      restartOverheadHours: first.restartOverheadHours,
      windows: n,
      theirsMean,
      oursMean,
      meanRelativeDifference: (oursMean - theirsMean) / theirsMean,
      medianAbsRelative: quantile(rel, 0.5) as number,
      p90AbsRelative: quantile(rel, 0.9) as number,
      maxAbsRelative: Math.max(...rel),
      withinOnePercent: rel.filter((x) => x <= 0.01).length / n,
      theirsMisses: list.filter((w) => w.theirsMissed).length,
      oursMisses: list.filter((w) => w.oursMissed).length,
      extraMisses: list.filter((w) => w.oursMissed && !w.theirsMissed).length,
    };
  });
}

/** What of {@link CBL_TOLERANCES} a group breaks, as sentences; empty when it agrees. */
export function toleranceFailures(g: GroupAgreement): string[] {
  const t = CBL_TOLERANCES;
  const out: string[] = [];
  if (Math.abs(g.meanRelativeDifference) > t.meanRelativeDifference) {
    out.push(
      `difference of means ${(100 * g.meanRelativeDifference).toFixed(3)}% exceeds ±${100 * t.meanRelativeDifference}%`,
    );
  }
  if (g.withinOnePercent < t.withinOnePercent) {
    out.push(
      `${(100 * g.withinOnePercent).toFixed(1)}% of windows within 1% (at least ${100 * t.withinOnePercent}% needed)`,
    );
  }
  if (g.extraMisses > t.extraMisses) {
    out.push(`${g.extraMisses} deadline misses the authors' simulator does not have`);
  }
  return out;
}
