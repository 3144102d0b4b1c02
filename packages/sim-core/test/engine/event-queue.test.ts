import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/index.js';

const SEED = 1201;

/** The order a plain (time, priority, sequence) sort gives: the queue's contract. */
function reference(ops: readonly Op[]): number[] {
  const waiting: { time: number; priority: number; seq: number; live: boolean }[] = [];
  const out: number[] = [];
  let now = 0;
  let seq = 0;
  for (const op of ops) {
    if (op.kind === 'push') {
      waiting.push({ time: now + op.delay, priority: op.priority, seq: seq++, live: true });
    } else if (op.kind === 'cancel') {
      const alive = waiting.filter((e) => e.live);
      const e = alive[op.which % Math.max(1, alive.length)];
      if (e) e.live = false;
    } else {
      const alive = waiting.filter((e) => e.live);
      alive.sort((a, b) => a.time - b.time || a.priority - b.priority || a.seq - b.seq);
      const e = alive[0];
      if (e) {
        e.live = false;
        now = e.time;
        out.push(e.seq);
      }
    }
  }
  return out;
}

type Op =
  | { kind: 'push'; delay: number; priority: number }
  | { kind: 'pop' }
  | { kind: 'cancel'; which: number };

/** Applies `ops` to a fresh queue: what came out, what is still pending, the most waiting. */
function drive(ops: readonly Op[]): { out: number[]; size: number; pending: number; most: number } {
  const q = new EventQueue<number>();
  const handles: ReturnType<typeof q.push>[] = [];
  const out: number[] = [];
  let now = 0;
  let seq = 0;
  let most = 0;
  for (const o of ops) {
    if (o.kind === 'push') handles.push(q.push(now + o.delay, o.priority, seq++));
    else if (o.kind === 'cancel') {
      const alive = handles.filter((h) => h.pending);
      const h = alive[o.which % Math.max(1, alive.length)];
      if (h) q.cancel(h);
    } else {
      const e = q.pop();
      if (e) {
        now = e.time;
        out.push(e.payload);
      }
    }
    most = Math.max(most, q.size);
  }
  return { out, size: q.size, pending: handles.filter((h) => h.pending).length, most };
}

describe(`EventQueue (fast-check seed ${SEED})`, () => {
  it('pop(until) leaves an event due after the bound waiting', () => {
    const q = new EventQueue<string>();
    q.push(5, 0, 'later');
    expect(q.pop(4)).toBeUndefined();
    expect(q.size).toBe(1);
    expect(q.pop(5)?.payload).toBe('later');
  });

  it('pops in (time, priority, sequence) order, events for the present included', () => {
    // Delays of 0 (the present lane), small ties and later times; cancels anywhere.
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('push' as const),
        delay: fc.constantFrom(0, 0, 0, 1, 2, 5),
        priority: fc.constantFrom(-1, 0, 5, 10, 20),
      }),
      fc.constant({ kind: 'pop' as const }),
      fc.record({ kind: fc.constant('cancel' as const), which: fc.nat(50) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const { out, size, pending } = drive(ops);
        expect(out).toEqual(reference(ops));
        expect(size).toBe(pending);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('keeps that order with thousands waiting: key storage grows, freed slots are reused', () => {
    // Pushes outnumber pops, so well over the key arrays' first 1,024 slots wait at once.
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('push' as const),
          delay: fc.integer({ min: 0, max: 1000 }),
          priority: fc.constantFrom(0, 5, 10),
        }),
      },
      { weight: 3, arbitrary: fc.constant({ kind: 'pop' as const }) },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('cancel' as const), which: fc.nat() }),
      },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 6000, maxLength: 6000 }), (ops) => {
        const { out, most } = drive(ops);
        expect(most).toBeGreaterThan(1024);
        expect(out).toEqual(reference(ops));
      }),
      // No shrinking: a counterexample of 6,000 operations would take minutes to shrink.
      { seed: SEED, numRuns: 3, endOnFailure: true },
    );
  });
});
