/**
 * The discrete-event engine: a clock, an {@link EventQueue} of actions, and `run(until)`.
 *
 * Time is simulated seconds (a float). An event is an action scheduled at a time with a
 * priority; the engine pops events in (time, priority, sequence) order, advances the clock to
 * the event's time and runs the action, which may schedule or cancel other events.
 */

import { EventQueue, type ScheduledEvent } from './event-queue.js';

/** An action run when its event fires; receives the engine (whose `now` is the event time). */
export type EventAction = (engine: Engine) => void;

/**
 * An action on a subject (a task, an instance), run when an event scheduled with
 * {@link Engine.callAt} fires. One such function serves every event of its kind.
 */
export type SubjectAction<S> = (subject: S) => void;

/**
 * A handle to a scheduled event: pass it to {@link Engine.cancel}. Its payload is the action;
 * its label (e.g. `"notice i-12"`) appears in errors. One object per event, nothing beside it:
 * a large run keeps tens of thousands of events waiting, and each object that outlives a
 * young-generation collection is copied by it.
 */
export type EventHandle = ScheduledEvent<EventAction | SubjectAction<never>>;

/** An event's label in errors: what it does, and the id of its subject when it has one. */
function labelOf(what: string, subject: { id: string } | undefined): string {
  return subject === undefined ? what : `${what} ${subject.id}`;
}

/** Default event priority. Lower numbers fire first at equal times. */
export const DEFAULT_PRIORITY = 0;

/** Thrown when an event's action throws: names the event and its time, keeps the cause. */
export class EventFailedError extends Error {
  /** Simulated time of the failed event, seconds. */
  readonly time: number;
  /** The failed event's label. */
  readonly label: string;

  constructor(time: number, label: string, cause: unknown) {
    super(
      `event "${label}" at t=${time}s failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'EventFailedError';
    this.time = time;
    this.label = label;
  }
}

/**
 * The event loop.
 *
 * Complexity: `schedule`/`scheduleAt` O(log n), `cancel` O(1), each fired event O(log n) plus
 * its action, where n is the number of pending events (cancelled ones included until popped).
 */
export class Engine {
  readonly #queue = new EventQueue<EventAction | SubjectAction<never>>();
  #now: number;
  #fired = 0;

  /** @param startSeconds Initial clock value, seconds. Default 0. */
  constructor(startSeconds = 0) {
    if (!Number.isFinite(startSeconds)) {
      throw new RangeError(`engine start time must be finite seconds, got ${startSeconds}`);
    }
    this.#now = startSeconds;
  }

  /** Current simulated time, seconds. Never decreases. */
  get now(): number {
    return this.#now;
  }

  /** Number of events fired so far. */
  get eventsFired(): number {
    return this.#fired;
  }

  /** Time of the next pending event, seconds; Infinity when none. Amortised O(log n). */
  get nextEventTime(): number {
    return this.#queue.peek()?.time ?? Number.POSITIVE_INFINITY;
  }

  /** Number of pending (not cancelled) events. */
  get pending(): number {
    return this.#queue.size;
  }

  /**
   * Schedules `action` at absolute time `timeSeconds` (≥ now, finite).
   * @param priority Tie-break at equal times, lower first. Default {@link DEFAULT_PRIORITY}.
   * @throws RangeError on a time in the past or a non-finite time, naming the value.
   */
  scheduleAt(
    timeSeconds: number,
    action: EventAction,
    label = 'event',
    priority = DEFAULT_PRIORITY,
  ): EventHandle {
    this.#check(timeSeconds, priority, label);
    return this.#queue.push(timeSeconds, priority, action, label);
  }

  /** Checks an event's time and priority; `label` (and `subject`'s id) name it in the error. */
  #check(timeSeconds: number, priority: number, what: string, subject?: { id: string }): void {
    if (Number.isFinite(timeSeconds) && timeSeconds >= this.#now && Number.isFinite(priority)) {
      return;
    }
    const label = labelOf(what, subject);
    if (!Number.isFinite(timeSeconds)) {
      throw new RangeError(`cannot schedule "${label}" at non-finite time ${timeSeconds}`);
    }
    if (timeSeconds < this.#now) {
      throw new RangeError(
        `cannot schedule "${label}" in the past: t=${timeSeconds}s is before now=${this.#now}s`,
      );
    }
    if (!Number.isFinite(priority)) {
      throw new RangeError(`event priority must be finite, got ${priority} for "${label}"`);
    }
  }

