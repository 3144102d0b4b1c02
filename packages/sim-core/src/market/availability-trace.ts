/**
 * Spot availability traces in the Can't Be Late format (Wu et al., NSDI '24; SkyPilot's
 * spot-traces repository): `{"metadata": {"gap_seconds": N}, "data": [v0, v1, …]}`, one value per
 * tick of N seconds, tick i covering [i·N, (i+1)·N). A value is the number of spot instances that
 * could be held during the tick: in 1-node traces 1 = available, 0 = not available (preempted or
 * no capacity); in 16-node traces a count 0–16. (The paper's own simulator reads `1 − data`;
 * that convention is not used here.)
 */

import { syntaxErrorPlace } from './syntax-error.js';

/** The largest capacity a tick may hold (capacities are stored as 32-bit integers). */
export const MAX_CAPACITY = 2 ** 31 - 1;

/** A validated availability trace. */
export interface AvailabilityTraceData {
  /** Tick length, seconds. */
  readonly gapSeconds: number;
  /** Spot instances that could be held in each tick (non-negative integers). */
  readonly capacity: Int32Array;
}

/** Thrown on a malformed trace; the message names the source and the field path. */
export class AvailabilityTraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AvailabilityTraceError';
  }
}

/**
 * Parses and validates trace text.
 * @param source Shown in errors, e.g. the file name.
 * @throws AvailabilityTraceError naming the source, the field (`metadata.gap_seconds`,
 * `data[17]`), what was expected and what was found.
 */
export function parseAvailabilityTrace(text: string, source: string): AvailabilityTraceData {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new AvailabilityTraceError(`${source}: not valid JSON (${syntaxErrorPlace(error)})`);
  }
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new AvailabilityTraceError(
      `${source}: ${path}: expected ${expected}, got ${got === undefined ? 'nothing' : JSON.stringify(got)}`,
    );
  };
  const d = doc as { metadata?: { gap_seconds?: unknown }; data?: unknown } | null;
  const gap = d?.metadata?.gap_seconds;
  if (typeof gap !== 'number' || !(gap > 0) || !Number.isFinite(gap)) {
    fail('metadata.gap_seconds', 'a tick length in seconds > 0', gap);
  }
  const data = d?.data;
  if (!Array.isArray(data) || data.length === 0) {
    fail(
      'data',
      'a non-empty array of per-tick capacities',
      Array.isArray(data) ? data : typeof data,
    );
  }
  const list = data as unknown[];
  const capacity = new Int32Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_CAPACITY) {
      fail(
        `data[${i}]`,
        `an integer in [0, ${MAX_CAPACITY}] (1 = available, 0 = not, in 1-node traces)`,
        v,
      );
    }
    capacity[i] = v as number;
  }
  return { gapSeconds: gap as number, capacity };
}

/**
 * How close before a tick's start a time may fall and still read that tick, seconds. Trace times
 * are sums like `offsetHours × 3600 + t`, and 4985 × 195 written in hours comes back as
 * 972074.9999999999 s: without the tolerance it reads tick 4984 (the previous tick's value).
 * 1 µs is far above float error at trace times (≈ 1e-9 s at 10⁷ s) and far below any event
 * spacing the simulator models.
 */
export const TICK_TOLERANCE_SECONDS = 1e-6;

/** The first tick start at or after `seconds` (within {@link TICK_TOLERANCE_SECONDS}), seconds. */
export function tickStartAtOrAfter(seconds: number, gapSeconds: number): number {
  // max(0, …) also turns the -0 of ceil(-1e-6 / gap) into 0.
  return Math.max(0, Math.ceil((seconds - TICK_TOLERANCE_SECONDS) / gapSeconds) * gapSeconds);
}

/**
 * Replays a trace from an offset: simulated time t reads tick
 * floor((t + offset + {@link TICK_TOLERANCE_SECONDS}) / gap). Past the last tick the last value
 * holds (the bench refuses scenarios whose horizon runs past a trace's end, so this only matters
 * for direct library use).
 */
export class AvailabilityTrace {
  /** Trace length, seconds (ticks × gap). */
  readonly spanSeconds: number;

