/** `withRebalance` on a hand-made view: what each mode answers, deterministically. */

import type { InstanceView, SchedulingPolicy, SimulationView, TaskView } from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';
import { withRebalance } from '../src/index.js';

const inst = (id: string, recommendedAt?: number) =>
  ({ id, rebalanceRecommendedAt: recommendedAt }) as unknown as InstanceView;
const task = (id: string, instanceId?: string) => ({ id, instanceId }) as unknown as TaskView;

function view(instances: InstanceView[]): SimulationView {
  return {
    now: 0,
    instance: (id: string) => instances.find((i) => i.id === id),
    findInstance: (_m: unknown, _mem: number, after?: InstanceView) => {
      const from = after === undefined ? 0 : instances.indexOf(after) + 1;
      return instances[from];
    },
  } as unknown as SimulationView;
}

const base: SchedulingPolicy = {
  name: 'base',
  decide: (v) => {
    const first = v.findInstance('spot', 1);
    return first ? { placements: [{ taskId: 'x', instanceId: first.id }] } : {};
  },
};

describe('withRebalance', () => {
  const v = view([inst('i0', 10), inst('i1'), inst('i2', 20)]);

  it('ignore returns the policy itself', () => {
    expect(withRebalance(base, 'ignore')).toBe(base);
  });

  it('migrate: moves every task on a recommended instance, every time; places and migrates past them', () => {
    const p = withRebalance(base, 'migrate');
    expect(p.preempts?.(task('a', 'i0'), v)).toBe(true);
    expect(p.preempts?.(task('a', 'i0'), v)).toBe(true);
    expect(p.preempts?.(task('b', 'i1'), v)).toBe(false);
    expect(p.preempts?.(task('c'), v)).toBe(false);
    expect(p.decide(v)).toEqual({ placements: [{ taskId: 'x', instanceId: 'i1' }] });
    expect(p.acceptsMigration?.(task('a'), inst('i2', 20), v)).toBe(false);
    expect(p.acceptsMigration?.(task('a'), inst('i1'), v)).toBe(true);
  });

  it('pre-copy: saves once per task and instance; places and migrates as the policy does', () => {
    const p = withRebalance(base, 'pre-copy');
    expect(p.preempts?.(task('a', 'i0'), v)).toBe(true);
    expect(p.preempts?.(task('a', 'i0'), v)).toBe(false);
    expect(p.preempts?.(task('a', 'i2'), v)).toBe(true);
    expect(p.preempts?.(task('b', 'i1'), v)).toBe(false);
    expect(p.decide(v)).toEqual({ placements: [{ taskId: 'x', instanceId: 'i0' }] });
    expect(p.acceptsMigration).toBeUndefined();
  });

  it("keeps the policy's own moves and migration rule", () => {
    const own: SchedulingPolicy = {
      ...base,
      preempts: (t) => t.id === 'late',
      acceptsMigration: (_t, i) => i.id !== 'i1',
    };
    const p = withRebalance(own, 'migrate');
    expect(p.preempts?.(task('late', 'i1'), v)).toBe(true);
    expect(p.acceptsMigration?.(task('a'), inst('i1'), v)).toBe(false);
    expect(withRebalance(own, 'pre-copy').acceptsMigration?.(task('a'), inst('i1'), v)).toBe(false);
  });
});
