/**
 * Named, seeded random streams (the method of common random numbers).
 *
 * Every random draw in Synkti comes from a stream identified by `(seed, stream name)`. A stream's
 * state depends only on that pair, so adding a stream, or drawing more from one, never shifts the
 * draws of another: two runs that differ only in policy see the same prices, workload and
 * preemption opportunities.
 */

import seedrandom from 'seedrandom';

/** A seeded stream of random numbers. All methods advance the stream. */
export interface Rng {
  /** The stream's name, as given to {@link createRng}. */
  readonly stream: string;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [a, b); `a === b` returns `a`. @throws RangeError unless a ≤ b, both finite. */
  uniform(a: number, b: number): number;
  /** Standard normal N(0, 1) (Marsaglia polar method; the spare draw is kept for the next call). */
  normal(): number;
  /**
   * Exponential waiting time in seconds for a Poisson process of `ratePerSecond` events per
   * second; `Infinity` when the rate is 0. @throws RangeError on a negative or non-finite rate.
   */
  exponential(ratePerSecond: number): number;
}

/**
 * Creates the stream named `stream` under `seed`. Same `(seed, stream)` → same sequence, on every
 * platform.
 *
 * The generator is Tyche-i (S. Neves and F. Araujo, "Fast and small nonlinear pseudorandom
 * number generators for computer simulation", PPAM 2011, LNCS 7203), as seedrandom 3 implements
 * it (`seedrandom.tychei`): 128 bits of state, four 32-bit words updated by the ChaCha quarter
 * round run backwards, with an expected period of 2^127; its authors report that it passes
 * TestU01's BigCrush and that its streams are uncorrelated. The key `[seed, stream]` (as JSON) is folded into the
 * state one character per round, then 20 more rounds mix it, so creating a stream costs about
 * 50 rounds of integer arithmetic. Every spot launch opens a stream of its own, so this is paid
 * about 60 times per run: seedrandom's default ARC4 generator, which Synkti used before,
 * spent a 256-step key schedule, 256 discarded bytes and a string conversion on each, about 18%
 * of a sweep worker's time. `test/engine/rng.test.ts` checks that streams with nearby names
 * are uncorrelated. Each draw is 53 bits: two 32-bit outputs (seedrandom's `double`).
 *
 * @param seed The scenario seed (an integer or a string).
 * @param stream The stream's name, e.g. `"prices/g5.xlarge"` or `"workload"`.
 * @throws RangeError on a non-finite numeric seed or an empty stream name.
 */
export function createRng(seed: string | number, stream: string): Rng {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new RangeError(`seed must be a finite number or a string, got ${seed}`);
  }
  if (stream.length === 0) throw new RangeError('stream name must not be empty');
  // JSON encoding keeps ("1", "a/b") and ("1/a", "b") apart.
  return new SeededStream(stream, seedrandom.tychei(JSON.stringify([String(seed), stream])).double);
}

/**
 * The {@link Rng} that {@link createRng} returns. A class rather than an object of closures: its
 * methods live on one prototype, so a call site that sees many streams (every spot launch has
 * its own) still calls one function and stays optimised, and a stream costs one object, not four
 * closures.
 */
class SeededStream implements Rng {
  /** The spare deviate of the last polar-method pair; NaN when there is none. */
  #spare = Number.NaN;

  constructor(
    readonly stream: string,
    private readonly prng: () => number,
  ) {}

  next(): number {
    return this.prng(); // 53 random bits, from two 32-bit outputs
  }

  uniform(a: number, b: number): number {
    if (!(Number.isFinite(a) && Number.isFinite(b) && a <= b)) {
      throw new RangeError(`uniform(a, b) needs finite a <= b, got a=${a}, b=${b}`);
    }
    return a + (b - a) * this.next();
  }

  normal(): number {
    if (!Number.isNaN(this.#spare)) {
      const z = this.#spare;
      this.#spare = Number.NaN;
      return z;
    }
    let x: number;
    let y: number;
    let s: number;
    do {
      x = 2 * this.next() - 1;
      y = 2 * this.next() - 1;
      s = x * x + y * y;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spare = y * f;
    return x * f;
  }

  exponential(ratePerSecond: number): number {
    if (!(ratePerSecond >= 0 && Number.isFinite(ratePerSecond))) {
      throw new RangeError(
        `exponential rate must be a finite number >= 0 per second, got ${ratePerSecond}`,
      );
    }
    if (ratePerSecond === 0) return Number.POSITIVE_INFINITY;
    // 1 - u is in (0, 1], so the log is finite.
    return -Math.log(1 - this.next()) / ratePerSecond;
  }
}