  /**
   * Schedules `action(subject)` at absolute time `timeSeconds`, as {@link Engine.scheduleAt}
   * does `action(engine)`. The event holds the shared `action` and its `subject`: no closure and
   * no label string per event. Its label, `"${what} ${subject.id}"`, is made only for an error.
   * For the events a large run keeps waiting by the hundred thousand (starts, completions).
   * @throws RangeError as {@link Engine.scheduleAt}.
   */
  callAt<S extends { readonly id: string }>(
    timeSeconds: number,
    action: SubjectAction<S>,
    subject: S,
    what: string,
    priority = DEFAULT_PRIORITY,
  ): EventHandle {
    this.#check(timeSeconds, priority, what, subject);
    return this.#queue.push(timeSeconds, priority, action as SubjectAction<never>, what, subject);
  }

  /**
   * Schedules `action` `delaySeconds` from now (≥ 0, finite).
   * @throws RangeError on a negative or non-finite delay, naming the value.
   */
  schedule(
    delaySeconds: number,
    action: EventAction,
    label = 'event',
    priority = DEFAULT_PRIORITY,
  ): EventHandle {
    if (!(delaySeconds >= 0) || !Number.isFinite(delaySeconds)) {
      throw new RangeError(`delay for "${label}" must be finite seconds >= 0, got ${delaySeconds}`);
    }
    return this.scheduleAt(this.#now + delaySeconds, action, label, priority);
  }

  /** Cancels a pending event; it will never fire. No-op if it already fired or was cancelled. */
  cancel(handle: EventHandle): void {
    this.#queue.cancel(handle);
  }

  /**
   * Fires the next event, if any: advances the clock to its time and runs its action.
   * @returns false when no event is pending.
   * @throws EventFailedError when the action throws (the clock stays at the event's time).
   */
  step(): boolean {
    const event = this.#queue.pop();
    if (event === undefined) return false;
    this.#fire(event);
    return true;
  }

  /**
   * Fires every event whose time is ≤ `untilSeconds`, in order, then sets the clock to
   * `untilSeconds`. Events scheduled exactly at `untilSeconds` fire (the bound is inclusive);
   * later ones stay pending, so `run` may be called again with a later bound. With
   * `untilSeconds = Infinity`, runs until no event is left and leaves the clock at the last
   * event's time.
   *
   * @throws RangeError when `untilSeconds` is before now or NaN.
   * @throws EventFailedError when an action throws; events after it do not fire.
   */
  run(untilSeconds = Number.POSITIVE_INFINITY): void {
    if (Number.isNaN(untilSeconds) || untilSeconds < this.#now) {
      throw new RangeError(`run(until) needs until >= now=${this.#now}s, got ${untilSeconds}`);
    }
    for (let next = this.#queue.pop(untilSeconds); next; next = this.#queue.pop(untilSeconds)) {
      this.#fire(next);
    }
    if (Number.isFinite(untilSeconds)) this.#now = untilSeconds;
  }

  #fire(event: EventHandle): void {
    this.#now = event.time;
    this.#fired++;
    const { subject } = event;
    try {
      if (subject === undefined) (event.payload as EventAction)(this);
      else (event.payload as SubjectAction<unknown>)(subject);
    } catch (error) {
      throw new EventFailedError(
        event.time,
        labelOf(event.label, subject as { id: string } | undefined),
        error,
      );
    }
  }
}
