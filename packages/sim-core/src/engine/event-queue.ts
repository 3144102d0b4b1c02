/**
 * The pending-event set of the discrete-event engine.
 *
 * Order: events come out by (time, priority, sequence) — earliest time first; at equal times the
 * lower `priority` number first; at equal time and priority, in the order they were scheduled
 * (FIFO, by a sequence number the queue assigns). This is SimPy's order, and it makes runs
 * deterministic: no two events ever compare equal.
 *
 * Built on @datastructures-js/priority-queue (a binary heap). Cancellation is lazy: a cancelled
 * event stays in the heap, no longer `pending`, and is discarded when it reaches the top, so
 * `cancel` is O(1).
 *
 * Events for the present (the time of the last event out: e.g. a decision coalesced at the
 * instant of the change that asked for it) wait in a short list beside the heap, in (priority,
 * sequence) order. In the heap such an event, earlier than all the others, would climb to the
 * root and then sink back down its whole height: two passes of about 15 levels when tens of
 * thousands of events wait, each level a cache miss. `pop` takes the smaller of the list's head
 * and the heap's top by the same (time, priority, sequence) order, so the order out is exactly
 * the heap's alone (a property test compares the two).
 */

import { PriorityQueue } from '@datastructures-js/priority-queue';

/** A scheduled event. Fields are read-only for users; the engine owns the object. */
export interface ScheduledEvent<T> {
  /** Simulated time at which the event fires, seconds. */
  readonly time: number;
  /** Tie-break at equal times: lower fires first. */
  readonly priority: number;
  /** Insertion sequence number: tie-break at equal time and priority (FIFO). */
  readonly sequence: number;
  /** What the event carries. */
  readonly payload: T;
  /**
   * Short description for errors and traces, e.g. `"notice i-12"` ('' when none was given); for
   * an event on a subject, what it does (`"notice"`), which the subject's id completes.
   */
  readonly label: string;
  /** What the event acts on, when its owner gave one (the engine's subject actions). */
  readonly subject: unknown;
  /**
   * True while the event waits in the queue; false once it came out or was cancelled. A
   * cancelled event never comes out, and cancelling one that already came out changes nothing.
   */
  pending: boolean;
}

function compareEvents<T>(a: ScheduledEvent<T>, b: ScheduledEvent<T>): number {
  return a.time - b.time || a.priority - b.priority || a.sequence - b.sequence;
}

/** Priority queue of events ordered by (time, priority, sequence). */
export class EventQueue<T> {
  readonly #heap = new PriorityQueue<ScheduledEvent<T>>(compareEvents);
  /** Events at `#presentTime`, by (priority, sequence); see the file comment. */
  readonly #present: ScheduledEvent<T>[] = [];
  /** Time of the last event out, seconds. */
  #presentTime = Number.NEGATIVE_INFINITY;
  #sequence = 0;
  #live = 0;

  /** Number of pending events that are not cancelled. O(1). */
  get size(): number {
    return this.#live;
  }

  /**
   * Adds an event. O(log n). The caller validates `time` (the engine does).
   * @returns the event, whose `pending` flag {@link EventQueue.cancel} clears.
   */
  push(
    time: number,
    priority: number,
    payload: T,
    label = '',
    subject: unknown = undefined,
  ): ScheduledEvent<T> {
    const event: ScheduledEvent<T> = {
      time,
      priority,
      sequence: this.#sequence++,
      payload,
      label,
      subject,
      pending: true,
    };
    if (time === this.#presentTime) {
      // Sequence numbers rise, so only a higher priority number ahead of it can move it.
      const list = this.#present;
      let i = list.length;
      list.push(event);
      for (; i > 0 && (list[i - 1] as ScheduledEvent<T>).priority > priority; i--) {
        list[i] = list[i - 1] as ScheduledEvent<T>;
      }
      list[i] = event;
    } else {
      this.#heap.enqueue(event);
    }
    this.#live++;
    return event;
  }

  /**
   * Cancels `event` so it never comes out. O(1). A no-op when it was cancelled before or has
   * already come out.
   */
  cancel(event: ScheduledEvent<T>): void {
    if (!event.pending) return;
    event.pending = false;
    this.#live--;
  }

  /** The next live event without removing it, or undefined. Amortised O(log n). */
  peek(): ScheduledEvent<T> | undefined {
    this.#dropCancelled();
    const present = this.#present[0];
    const top = this.#heap.front() ?? undefined;
    if (present === undefined) return top;
    return top === undefined || compareEvents(present, top) < 0 ? present : top;
  }

  /**
   * Removes and returns the next live event if it is due at or before `untilTime` (default:
   * whenever it is), else undefined; undefined when none is left. O(log n).
   */
  pop(untilTime = Number.POSITIVE_INFINITY): ScheduledEvent<T> | undefined {
    const event = this.peek();
    if (event === undefined || event.time > untilTime) return undefined;
    if (event === this.#present[0]) this.#present.shift();
    else this.#heap.dequeue();
    event.pending = false;
    this.#live--;
    this.#presentTime = event.time;
    return event;
  }

  #dropCancelled(): void {
    // Only cancelled events are waiting and not pending.
    while (this.#heap.front()?.pending === false) this.#heap.dequeue();
    while (this.#present[0]?.pending === false) this.#present.shift();
  }
}
