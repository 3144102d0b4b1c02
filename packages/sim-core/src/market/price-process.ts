/** The spot price interface shared by the Ornstein-Uhlenbeck model and trace replay. */

/**
 * A spot price that is piecewise constant in time: it changes only at discrete instants.
 * Times are simulated seconds from the start of the run (≥ 0); prices are $/hour.
 */
export interface PriceProcess {
  /** The price in $/hour in force at `tSeconds` (the value set at the latest change ≤ t). */
  priceAt(tSeconds: number): number;
  /** The first instant strictly after `tSeconds` at which the price may change, or Infinity. */
  nextChangeAfter(tSeconds: number): number;
  /** Bounds on every price the process can report, $/hour (used to bound thinning rates). */
  readonly minPerHour: number;
  readonly maxPerHour: number;
  /**
   * Optional: {@link integrateCostUsd} computed by the process itself, the same to the bit, for
   * a process that can walk its changes faster than `nextChangeAfter` finds them one by one.
   */
  integrateUsd?(fromSeconds: number, toSeconds: number): number;
}

/** A price that holds `priceOfStep(k)` on step k, [k·Δ, (k+1)·Δ) (see {@link stepIndex}). */
export interface SteppedPrice {
  /** Δ, seconds. */
  readonly stepSeconds: number;
  /** The last step: its price holds from its start on (Infinity: no last step). */
  readonly lastStep: number;
  /** The price of step k ≤ lastStep, $/hour. */
  priceOfStep(k: number): number;
}

/** The price of a stepped price at `tSeconds` (≥ 0), $/hour: its step's, or the last step's. */
export function steppedPriceAt(price: SteppedPrice, tSeconds: number): number {
  return price.priceOfStep(Math.min(stepIndex(tSeconds, price.stepSeconds), price.lastStep));
}

/** The next change of a stepped price after `tSeconds`: its next step's start, or Infinity. */
export function steppedNextChangeAfter(price: SteppedPrice, tSeconds: number): number {
  const k = stepIndex(tSeconds, price.stepSeconds) + 1;
  return k > price.lastStep ? Number.POSITIVE_INFINITY : k * price.stepSeconds;
}

/**
 * {@link integrateCostUsd} over a stepped price, walking the steps by index: the same segments,
 * the same products and the same sums in the same order, so the same USD to the bit. The
 * generic loop finds each next boundary from the last by a division and a floor
 * (`nextChangeAfter`), and the price by another: a chain of dependent divisions that was about a
 * tenth of a sweep run's CPU (billing every instance at the end of the run, one step per 6
 * minutes of its life). From one boundary the next is (k + 1)·Δ, a multiplication.
 */
export function integrateStepsUsd(
  price: SteppedPrice,
  fromSeconds: number,
  toSeconds: number,
): number {
  const step = price.stepSeconds;
  const last = price.lastStep;
  let usd = 0;
  let t = fromSeconds;
  for (let k = stepIndex(fromSeconds, step); t < toSeconds; k++) {
    if (k >= last) {
      // The last price holds from here on: one segment to the end.
      usd += (price.priceOfStep(last) * (toSeconds - t)) / 3600;
      break;
    }
    const end = Math.min((k + 1) * step, toSeconds);
    usd += (price.priceOfStep(k) * (end - t)) / 3600;
    t = end;
  }
  return usd;
}

/**
 * Cost in USD of holding one instance from `fromSeconds` to `toSeconds` at `process`'s price,
 * integrated exactly over its piecewise-constant segments (per-second billing with fractional
 * seconds). O(number of price changes in the interval).
 *
 * @throws RangeError unless 0 ≤ from ≤ to, both finite.
 */
