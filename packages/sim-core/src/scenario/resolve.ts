/**
 * Fills in a {@link Scenario}'s defaults and checks every value before a run starts, so that a
 * bad scenario fails at once with the field path rather than mid-run or as a NaN.
 */

import { tickStartAtOrAfter } from '../market/availability-trace.js';
import { type BillingSpec, DEFAULT_BILLING } from '../market/billing.js';
import { checkOuParams, OuParamsError } from '../market/ou-price.js';
import { TracePriceProcess } from '../market/spot-price-history.js';
import {
  DEFAULT_BOOT_SECONDS,
  DEFAULT_CHECKPOINT,
  DEFAULT_DETECTION_LATENCY_SECONDS,
  DEFAULT_GRACE_PERIOD_SECONDS,
  DEFAULT_IDLE_RELEASE_SECONDS,
  DEFAULT_OU_FLOOR_PER_HOUR,
  DEFAULT_OU_STEP_SECONDS,
  DEFAULT_PREEMPTION_RATE_PER_HOUR,
  DEFAULT_PRICE_SENSITIVITY,
  DEFAULT_RESTART_OVERHEAD_SECONDS,
  DEFAULT_SPEED,
  DEFAULT_SPOT_SHARE,
  DEFAULT_TRACE_OFFSET_SECONDS,
} from './defaults.js';
import type {
  CheckpointSpec,
  InstanceTypeSpec,
  PreemptionSpec,
  Scenario,
  SpotPriceSpec,
} from './types.js';

