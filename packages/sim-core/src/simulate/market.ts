/**
 * The market of one instance type in a run: its spot price, its on-demand price, its preemption
 * process, and its pool of spot slots (trace capacity). Built once per run from the resolved
 * type and the seed's named streams.
 */

import { createRng } from '../engine/rng.js';
import { AvailabilityTrace } from '../market/availability-trace.js';
import { OuPriceProcess } from '../market/ou-price.js';
import {
  PoissonPreemption,
  type PreemptionProcess,
  PriceSensitivePreemption,
  TracePreemption,
} from '../market/preemption.js';
import { ConstantPrice, type PriceProcess } from '../market/price-process.js';
import { TracePriceProcess } from '../market/spot-price-history.js';
import type { ResolvedInstanceType } from '../scenario/resolve.js';
import { traceOffsetSeconds } from '../scenario/trace-offset.js';

/** Market state of one instance type: its spot price and preemption process. */
export interface TypeMarket {
  readonly type: ResolvedInstanceType;
  readonly spotPrice: PriceProcess;
  readonly onDemandPrice: PriceProcess;
  readonly preemption: PreemptionProcess;
  /** Spot instances launched so far (names the preemption streams). */
  spotLaunched: number;
  /** Live spot instances (their slots). */
  readonly spotSlots: Set<number>;
}

/** Builds the market of `type` for a run of `seed` (its price and preemption streams). */
export function buildMarket(
  type: ResolvedInstanceType,
  seed: string | number,
  horizonSeconds: number,
): TypeMarket {
  const sp = type.spotPrice;
  let spotPrice: PriceProcess;
  if (sp.kind === 'ou') {
    spotPrice = new OuPriceProcess(
      {
        meanPerHour: sp.meanPerHour,
        theta: sp.theta,
        sigma: sp.sigma,
        ...(sp.initialPerHour !== undefined ? { initialPerHour: sp.initialPerHour } : {}),
        floorPerHour: sp.floorPerHour,
        capPerHour: sp.capPerHour,
      },
      sp.stepSeconds,
      createRng(seed, `prices/${type.name}`),
    );
  } else if (sp.kind === 'constant') {
    spotPrice = new ConstantPrice(sp.perHour);
  } else {
    spotPrice = new TracePriceProcess(sp.records, {
      instanceType: sp.instanceType,
      availabilityZone: sp.availabilityZone,
      ...(sp.productDescription !== undefined ? { productDescription: sp.productDescription } : {}),
      ...(sp.startSeconds !== undefined ? { startSeconds: sp.startSeconds } : {}),
    });
  }
  const pp = type.preemption;
  let preemption: PreemptionProcess;
  if (pp.kind === 'trace') {
    const offset = traceOffsetSeconds(pp, type.name, seed, horizonSeconds);
    preemption = new TracePreemption(new AvailabilityTrace(pp.trace, offset));
  } else if (pp.priceSensitivity !== 0) {
    const mu =
      sp.kind === 'ou' ? sp.meanPerHour : (spotPrice.minPerHour + spotPrice.maxPerHour) / 2;
    preemption = new PriceSensitivePreemption(pp.ratePerHour, pp.priceSensitivity, spotPrice, mu);
  } else {
    preemption = new PoissonPreemption(pp.ratePerHour);
  }
  return {
    type,
    spotPrice,
    onDemandPrice: new ConstantPrice(type.onDemandPerHour),
    preemption,
    spotLaunched: 0,
    spotSlots: new Set(),
  };
}

/** The answer of the spot market to a launch request. */
export type SpotLaunch =
  | {
      readonly granted: true;
      /** The pool slot the instance holds until its notice or its end. */
      readonly slot: number;
      /** When its notice comes, seconds; after the horizon when none comes within it. */
      readonly noticeAt: number;
    }
  | {
      readonly granted: false;
      /** The first time spot capacity returns, seconds (the caller may ask again then). */
      readonly availableAt: number;
    };

/**
 * Asks `m`'s spot market for an instance at `now`: refused while the market (a trace) has no
 * capacity; else the instance takes the lowest free slot and its notice time is drawn from its
 * own stream, `preemptions/<type>/<k>` for the type's k-th granted spot launch, so launches are
 * independent of each other and of everything else (common random numbers). `simulate` and the
 * emulated cloud of live mode both launch through this function.
 */
export function requestSpot(
  m: TypeMarket,
  now: number,
  seed: string | number,
  horizonSeconds: number,
): SpotLaunch {
  const slot = freeSlot(m);
  const availableAt = m.preemption.nextLaunchAt(now, slot);
  if (availableAt > now) return { granted: false, availableAt };
  m.spotSlots.add(slot);
  const rng = createRng(seed, `preemptions/${m.type.name}/${m.spotLaunched++}`);
  return {
    granted: true,
    slot,
    noticeAt: m.preemption.nextNoticeAt(now, horizonSeconds, rng, slot),
  };
}

/** The lowest pool slot no live spot instance of the type holds. Only traces use slots. */
export function freeSlot(m: TypeMarket): number {
  if (m.type.preemption.kind !== 'trace') return 0;
  let slot = 0;
  while (m.spotSlots.has(slot)) slot++;
  return slot;
}

/** Gives a spot instance's slot back to `m`'s pool (at its notice or its end). */
export function releaseSpotSlot(m: TypeMarket, slot: number): void {
  m.spotSlots.delete(slot);
}