export function integrateCostUsd(
  process: PriceProcess,
  fromSeconds: number,
  toSeconds: number,
): number {
  if (!(fromSeconds >= 0 && toSeconds >= fromSeconds && Number.isFinite(toSeconds))) {
    throw new RangeError(
      `cost interval must satisfy 0 <= from <= to < Infinity, got [${fromSeconds}, ${toSeconds}] s`,
    );
  }
  if (process.integrateUsd !== undefined) return process.integrateUsd(fromSeconds, toSeconds);
  let usd = 0;
  let t = fromSeconds;
  while (t < toSeconds) {
    const end = Math.min(process.nextChangeAfter(t), toSeconds);
    usd += (process.priceAt(t) * (end - t)) / 3600;
    t = end;
  }
  return usd;
}

/**
 * The index k of the price step holding `tSeconds` when step k is [k·Δ, (k+1)·Δ), Δ =
 * `stepSeconds`, with each boundary k·Δ as floating point computes it: k·Δ ≤ t < (k+1)·Δ.
 *
 * `floor(t / Δ)` alone is not that. With a step that is not a whole number of seconds, t / Δ
 * rounds: at t = 43 × 195.3 (= 8397.9, a boundary), t / Δ is 42.99999999999999, so the floor
 * says step 42, and the next change "after" t came out as 43 × 195.3 = t itself. A bill
 * integrated segment by segment then never advanced: `integrateCostUsd` looped forever. The
 * floor is off by at most one either way, so one comparison each way corrects it. For a whole
 * number of seconds (every committed scenario) k·Δ is exact and the floor is already right.
 */
export function stepIndex(tSeconds: number, stepSeconds: number): number {
  const k = Math.floor(tSeconds / stepSeconds);
  if ((k + 1) * stepSeconds <= tSeconds) return k + 1;
  if (k * stepSeconds > tSeconds) return k - 1;
  return k;
}

/** A constant price, $/hour: the on-demand market, and a handy test double. */
export class ConstantPrice implements PriceProcess {
  readonly minPerHour: number;
  readonly maxPerHour: number;

  /** @throws RangeError unless `pricePerHour` is finite and ≥ 0. */
  constructor(readonly pricePerHour: number) {
    if (!(pricePerHour >= 0 && Number.isFinite(pricePerHour))) {
      throw new RangeError(`price must be finite $/hour >= 0, got ${pricePerHour}`);
    }
    this.minPerHour = pricePerHour;
    this.maxPerHour = pricePerHour;
  }

  priceAt(): number {
    return this.pricePerHour;
  }

  nextChangeAfter(): number {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * A price given as a step function: `pricesPerHour[k]` holds on
 * [k·stepSeconds, (k+1)·stepSeconds); the last value holds forever after.
 */
export class StepPrice implements PriceProcess, SteppedPrice {
  readonly minPerHour: number;
  readonly maxPerHour: number;
  readonly lastStep: number;

  /** @throws RangeError on an empty or non-finite price list or a non-positive step. */
  constructor(
    readonly stepSeconds: number,
    readonly pricesPerHour: ArrayLike<number>,
  ) {
    if (!(stepSeconds > 0 && Number.isFinite(stepSeconds))) {
      throw new RangeError(`price step must be finite seconds > 0, got ${stepSeconds}`);
    }
    if (pricesPerHour.length === 0) throw new RangeError('price list must not be empty');
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < pricesPerHour.length; k++) {
      const p = pricesPerHour[k] as number;
      if (!(p >= 0 && Number.isFinite(p))) {
        throw new RangeError(`price ${k} must be finite $/hour >= 0, got ${p}`);
      }
      min = Math.min(min, p);
      max = Math.max(max, p);
    }
    this.minPerHour = min;
    this.maxPerHour = max;
    this.lastStep = pricesPerHour.length - 1;
  }

  priceOfStep(k: number): number {
    return this.pricesPerHour[k] as number;
  }

  integrateUsd(fromSeconds: number, toSeconds: number): number {
    return integrateStepsUsd(this, fromSeconds, toSeconds);
  }

  priceAt(tSeconds: number): number {
    // Before 0 (never asked by a run), the first price.
    return steppedPriceAt(this, Math.max(0, tSeconds));
  }

  nextChangeAfter(tSeconds: number): number {
    return steppedNextChangeAfter(this, tSeconds);
  }
}