/** Thrown on an invalid scenario: names the field path, what was expected and what was found. */
export class ScenarioError extends Error {
  constructor(
    /** Dotted field path, e.g. `instanceTypes[0].gpuMemoryMb`. */
    readonly path: string,
    readonly expected: string,
    readonly found: unknown,
  ) {
    super(`${path}: expected ${expected}, got ${describe(found)}`);
    this.name = 'ScenarioError';
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** An instance type with every default filled in. */
export interface ResolvedInstanceType {
  readonly name: string;
  readonly gpuMemoryMb: number;
  readonly networkGbps: number;
  /** networkGbps × 125. */
  readonly networkMBps: number;
  readonly onDemandPerHour: number;
  readonly speed: number;
  readonly bootSeconds: number;
  readonly spotPrice: ResolvedSpotPrice;
  readonly preemption: ResolvedPreemption;
  /** See {@link InstanceTypeSpec.rebalanceLeadSeconds}; undefined: no recommendations. */
  readonly rebalanceLeadSeconds: number | undefined;
  readonly billing: Required<BillingSpec>;
  readonly zone: string | undefined;
  readonly region: string | undefined;
}

/** A spot price with every default filled in (an OU price's step, floor and cap). */
export type ResolvedSpotPrice =
  | (Extract<SpotPriceSpec, { kind: 'ou' }> & {
      readonly stepSeconds: number;
      readonly floorPerHour: number;
      readonly capPerHour: number;
    })
  | Extract<SpotPriceSpec, { kind: 'constant' }>
  | (Extract<SpotPriceSpec, { kind: 'trace' }> & { readonly instanceType: string });

/** A preemption model with every default filled in. */
export type ResolvedPreemption =
  | { readonly kind: 'poisson'; readonly ratePerHour: number; readonly priceSensitivity: number }
  | (Extract<PreemptionSpec, { kind: 'trace' }> & { readonly offsetSeconds: number | 'random' });

/** A scenario with every default filled in (workload untouched). */
export interface ResolvedScenario {
  readonly source: Scenario;
  readonly horizonSeconds: number;
  readonly instanceTypes: readonly ResolvedInstanceType[];
  readonly checkpoint: Required<CheckpointSpec>;
  readonly gracePeriodSeconds: number;
  readonly detectionLatencySeconds: number;
  readonly idleReleaseSeconds: number;
  readonly restartOverheadSeconds: number;
  readonly policyTickSeconds: number | undefined;
}

/** 1 Gbps in MB/s (MB = 10^6 bytes). */
export const MB_PER_SECOND_PER_GBPS = 125;

/**
 * The highest price a scenario may state, $/hour. No instance costs a million dollars an hour;
 * far larger prices overflow cost sums to Infinity and savings to NaN, so they are refused.
 */
export const MAX_PRICE_PER_HOUR = 1e6;

/** @throws ScenarioError(path, expected, found) unless `ok`. */
export function check(ok: boolean, path: string, expected: string, found: unknown): void {
  if (!ok) throw new ScenarioError(path, expected, found);
}

const positive = (x: unknown): x is number => typeof x === 'number' && x > 0 && Number.isFinite(x);
const nonNegative = (x: unknown): x is number =>
  typeof x === 'number' && x >= 0 && Number.isFinite(x);

function resolveType(
  t: InstanceTypeSpec,
  path: string,
  horizonSeconds: number,
): ResolvedInstanceType {
  check(
    typeof t.name === 'string' && t.name.length > 0,
    `${path}.name`,
    'a non-empty name',
    t.name,
  );
  check(positive(t.gpuMemoryMb), `${path}.gpuMemoryMb`, 'MB > 0', t.gpuMemoryMb);
  check(positive(t.networkGbps), `${path}.networkGbps`, 'Gbps > 0', t.networkGbps);
  check(
    positive(t.onDemandPerHour) && t.onDemandPerHour <= MAX_PRICE_PER_HOUR,
    `${path}.onDemandPerHour`,
    `$/hour in (0, ${MAX_PRICE_PER_HOUR}]`,
    t.onDemandPerHour,
  );
  const speed = t.speed ?? DEFAULT_SPEED;
  check(positive(speed), `${path}.speed`, 'work-seconds per second > 0', speed);
  const bootSeconds = t.bootSeconds ?? DEFAULT_BOOT_SECONDS;
  check(nonNegative(bootSeconds), `${path}.bootSeconds`, 'seconds >= 0', bootSeconds);
  if (t.rebalanceLeadSeconds !== undefined) {
    check(
      nonNegative(t.rebalanceLeadSeconds),
      `${path}.rebalanceLeadSeconds`,
      'seconds >= 0',
      t.rebalanceLeadSeconds,
    );
  }
  const spotPrice: SpotPriceSpec = t.spotPrice ?? {
    kind: 'constant',
    perHour: DEFAULT_SPOT_SHARE * t.onDemandPerHour,
  };
  const sp = `${path}.spotPrice`;
  let resolvedSpot: ResolvedSpotPrice;
  if (spotPrice.kind === 'ou') {
    check(
      positive(spotPrice.meanPerHour) && spotPrice.meanPerHour <= MAX_PRICE_PER_HOUR,
      `${sp}.meanPerHour`,
      `$/hour in (0, ${MAX_PRICE_PER_HOUR}]`,
      spotPrice.meanPerHour,
    );
    const cap = spotPrice.capPerHour;
    check(
      cap === undefined || (positive(cap) && cap <= MAX_PRICE_PER_HOUR),
      `${sp}.capPerHour`,
      `$/hour in (0, ${MAX_PRICE_PER_HOUR}]`,
      cap,
    );
    check(positive(spotPrice.theta), `${sp}.theta`, 'a rate > 0 per hour', spotPrice.theta);
    check(nonNegative(spotPrice.sigma), `${sp}.sigma`, '$/hour/√hour >= 0', spotPrice.sigma);
    const step = spotPrice.stepSeconds ?? DEFAULT_OU_STEP_SECONDS;
    check(positive(step), `${sp}.stepSeconds`, 'seconds > 0', step);
    // A price is never negative (the OU process itself would allow a negative floor).
    const { floorPerHour: floor, initialPerHour: initial } = spotPrice;
    check(floor === undefined || nonNegative(floor), `${sp}.floorPerHour`, '$/hour >= 0', floor);
    check(
      initial === undefined || nonNegative(initial),
      `${sp}.initialPerHour`,
      '$/hour >= 0',
      initial,
    );
    resolvedSpot = {
      ...spotPrice,
      stepSeconds: step,
      floorPerHour: spotPrice.floorPerHour ?? DEFAULT_OU_FLOOR_PER_HOUR,
      // Spot never costs more than on-demand on AWS.
      capPerHour: spotPrice.capPerHour ?? t.onDemandPerHour,
    };
    // Cross-field constraints (floor <= cap, …) are the price process's own, checked here too.
    try {
      checkOuParams(resolvedSpot, step);
    } catch (error) {
      if (!(error instanceof OuParamsError)) throw error;
      const found =
        error.field === 'floorPerHour' && spotPrice.capPerHour === undefined
          ? `${String(error.found)} (the cap defaults to onDemandPerHour)`
          : error.found;
      throw new ScenarioError(`${sp}.${error.field}`, error.expected, found);
    }
  } else if (spotPrice.kind === 'constant') {
    check(
      nonNegative(spotPrice.perHour) && spotPrice.perHour <= MAX_PRICE_PER_HOUR,
      `${sp}.perHour`,
      `$/hour in [0, ${MAX_PRICE_PER_HOUR}]`,
      spotPrice.perHour,
    );
    resolvedSpot = spotPrice;
  } else if (spotPrice.kind === 'trace') {
    check(
      Array.isArray(spotPrice.records),
      `${sp}.records`,
      'parsed price records',
      spotPrice.records,
    );
    resolvedSpot = { ...spotPrice, instanceType: spotPrice.instanceType ?? t.name };
    // The records must hold the selected zone and type: the price process's own check.
    try {
      new TracePriceProcess(spotPrice.records, {
        instanceType: resolvedSpot.instanceType,
        availabilityZone: spotPrice.availabilityZone,
        ...(spotPrice.productDescription !== undefined
          ? { productDescription: spotPrice.productDescription }
          : {}),
        ...(spotPrice.startSeconds !== undefined ? { startSeconds: spotPrice.startSeconds } : {}),
      });
    } catch (error) {
      throw new ScenarioError(
        `${sp}.availabilityZone`,
        'a zone and type the price history holds',
        (error as Error).message,
      );
    }
  } else {
    return check(
      false,
      `${sp}.kind`,
      '"ou", "constant" or "trace"',
      (spotPrice as { kind: unknown }).kind,
    ) as never;
  }
  const preemption: PreemptionSpec = t.preemption ?? { kind: 'poisson' };
  const pp = `${path}.preemption`;
  let resolvedPreemption: ResolvedPreemption;
  if (preemption.kind === 'poisson') {
    const rate = preemption.ratePerHour ?? DEFAULT_PREEMPTION_RATE_PER_HOUR;
    check(nonNegative(rate), `${pp}.ratePerHour`, 'notices per hour >= 0', rate);
    const s = preemption.priceSensitivity ?? DEFAULT_PRICE_SENSITIVITY;
    check(Number.isFinite(s), `${pp}.priceSensitivity`, 'a finite number', s);
    check(
      s === 0 || spotPrice.kind !== 'constant',
      `${pp}.priceSensitivity`,
      '0 with a constant spot price (nothing to be sensitive to)',
      s,
    );
    resolvedPreemption = { kind: 'poisson', ratePerHour: rate, priceSensitivity: s };
  } else if (preemption.kind === 'trace') {
    check(
      preemption.trace !== undefined && preemption.trace.capacity instanceof Int32Array,
      `${pp}.trace`,
      'a parsed availability trace',
      preemption.trace,
    );
    const offset = preemption.offsetSeconds ?? DEFAULT_TRACE_OFFSET_SECONDS;
    resolvedPreemption = { ...preemption, offsetSeconds: offset };
    check(
      offset === 'random' || nonNegative(offset),
      `${pp}.offsetSeconds`,
      'seconds >= 0 or "random"',
      offset,
    );
    const gap = preemption.trace.gapSeconds;
    const span = preemption.trace.capacity.length * gap;
    // A run starts at the first tick start at or after the offset (trace-offset.ts).
    const needed = (offset === 'random' ? 0 : tickStartAtOrAfter(offset, gap)) + horizonSeconds;
    check(
      needed <= span,
      `${pp}.trace`,
      `a trace covering offset + horizon = ${needed} s (shorten the horizon or the offset)`,
      `a trace of ${span} s`,
    );
  } else {
    return check(
      false,
      `${pp}.kind`,
      '"poisson" or "trace"',
      (preemption as { kind: unknown }).kind,
    ) as never;
  }
  const billing = {
    incrementSeconds: t.billing?.incrementSeconds ?? DEFAULT_BILLING.incrementSeconds,
    minimumSeconds: t.billing?.minimumSeconds ?? DEFAULT_BILLING.minimumSeconds,
  };
  check(
    positive(billing.incrementSeconds),
    `${path}.billing.incrementSeconds`,
    'seconds > 0',
    billing.incrementSeconds,
  );
  check(
    nonNegative(billing.minimumSeconds),
    `${path}.billing.minimumSeconds`,
    'seconds >= 0',
    billing.minimumSeconds,
  );
  return {
    name: t.name,
    gpuMemoryMb: t.gpuMemoryMb,
    networkGbps: t.networkGbps,
    networkMBps: t.networkGbps * MB_PER_SECOND_PER_GBPS,
    onDemandPerHour: t.onDemandPerHour,
    speed,
    bootSeconds,
    spotPrice: resolvedSpot,
    preemption: resolvedPreemption,
    rebalanceLeadSeconds: t.rebalanceLeadSeconds,
    billing,
    zone: t.zone,
    region: t.region,
  };
}

/**
 * Checks `scenario` and fills in its defaults.
 * @throws ScenarioError naming the first bad field.
 */
export function resolveScenario(scenario: Scenario): ResolvedScenario {
  check(positive(scenario.horizonHours), 'horizonHours', 'hours > 0', scenario.horizonHours);
  check(
    Array.isArray(scenario.instanceTypes) && scenario.instanceTypes.length > 0,
    'instanceTypes',
    'a non-empty list of instance types',
    scenario.instanceTypes,
  );
  const instanceTypes = scenario.instanceTypes.map((t, k) =>
    resolveType(t, `instanceTypes[${k}]`, scenario.horizonHours * 3600),
  );
  const names = new Set<string>();
  instanceTypes.forEach((t, k) => {
    check(!names.has(t.name), `instanceTypes[${k}].name`, 'a name not used before', t.name);
    names.add(t.name);
  });
  const c = scenario.checkpoint ?? {};
  const checkpoint = {
    fullThreshold: c.fullThreshold ?? DEFAULT_CHECKPOINT.fullThreshold,
    partialThreshold: c.partialThreshold ?? DEFAULT_CHECKPOINT.partialThreshold,
    storageBandwidthGbps: c.storageBandwidthGbps ?? DEFAULT_CHECKPOINT.storageBandwidthGbps,
  };
  check(
    positive(checkpoint.fullThreshold),
    'checkpoint.fullThreshold',
    'a ratio > 0',
    checkpoint.fullThreshold,
  );
  check(
    nonNegative(checkpoint.partialThreshold) &&
      checkpoint.partialThreshold <= checkpoint.fullThreshold,
    'checkpoint.partialThreshold',
    `a ratio in [0, fullThreshold=${checkpoint.fullThreshold}]`,
    checkpoint.partialThreshold,
  );
  check(
    positive(checkpoint.storageBandwidthGbps),
    'checkpoint.storageBandwidthGbps',
    'Gbps > 0',
    checkpoint.storageBandwidthGbps,
  );
  const gracePeriodSeconds = scenario.gracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS;
  check(nonNegative(gracePeriodSeconds), 'gracePeriodSeconds', 'seconds >= 0', gracePeriodSeconds);
  const detectionLatencySeconds =
    scenario.detectionLatencySeconds ?? DEFAULT_DETECTION_LATENCY_SECONDS;
  check(
    nonNegative(detectionLatencySeconds) && detectionLatencySeconds <= gracePeriodSeconds,
    'detectionLatencySeconds',
    `seconds in [0, gracePeriodSeconds=${gracePeriodSeconds}]`,
    detectionLatencySeconds,
  );
  const idleReleaseSeconds = scenario.idleReleaseSeconds ?? DEFAULT_IDLE_RELEASE_SECONDS;
  check(nonNegative(idleReleaseSeconds), 'idleReleaseSeconds', 'seconds >= 0', idleReleaseSeconds);
  const restartOverheadSeconds =
    scenario.restartOverheadSeconds ?? DEFAULT_RESTART_OVERHEAD_SECONDS;
  check(
    nonNegative(restartOverheadSeconds),
    'restartOverheadSeconds',
    'seconds >= 0',
    restartOverheadSeconds,
  );
  const tick = scenario.policyTickSeconds;
  check(tick === undefined || positive(tick), 'policyTickSeconds', 'seconds > 0', tick);
  return {
    source: scenario,
    horizonSeconds: scenario.horizonHours * 3600,
    instanceTypes,
    checkpoint,
    gracePeriodSeconds,
    detectionLatencySeconds,
    idleReleaseSeconds,
    restartOverheadSeconds,
    policyTickSeconds: tick,
  };
}
