/**
 * Preemption processes: when a running spot instance gets its notice, and when spot capacity
 * can be launched at all.
 *
 * Each spot instance owns a random stream (the cluster names it by instance type, zone and launch
 * ordinal), so runs that launch the k-th instance of a pool see the same preemption draws for it
 * whatever else differs (common random numbers).
 */

import type { Rng } from '../engine/rng.js';
import { DEFAULT_PREEMPTION_RATE_PER_HOUR } from '../scenario/defaults.js';
import type { AvailabilityTrace } from './availability-trace.js';
import type { PriceProcess } from './price-process.js';

/** A model of when spot instances are preempted. Times in simulated seconds. */
export interface PreemptionProcess {
  /**
   * The time ≥ `fromSeconds` of the first notice for a spot instance running from `fromSeconds`
   * on, or Infinity when none comes by `untilSeconds`. Draws only from `rng`.
   * @param slot The instance's slot in its pool (0 = first held instance); used by traces that
   * count capacity (16-node traces), ignored by the others.
   */
  nextNoticeAt(fromSeconds: number, untilSeconds: number, rng: Rng, slot: number): number;
  /** The first time ≥ `tSeconds` at which a spot instance (in `slot`) can be launched. */
  nextLaunchAt(tSeconds: number, slot: number): number;
}

function checkRate(ratePerHour: number): void {
  if (!(ratePerHour >= 0 && Number.isFinite(ratePerHour))) {
    throw new RangeError(`preemption ratePerHour must be finite and >= 0, got ${ratePerHour}`);
  }
}

/** Homogeneous Poisson preemptions at a constant rate; spot can always be launched. */
export class PoissonPreemption implements PreemptionProcess {
  /** @param ratePerHour Notices per instance-hour. Default 0.05. */
  constructor(readonly ratePerHour = DEFAULT_PREEMPTION_RATE_PER_HOUR) {
    checkRate(ratePerHour);
  }

  nextNoticeAt(fromSeconds: number, untilSeconds: number, rng: Rng): number {
    const t = fromSeconds + rng.exponential(this.ratePerHour / 3600);
    return t <= untilSeconds ? t : Number.POSITIVE_INFINITY;
  }

  nextLaunchAt(tSeconds: number): number {
    return tSeconds;
  }
}

/**
 * Non-homogeneous Poisson preemptions whose rate follows the spot price:
 * λ(t) = ratePerHour · max(0, 1 + sensitivity · (price(t) − μ) / μ), sampled exactly by
 * thinning (Lewis and Shedler, 1979): candidates from a homogeneous process at the bound
 * λmax (over the price process's [min, max]) are accepted with probability λ(t)/λmax.
 */
export class PriceSensitivePreemption implements PreemptionProcess {
  /** The thinning bound, notices per second. */
  readonly maxRatePerSecond: number;

  /**
   * @param meanPerHour μ, the reference price, $/hour (> 0): usually the OU mean.
   * @param sensitivity Rate change per unit of relative price deviation (0 = constant rate).
   * @throws RangeError on invalid parameters, or an unbounded price with non-zero sensitivity.
   */
  constructor(
    readonly ratePerHour: number,
    readonly sensitivity: number,
    readonly price: PriceProcess,
    readonly meanPerHour: number,
  ) {
    checkRate(ratePerHour);
    if (!Number.isFinite(sensitivity)) {
      throw new RangeError(`priceSensitivity must be finite, got ${sensitivity}`);
    }
    if (!(meanPerHour > 0 && Number.isFinite(meanPerHour))) {
      throw new RangeError(`reference meanPerHour must be finite $/hour > 0, got ${meanPerHour}`);
    }
    const bound = Math.max(0, this.#factor(price.minPerHour), this.#factor(price.maxPerHour));
    if (!Number.isFinite(bound)) {
      throw new RangeError(
        'price-sensitive preemption needs a bounded price: set capPerHour (e.g. the on-demand price)',
      );
    }
    this.maxRatePerSecond = (ratePerHour / 3600) * bound;
  }

  #factor(pricePerHour: number): number {
    if (this.sensitivity === 0) return 1;
    return 1 + (this.sensitivity * (pricePerHour - this.meanPerHour)) / this.meanPerHour;
  }

  /** The instantaneous rate at t, notices per hour. */
  ratePerHourAt(tSeconds: number): number {
    return this.ratePerHour * Math.max(0, this.#factor(this.price.priceAt(tSeconds)));
  }

  nextNoticeAt(fromSeconds: number, untilSeconds: number, rng: Rng): number {
    const bound = this.maxRatePerSecond;
    if (bound === 0) return Number.POSITIVE_INFINITY;
    let t = fromSeconds;
    for (;;) {
      t += rng.exponential(bound);
      if (t > untilSeconds) return Number.POSITIVE_INFINITY;
      // One uniform per candidate, whether or not it is accepted: keeps the stream's use fixed.
      if (rng.next() * bound * 3600 < this.ratePerHourAt(t)) return t;
    }
  }

  nextLaunchAt(tSeconds: number): number {
    return tSeconds;
  }
}

/**
 * Preemptions replayed from an availability trace: a running spot instance gets its notice at
 * the start of the first tick in which its slot is unavailable, and spot can be launched only
 * in available ticks. Draws no random numbers.
 */
export class TracePreemption implements PreemptionProcess {
  constructor(readonly trace: AvailabilityTrace) {}

  nextNoticeAt(fromSeconds: number, untilSeconds: number, _rng: Rng, slot: number): number {
    const t = this.trace.nextUnavailableAt(fromSeconds, slot);
    return t <= untilSeconds ? t : Number.POSITIVE_INFINITY;
  }

  nextLaunchAt(tSeconds: number, slot: number): number {
    return this.trace.nextAvailableAt(tSeconds, slot);
  }
}
