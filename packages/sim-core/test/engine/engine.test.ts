import { describe, expect, it } from 'vitest';
import { Engine, EventFailedError, EventQueue } from '../../src/index.js';

describe('EventQueue order', () => {
  it('pops by time, then priority, then insertion (FIFO) with many events at one time', () => {
    const q = new EventQueue<number>();
    const n = 10_000;
    for (let k = 0; k < n; k++) q.push(5, k % 3, k);
    q.push(1, 9, -1);
    expect(q.pop()?.payload).toBe(-1);
    const out: number[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e.payload);
    const expected = [0, 1, 2].flatMap((p) =>
      Array.from({ length: n }, (_, k) => k).filter((k) => k % 3 === p),
    );
    expect(out).toEqual(expected);
  });

  it('cancelled events never come out and do not count in size', () => {
    const q = new EventQueue<string>();
    const a = q.push(1, 0, 'a');
    q.push(2, 0, 'b');
    q.cancel(a);
    q.cancel(a);
    expect(q.size).toBe(1);
    expect(q.pop()?.payload).toBe('b');
    expect(q.pop()).toBeUndefined();
  });

  it('cancelling an event that already came out is a no-op (size stays right)', () => {
    const q = new EventQueue<string>();
    const a = q.push(1, 0, 'a');
    q.push(2, 0, 'b');
    expect(q.pop()).toBe(a);
    q.cancel(a);
    expect(q.size).toBe(1);
    expect(q.pop()?.payload).toBe('b');
    expect(q.size).toBe(0);
  });
});

describe('Engine', () => {
  it('advances the clock to each event and runs actions in order', () => {
    const engine = new Engine();
    const seen: [number, string][] = [];
    engine.scheduleAt(10, (e) => seen.push([e.now, 'b']));
    engine.schedule(3, (e) => {
      seen.push([e.now, 'a']);
      e.schedule(0, (e2) => seen.push([e2.now, 'a+0']));
    });
    engine.scheduleAt(10, (e) => seen.push([e.now, 'urgent']), 'urgent', -1);
    engine.run();
    expect(seen).toEqual([
      [3, 'a'],
      [3, 'a+0'],
      [10, 'urgent'],
      [10, 'b'],
    ]);
    expect(engine.now).toBe(10);
    expect(engine.eventsFired).toBe(4);
  });

  it('run(until) fires events at exactly `until`, keeps later ones, and sets the clock', () => {
    const engine = new Engine();
    const fired: number[] = [];
    for (const t of [1, 5, 5.000001, 9]) engine.scheduleAt(t, () => fired.push(t));
    engine.run(5);
    expect(fired).toEqual([1, 5]);
    expect(engine.now).toBe(5);
    expect(engine.pending).toBe(2);
    engine.run(20);
    expect(fired).toEqual([1, 5, 5.000001, 9]);
    expect(engine.now).toBe(20);
  });

  it('a cancelled event never fires (e.g. a completion after a preemption)', () => {
    const engine = new Engine();
    let completed = false;
    const completion = engine.scheduleAt(100, () => {
      completed = true;
    });
    engine.scheduleAt(50, (e) => e.cancel(completion), 'preemption');
    engine.run();
    expect(completed).toBe(false);
    expect(engine.now).toBe(50);
  });

  it('rejects the past, negative delays and non-finite times, naming the value', () => {
    const engine = new Engine();
    engine.scheduleAt(10, () => {});
    engine.run();
    expect(() => engine.scheduleAt(9.5, () => {}, 'late')).toThrow(/t=9.5s is before now=10s/);
    expect(() => engine.schedule(-2, () => {})).toThrow(/got -2/);
    expect(() => engine.schedule(Number.NaN, () => {})).toThrow(/got NaN/);
    expect(() => engine.scheduleAt(Number.POSITIVE_INFINITY, () => {})).toThrow(/Infinity/);
    expect(() => engine.run(3)).toThrow(/until >= now=10s, got 3/);
  });

  it('a failing action is reported with its label and time, never dropped', () => {
    const engine = new Engine();
    engine.scheduleAt(
      7,
      () => {
        throw new Error('boom');
      },
      'notice i-3',
    );
    let after = false;
    engine.scheduleAt(8, () => {
      after = true;
    });
    const run = () => engine.run();
    expect(run).toThrow(EventFailedError);
    expect(after).toBe(false);
    expect(engine.now).toBe(7);
    try {
      engine.run();
    } catch {}
    expect(after).toBe(true);
  });

  it('reports the failed event in the message', () => {
    const engine = new Engine();
    engine.scheduleAt(
      7,
      () => {
        throw new Error('boom');
      },
      'notice i-3',
    );
    expect(() => engine.run()).toThrow('event "notice i-3" at t=7s failed: boom');
  });

  it('callAt runs a shared action on each subject, in order with the other events', () => {
    const engine = new Engine();
    const seen: string[] = [];
    const ping = (task: { id: string }) => seen.push(`${task.id}@${engine.now}`);
    engine.callAt(5, ping, { id: 'b' }, 'ping');
    engine.scheduleAt(5, () => seen.push(`plain@${engine.now}`), 'plain');
    const cancelled = engine.callAt(4, ping, { id: 'x' }, 'ping');
    engine.callAt(5, ping, { id: 'a' }, 'ping', -1);
    engine.cancel(cancelled);
    engine.run();
    expect(seen).toEqual(['a@5', 'b@5', 'plain@5']);
  });

  it('callAt names its event by what it does and its subject, in errors', () => {
    const engine = new Engine();
    engine.callAt(
      7,
      () => {
        throw new Error('boom');
      },
      { id: 'i-3' },
      'notice',
    );
    expect(() => engine.run()).toThrow('event "notice i-3" at t=7s failed: boom');
    expect(() => engine.callAt(6, () => {}, { id: 'task-9' }, 'start')).toThrow(
      'cannot schedule "start task-9" in the past: t=6s is before now=7s',
    );
  });
});
