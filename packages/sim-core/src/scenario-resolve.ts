/**
 * Fills in a {@link Scenario}'s defaults and checks every value before a run starts, so that a
 * bad scenario fails at once with the field path rather than mid-run or as a NaN.
 */

import { tickStartAtOrAfter } from './market/availability-trace.js';
import { type BillingSpec, DEFAULT_BILLING } from './market/billing.js';
import { checkOuParams, OuParamsError } from './market/ou-price.js';
import { TracePriceProcess } from './market/spot-price-history.js';
import type {
  CheckpointSpec,
  InstanceTypeSpec,
  PreemptionSpec,
  Scenario,
  SpotPriceSpec,
} from './scenario.js';

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
  readonly spotPrice: SpotPriceSpec;
  readonly preemption: PreemptionSpec;
  readonly billing: Required<BillingSpec>;
  readonly zone: string | undefined;
  readonly region: string | undefined;
}

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

/** Default spot price as a share of on-demand when a type gives none (prototype: 0.30/1.00). */
export const DEFAULT_SPOT_SHARE = 0.3;

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
  const speed = t.speed ?? 1;
  check(positive(speed), `${path}.speed`, 'work-seconds per second > 0', speed);
  const bootSeconds = t.bootSeconds ?? 90;
  check(nonNegative(bootSeconds), `${path}.bootSeconds`, 'seconds >= 0', bootSeconds);
  const spotPrice: SpotPriceSpec = t.spotPrice ?? {
    kind: 'constant',
    perHour: DEFAULT_SPOT_SHARE * t.onDemandPerHour,
  };
  const sp = `${path}.spotPrice`;
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
    const step = spotPrice.stepSeconds ?? 300;
    check(positive(step), `${sp}.stepSeconds`, 'seconds > 0', step);
    // Cross-field constraints (floor <= cap, …) are the price process's own, checked here too.
    try {
      checkOuParams(
        {
          ...spotPrice,
          floorPerHour: spotPrice.floorPerHour ?? 0,
          capPerHour: spotPrice.capPerHour ?? t.onDemandPerHour,
        },
        step,
      );
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
  } else if (spotPrice.kind === 'trace') {
    check(
      Array.isArray(spotPrice.records),
      `${sp}.records`,
      'parsed price records',
      spotPrice.records,
    );
    // The records must hold the selected zone and type: the price process's own check.
    try {
      new TracePriceProcess(spotPrice.records, {
        instanceType: spotPrice.instanceType ?? t.name,
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
    check(
      false,
      `${sp}.kind`,
      '"ou", "constant" or "trace"',
      (spotPrice as { kind: unknown }).kind,
    );
  }
  const preemption: PreemptionSpec = t.preemption ?? { kind: 'poisson' };
  const pp = `${path}.preemption`;
  if (preemption.kind === 'poisson') {
    const rate = preemption.ratePerHour ?? 0.05;
    check(nonNegative(rate), `${pp}.ratePerHour`, 'notices per hour >= 0', rate);
    const s = preemption.priceSensitivity ?? 0;
    check(Number.isFinite(s), `${pp}.priceSensitivity`, 'a finite number', s);
    check(
      s === 0 || spotPrice.kind !== 'constant',
      `${pp}.priceSensitivity`,
      '0 with a constant spot price (nothing to be sensitive to)',
      s,
    );
  } else if (preemption.kind === 'trace') {
    check(
      preemption.trace !== undefined && preemption.trace.capacity instanceof Int32Array,
      `${pp}.trace`,
      'a parsed availability trace',
      preemption.trace,
    );
    const offset = preemption.offsetSeconds ?? 0;
    check(
      offset === 'random' || nonNegative(offset),
      `${pp}.offsetSeconds`,
      'seconds >= 0 or "random"',
      offset,
    );
    const gap = preemption.trace.gapSeconds;
    const span = preemption.trace.capacity.length * gap;
    // A run starts at the first tick start at or after the offset (market/trace-offset.ts).
    const needed = (offset === 'random' ? 0 : tickStartAtOrAfter(offset, gap)) + horizonSeconds;
    check(
      needed <= span,
      `${pp}.trace`,
      `a trace covering offset + horizon = ${needed} s (shorten the horizon or the offset)`,
      `a trace of ${span} s`,
    );
  } else {
    check(false, `${pp}.kind`, '"poisson" or "trace"', (preemption as { kind: unknown }).kind);
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
    spotPrice,
    preemption,
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
    fullThreshold: c.fullThreshold ?? 1.0,
    partialThreshold: c.partialThreshold ?? 0.3,
    storageBandwidthGbps: c.storageBandwidthGbps ?? 10,
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
  const gracePeriodSeconds = scenario.gracePeriodSeconds ?? 120;
  check(nonNegative(gracePeriodSeconds), 'gracePeriodSeconds', 'seconds >= 0', gracePeriodSeconds);
  const detectionLatencySeconds = scenario.detectionLatencySeconds ?? 1;
  check(
    nonNegative(detectionLatencySeconds) && detectionLatencySeconds <= gracePeriodSeconds,
    'detectionLatencySeconds',
    `seconds in [0, gracePeriodSeconds=${gracePeriodSeconds}]`,
    detectionLatencySeconds,
  );
  const idleReleaseSeconds = scenario.idleReleaseSeconds ?? 0;
  check(nonNegative(idleReleaseSeconds), 'idleReleaseSeconds', 'seconds >= 0', idleReleaseSeconds);
  const restartOverheadSeconds = scenario.restartOverheadSeconds ?? 0;
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
