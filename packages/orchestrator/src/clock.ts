/**
 * The cloud's clock, in simulated seconds since the run's start. Live mode runs on one of two:
 * - **virtual**: time moves only when the driver advances it, to the next thing anyone waits
 *   for; deterministic and as fast as the CPU allows (the parity runs);
 * - **scaled**: wall time × `speed` (default 60: a 120 s grace period takes 2 s of wall time).
 */

/** A clock. */
export interface Clock {
  /** Now, seconds since the run's start. */
  now(): number;
  readonly kind: 'virtual' | 'scaled';
}

/** Simulated seconds per wall second of the scaled clock by default. */
export const DEFAULT_SPEED = 60;

/** A clock that moves only when told to. */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  #t: number;
  constructor(startSeconds = 0) {
    this.#t = startSeconds;
  }
  now(): number {
    return this.#t;
  }
  /** Moves to `t`; never backwards. */
  advanceTo(t: number): void {
    if (!(t >= this.#t))
      throw new RangeError(`virtual clock: cannot move from ${this.#t} s to ${t} s`);
    this.#t = t;
  }
}

/**
 * Wall time × speed since it started: at construction, or, `paused`, at the first {@link start}
 * (a cloud process waits for its orchestrator, so a run does not begin before anyone watches).
 */
export class ScaledClock implements Clock {
  readonly kind = 'scaled' as const;
  #startWallMs: number | undefined;
  constructor(
    /** Simulated seconds per wall second. */
    readonly speed = DEFAULT_SPEED,
    options: { readonly paused?: boolean } = {},
  ) {
    if (!(speed > 0 && Number.isFinite(speed))) {
      throw new RangeError(`scaled clock: speed must be > 0, got ${speed}`);
    }
    if (!options.paused) this.#startWallMs = Date.now();
  }
  /** Starts a paused clock (no effect on a running one). */
  start(): void {
    this.#startWallMs ??= Date.now();
  }
  now(): number {
    if (this.#startWallMs === undefined) return 0;
    return ((Date.now() - this.#startWallMs) / 1000) * this.speed;
  }
  /** The wall time at which the clock reads `t`, ms since the epoch; undefined while paused. */
  wallMsAt(t: number): number | undefined {
    return this.#startWallMs === undefined
      ? undefined
      : this.#startWallMs + (t / this.speed) * 1000;
  }

  /** Wall milliseconds until simulated time `t` (0 if past). */
  wallMsUntil(t: number): number {
    return Math.max(0, (t - this.now()) * (1000 / this.speed));
  }
}