  /**
   * @param offsetSeconds Trace time at simulated t = 0, seconds (≥ 0). Default 0.
   * @throws RangeError on an offset outside the trace.
   */
  constructor(
    readonly trace: AvailabilityTraceData,
    readonly offsetSeconds = 0,
  ) {
    this.spanSeconds = trace.capacity.length * trace.gapSeconds;
    if (!(offsetSeconds >= 0 && offsetSeconds < this.spanSeconds)) {
      throw new RangeError(
        `trace offset must be in [0, ${this.spanSeconds}) seconds, got ${offsetSeconds}`,
      );
    }
  }

  #tick(tSeconds: number): number {
    const k = Math.floor(
      (tSeconds + this.offsetSeconds + TICK_TOLERANCE_SECONDS) / this.trace.gapSeconds,
    );
    return Math.min(Math.max(k, 0), this.trace.capacity.length - 1);
  }

  /** Simulated time at which tick k starts, seconds. */
  #tickStart(k: number): number {
    return k * this.trace.gapSeconds - this.offsetSeconds;
  }

  /** Spot instances that can be held at simulated time t. */
  capacityAt(tSeconds: number): number {
    return this.trace.capacity[this.#tick(tSeconds)] as number;
  }

  /**
   * Whether the instance holding slot `slot` (0 = the first spot instance in this pool) is
   * available at t: capacity > slot. In 1-node traces, slot 0 ⇔ value 1.
   */
  availableAt(tSeconds: number, slot = 0): boolean {
    return this.capacityAt(tSeconds) > slot;
  }

  /**
   * The first time ≥ t at which slot `slot` is unavailable: t itself if it is unavailable now,
   * else the start of the first later tick with capacity ≤ slot; Infinity if none.
   */
  nextUnavailableAt(tSeconds: number, slot = 0): number {
    return this.#scan(tSeconds, (c) => c <= slot);
  }

  /** The first time ≥ t at which slot `slot` is available; Infinity if never again. */
  nextAvailableAt(tSeconds: number, slot = 0): number {
    return this.#scan(tSeconds, (c) => c > slot);
  }

  /** The first tick change of capacity strictly after t, seconds; Infinity after the last. */
  nextChangeAfter(tSeconds: number): number {
    const k = (runEnds(this.trace)[this.#tick(tSeconds)] as number) + 1;
    return k < this.trace.capacity.length ? this.#tickStart(k) : Number.POSITIVE_INFINITY;
  }

  /** Walks run by run (O(runs passed), not O(ticks)) to the first tick whose capacity hits. */
  #scan(tSeconds: number, hit: (capacity: number) => boolean): number {
    const cap = this.trace.capacity;
    const ends = runEnds(this.trace);
    const k0 = this.#tick(tSeconds);
    if (hit(cap[k0] as number)) return tSeconds;
    for (let k = (ends[k0] as number) + 1; k < cap.length; k = (ends[k] as number) + 1) {
      if (hit(cap[k] as number)) return this.#tickStart(k);
    }
    return Number.POSITIVE_INFINITY;
  }
}

/** Per trace, the last tick of the run of equal capacity each tick belongs to. */
const RUN_ENDS = new WeakMap<AvailabilityTraceData, Int32Array>();

/**
 * `ends[k]`: the last tick of the run of equal capacity that holds tick k. Computed once per
 * parsed trace (O(ticks)) and shared by every replay of it, so that finding the next
 * (un)available tick costs O(runs crossed): Uniform Progress on on-demand asks whether spot is
 * back every policy tick, and a 1-node trace's outage can last thousands of ticks.
 */
function runEnds(trace: AvailabilityTraceData): Int32Array {
  let ends = RUN_ENDS.get(trace);
  if (ends === undefined) {
    const cap = trace.capacity;
    ends = new Int32Array(cap.length);
    for (let k = cap.length - 1; k >= 0; k--) {
      ends[k] = k + 1 < cap.length && cap[k + 1] === cap[k] ? (ends[k + 1] as number) : k;
    }
    RUN_ENDS.set(trace, ends);
  }
  return ends;
}
