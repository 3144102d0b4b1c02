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
 * The heap orders slot numbers, not event objects: each event in the heap has a slot, and its
 * keys (time, priority, sequence) are kept by slot in three typed arrays. Sifting an event down
 * compares two children per level; with event objects each comparison read two objects (and
 * the boxed number of each one's time) scattered over the whole heap of the run, a cache miss
 * apiece once tens of thousands wait. Keys by slot lie in a few hundred kilobytes. At a million
 * tasks the heap's `heapifyDown` was 18% of the run and grew twice as fast as the events did.
 * A slot is freed when its event leaves the heap and reused last-in first-out.
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

/** Slots the key arrays start with; they double when full. */
const INITIAL_SLOTS = 1024;

/** Priority queue of events ordered by (time, priority, sequence). */
export class EventQueue<T> {
  /** Keys of the events in the heap, by slot: time (seconds), priority, sequence. */
  #timeOf = new Float64Array(INITIAL_SLOTS);
  #priorityOf = new Float64Array(INITIAL_SLOTS);
  #sequenceOf = new Float64Array(INITIAL_SLOTS);
  /** The event in each slot; undefined when the slot is free. */
  readonly #eventAt: (ScheduledEvent<T> | undefined)[] = [];
  /** Freed slots, reused last first. */
  readonly #freeSlots: number[] = [];
  /** Slot numbers, in the order of their events' keys. */
  readonly #heap = new PriorityQueue<number>((a, b) => {
    const time = this.#timeOf;
    const priority = this.#priorityOf;
    return (
      (time[a] as number) - (time[b] as number) ||
      (priority[a] as number) - (priority[b] as number) ||
      (this.#sequenceOf[a] as number) - (this.#sequenceOf[b] as number)
    );
  });
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
      this.#heap.enqueue(this.#slotFor(event));
    }
    this.#live++;
    return event;
  }

  /** A free slot holding `event` and its keys. */
  #slotFor(event: ScheduledEvent<T>): number {
    let slot = this.#freeSlots.pop();
    if (slot === undefined) {
      // Every slot ever used has an entry in #eventAt: the next fresh one is its length.
      slot = this.#eventAt.length;
      if (slot === this.#timeOf.length) {
        this.#timeOf = grown(this.#timeOf);
        this.#priorityOf = grown(this.#priorityOf);
        this.#sequenceOf = grown(this.#sequenceOf);
      }
    }
    this.#timeOf[slot] = event.time;
    this.#priorityOf[slot] = event.priority;
    this.#sequenceOf[slot] = event.sequence;
    this.#eventAt[slot] = event;
    return slot;
  }

  /** Takes the heap's top out and frees its slot. */
  #dequeue(): void {
    const slot = this.#heap.dequeue() as number;
    this.#eventAt[slot] = undefined;
    this.#freeSlots.push(slot);
  }

  /** The event at the heap's top, or undefined. */
  #top(): ScheduledEvent<T> | undefined {
    const slot = this.#heap.front();
    return slot === null ? undefined : this.#eventAt[slot];
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
    const top = this.#top();
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
    else this.#dequeue();
    event.pending = false;
    this.#live--;
    this.#presentTime = event.time;
    return event;
  }

  #dropCancelled(): void {
    // Only cancelled events are waiting and not pending.
    while (this.#top()?.pending === false) this.#dequeue();
    while (this.#present[0]?.pending === false) this.#present.shift();
  }
}

/** `keys` in an array twice as long. */
function grown(keys: Float64Array): Float64Array<ArrayBuffer> {
  const out = new Float64Array(keys.length * 2);
  out.set(keys);
  return out;
}
