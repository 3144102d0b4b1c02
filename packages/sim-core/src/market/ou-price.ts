/**
 * Ornstein-Uhlenbeck spot prices: dX = θ(μ − X)dt + σ dW, sampled every Δ with the exact
 * discretisation X(t+Δ) = μ + (X(t) − μ)e^(−θΔ) + σ·sqrt((1 − e^(−2θΔ))/(2θ))·N(0,1) (not Euler,
 * so any step size is unbiased). The reported price is the latent X clamped to [floor, cap];
 * the latent state itself is never clamped, so the clamp does not change the dynamics.
 * Stationary law of X: mean μ, variance σ²/(2θ); lag-Δ autocorrelation e^(−θΔ).
 */

import type { Rng } from '../engine/rng.js';
import {
  integrateStepsUsd,
  type PriceProcess,
  type SteppedPrice,
  steppedNextChangeAfter,
  steppedPriceAt,
} from './price-process.js';

/** Parameters of an OU price. Rates per hour, prices $/hour. */
export interface OuParams {
  /** Long-run mean μ, $/hour. */
  readonly meanPerHour: number;
  /** Mean-reversion rate θ, 1/hour (> 0). */
  readonly theta: number;
  /** Volatility σ, $/hour/√hour (≥ 0). */
  readonly sigma: number;
  /** Latent price at t = 0, $/hour. Default μ. */
  readonly initialPerHour?: number;
  /** Lowest reported price, $/hour. Default 0 (prices are never negative). */
  readonly floorPerHour?: number;
  /** Highest reported price, $/hour (e.g. on-demand). Default +Infinity. */
  readonly capPerHour?: number;
}

/** The one-step coefficients of the exact discretisation for step Δ. */
interface OuStep {
  readonly mean: number;
  readonly decay: number; // e^(−θΔ)
  readonly noise: number; // σ·sqrt((1 − e^(−2θΔ))/(2θ))
}

/** Thrown on invalid OU parameters: names the field, what was expected and what was found. */
export class OuParamsError extends RangeError {
  constructor(
    /** e.g. `floorPerHour`, or `stepSeconds`. */
    readonly field: string,
    readonly expected: string,
    readonly found: unknown,
  ) {
    super(`OU ${field}: expected ${expected}, got ${String(found)}`);
    this.name = 'OuParamsError';
  }
}

/**
 * Checks OU parameters and a step: the one statement of their constraints, used by the price
 * process and by scenario resolution (so a scenario is refused before it runs).
 * @throws OuParamsError on the first invalid field.
 */
export function checkOuParams(params: OuParams, stepSeconds: number): void {
  validate(params, stepSeconds);
}

function validate(params: OuParams, stepSeconds: number): OuStep {
  const { meanPerHour, theta, sigma } = params;
  const floor = params.floorPerHour ?? 0;
  const cap = params.capPerHour ?? Number.POSITIVE_INFINITY;
  const check = (ok: boolean, field: string, expected: string, got: unknown) => {
    if (!ok) throw new OuParamsError(field, expected, got);
  };
  check(Number.isFinite(meanPerHour), 'meanPerHour', 'a finite $/hour', meanPerHour);
  check(theta > 0 && Number.isFinite(theta), 'theta', 'a finite rate > 0 per hour', theta);
  check(sigma >= 0 && Number.isFinite(sigma), 'sigma', 'a finite $/hour/√hour >= 0', sigma);
  check(stepSeconds > 0 && Number.isFinite(stepSeconds), 'stepSeconds', 'finite > 0', stepSeconds);
  check(!Number.isNaN(floor) && floor <= cap, 'floorPerHour', `<= capPerHour (${cap})`, floor);
  check(!Number.isNaN(cap), 'capPerHour', 'a number', cap);
  const initial = params.initialPerHour;
  check(initial === undefined || Number.isFinite(initial), 'initialPerHour', 'finite', initial);
  const dtHours = stepSeconds / 3600;
  const decay = Math.exp(-theta * dtHours);
  return {
    mean: meanPerHour,
    decay,
    noise: sigma * Math.sqrt((1 - Math.exp(-2 * theta * dtHours)) / (2 * theta)),
  };
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * `steps` reported prices, $/hour: element k is the clamped price on [kΔ, (k+1)Δ), starting from
 * `initialPerHour` (default μ) at k = 0. Draws one normal per step after the first from `rng`.
 *
 * @throws RangeError on invalid parameters, naming the field and the value.
 */
export function ouPricePath(
  params: OuParams,
  stepSeconds: number,
  steps: number,
  rng: Rng,
): Float64Array {
  const step = validate(params, stepSeconds);
  if (!(Number.isInteger(steps) && steps >= 0)) {
    throw new RangeError(`OU steps: expected an integer >= 0, got ${steps}`);
  }
  const floor = params.floorPerHour ?? 0;
  const cap = params.capPerHour ?? Number.POSITIVE_INFINITY;
  const out = new Float64Array(steps);
  let x = params.initialPerHour ?? params.meanPerHour;
  for (let k = 0; k < steps; k++) {
    if (k > 0) x = step.mean + (x - step.mean) * step.decay + step.noise * rng.normal();
    out[k] = clamp(x, floor, cap);
  }
  return out;
}

/**
 * An OU price as a {@link PriceProcess}: the path of {@link ouPricePath}, generated lazily as
 * time advances (so the horizon need not be known), identical for the same `rng` stream.
 */
export class OuPriceProcess implements PriceProcess, SteppedPrice {
  readonly minPerHour: number;
  readonly maxPerHour: number;
  /** An OU path has no last step. */
  readonly lastStep = Number.POSITIVE_INFINITY;
  readonly #step: OuStep;
  readonly #prices: number[] = [];
  #latent: number;

  constructor(
    readonly params: OuParams,
    readonly stepSeconds: number,
    private readonly rng: Rng,
  ) {
    this.#step = validate(params, stepSeconds);
    this.minPerHour = params.floorPerHour ?? 0;
    this.maxPerHour = params.capPerHour ?? Number.POSITIVE_INFINITY;
    this.#latent = params.initialPerHour ?? params.meanPerHour;
    this.#prices.push(clamp(this.#latent, this.minPerHour, this.maxPerHour));
  }

  /** @throws RangeError on a negative or non-finite time. */
  priceAt(tSeconds: number): number {
    if (!(tSeconds >= 0 && Number.isFinite(tSeconds))) {
      throw new RangeError(`price time must be finite seconds >= 0, got ${tSeconds}`);
    }
    return steppedPriceAt(this, tSeconds);
  }

  /** The price of step k ≥ 0, $/hour: the path is drawn up to it if it was not yet. */
  priceOfStep(k: number): number {
    while (this.#prices.length <= k) {
      const s = this.#step;
      this.#latent = s.mean + (this.#latent - s.mean) * s.decay + s.noise * this.rng.normal();
      this.#prices.push(clamp(this.#latent, this.minPerHour, this.maxPerHour));
    }
    return this.#prices[k] as number;
  }

  integrateUsd(fromSeconds: number, toSeconds: number): number {
    return integrateStepsUsd(this, fromSeconds, toSeconds);
  }

  nextChangeAfter(tSeconds: number): number {
    return steppedNextChangeAfter(this, tSeconds);
  }
}
