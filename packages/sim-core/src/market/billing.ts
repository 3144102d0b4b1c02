/**
 * How an instance's held time becomes billed time: a whole number of billing increments, at
 * least a minimum. AWS bills Linux instances, spot and on-demand alike, per second with a
 * one-minute minimum; GCP the same; Azure per minute. The Can't Be Late simulator bills whole
 * trace ticks (increment = minimum = the trace's gap).
 */

import { integrateCostUsd, type PriceProcess } from './price-process.js';

/** Billing increments of an instance type. */
export interface BillingSpec {
  /** Billed time is a whole number of these, seconds (> 0). Default 1 (per-second billing). */
  readonly incrementSeconds?: number;
  /** Least billed time of an instance, seconds (≥ 0). Default 60 (AWS's one-minute minimum). */
  readonly minimumSeconds?: number;
}

/** Default billing: AWS per-second billing with a one-minute minimum. */
export const DEFAULT_BILLING: Required<BillingSpec> = { incrementSeconds: 1, minimumSeconds: 60 };

/**
 * How far above a whole number of increments a held time may be and still bill as that number,
 * seconds: event times are float sums, and 3 ticks of 195 s held must bill 585 s, not 780 s.
 */
const BILLING_TOLERANCE_SECONDS = 1e-6;

/** Billed seconds for `heldSeconds` of holding an instance: max(minimum, ⌈held / increment⌉ × increment). */
export function billedSeconds(heldSeconds: number, billing: Required<BillingSpec>): number {
  const increments = Math.ceil(
    (heldSeconds - BILLING_TOLERANCE_SECONDS) / billing.incrementSeconds,
  );
  return Math.max(billing.minimumSeconds, Math.max(0, increments) * billing.incrementSeconds);
}

/**
 * Cost of an instance launched at `launchedSeconds`, USD, at `price` over its billed time from
 * launch. One that ended (`endedSeconds` defined) is billed whole increments, at least the
 * minimum; one still held at `untilSeconds` is billed the time held so far, unrounded (its
 * increment is not over yet; nothing, if launched at or after then).
 */
export function instanceCostUsd(
  price: PriceProcess,
  billing: Required<BillingSpec>,
  launchedSeconds: number,
  endedSeconds: number | undefined,
  untilSeconds: number,
): number {
  if (endedSeconds === undefined) {
    // Launched at or after `untilSeconds` (a live run's launch can land just past the horizon
    // its bill is asked up to): nothing billed by then.
    if (untilSeconds <= launchedSeconds) return 0;
    return integrateCostUsd(price, launchedSeconds, untilSeconds);
  }
  const billed = billedSeconds(endedSeconds - launchedSeconds, billing);
  return integrateCostUsd(price, launchedSeconds, launchedSeconds + billed);
}
