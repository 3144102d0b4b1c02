import { describe, expect, it } from 'vitest';
import {
  type Destination,
  type DisplacedTaskState,
  type PreemptionInput,
  respondToPreemption,
} from '../../src/index.js';

/** The preemption response on plain data, hand-checked (no simulation involved). */

const task = (id: string, o: Partial<DisplacedTaskState> = {}): DisplacedTaskState => ({
  id,
  memoryMb: 8000,
  stateMb: 1000,
  computing: true,
  needsRestore: false,
  progressSeconds: 3600,
  lastCheckpointSeconds: 0,
  ...o,
});
const dest = (id: string, position: number, o: Partial<Destination> = {}) => ({
  id,
  position,
  freeMemoryMb: 24_000,
  bandwidthMBps: 1250,
  bootSecondsLeft: 0,
  ...o,
});
const input = (o: Partial<PreemptionInput>): PreemptionInput => ({
  sourceBandwidthMBps: 125,
  displaced: [task('a')],
  destinations: [],
  windowSeconds: 119,
  thresholds: { fullThreshold: 1, partialThreshold: 0.3 },
  planner: 'optimal',
  ...o,
});

describe('respondToPreemption', () => {
  it('without a destination: the state goes to storage at the source bandwidth', () => {
    const r = respondToPreemption(input({}));
    expect(r.moves).toEqual([]);
    // 1000 MB at 125 MB/s = 8 s within a 119 s window: Full.
    expect(r.checkpoints).toEqual([
      {
        taskId: 'a',
        plan: {
          outcome: 'full',
          ratio: (125 * 119) / 1000,
          keptProgressSeconds: 3600,
          transferSeconds: 8,
        },
        startsAfterSeconds: 0,
        destinationId: undefined,
      },
    ]);
  });

  it('transfers queue smallest state first; the last one may only get a Partial', () => {
    const r = respondToPreemption(
      input({
        displaced: [task('b', { stateMb: 10_000 }), task('a', { stateMb: 5000 })],
        windowSeconds: 100,
      }),
    );
    // a: 5000 MB at 125 MB/s = 40 s, Full. b: 60 s left of 80 s needed: ratio 0.75, Partial.
    expect(r.checkpoints.map((c) => [c.taskId, c.plan.outcome, c.startsAfterSeconds])).toEqual([
      ['a', 'full', 0],
      ['b', 'partial', 40],
    ]);
    expect(r.checkpoints[1]?.plan.keptProgressSeconds).toBeCloseTo(3600 * 0.75, 9);
  });

  it('moves to a destination at min(source, destination) bandwidth; all planners are reported', () => {
    const r = respondToPreemption(
      input({ destinations: [dest('i7', 7, { bandwidthMBps: 62.5 })], planner: 'first-fit' }),
    );
    expect(r.moves.map((m) => [m.taskId, m.destinationId])).toEqual([['a', 'i7']]);
    expect(r.checkpoints[0]?.destinationId).toBe('i7');
    expect(r.checkpoints[0]?.plan.transferSeconds).toBe(16); // 1000 MB at 62.5 MB/s
    expect([...r.plans.keys()]).toEqual(['first-fit', 'greedy', 'optimal']);
  });

  it('a task displaced earlier (not computing) is placed but has no checkpoint', () => {
    const r = respondToPreemption(
      input({
        displaced: [task('a'), task('w', { computing: false, needsRestore: true })],
        destinations: [dest('i1', 1), dest('i2', 2)],
      }),
    );
    expect(r.moves.map((m) => m.taskId).sort()).toEqual(['a', 'w']);
    expect(r.checkpoints.map((c) => c.taskId)).toEqual(['a']);
  });

  it('the policy filter keeps a task off a destination', () => {
    const r = respondToPreemption(
      input({ destinations: [dest('i1', 1)], accepts: (t, d) => !(t === 'a' && d === 'i1') }),
    );
    expect(r.moves).toEqual([]);
  });
});
