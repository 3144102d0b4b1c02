import { describe, expect, it } from 'vitest';
import { resolveWorkload, type WorkloadGenerator } from '../../src/index.js';

const generator: WorkloadGenerator = {
  count: 50,
  arrivalHours: { dist: 'uniform', min: 0, max: 10 },
  workHours: { dist: 'uniform', min: 1, max: 5 },
  memoryMb: { dist: 'uniform', min: 4000, max: 16000 },
  stateMb: { perWorkHourMb: 200, maxMb: 8000 },
};

describe('resolveWorkload: generated workloads', () => {
  it('refuses a range that can draw an invalid value, whatever the seed draws', () => {
    const bad = { ...generator, memoryMb: { dist: 'uniform' as const, min: -10_000, max: 20_000 } };
    // Every seed is refused, including those whose draws would all have been positive.
    for (const seed of [1, 2, 3, 4]) {
      expect(() => resolveWorkload({ generate: bad }, seed)).toThrow(
        'workload.generate.memoryMb.min: expected a distribution whose every value is MB > 0 (min > 0), got -10000',
      );
    }
    expect(() =>
      resolveWorkload(
        { generate: { ...generator, workHours: { dist: 'uniform', min: 0, max: 2 } } },
        1,
      ),
    ).toThrow('workload.generate.workHours.min');
    expect(() =>
      resolveWorkload({ generate: { ...generator, stateMb: { dist: 'constant', value: -1 } } }, 1),
    ).toThrow('workload.generate.stateMb.value: expected MB >= 0, got -1');
  });

  it('accepts ranges whose every value is valid', () => {
    const ok = { ...generator, stateMb: { dist: 'uniform' as const, min: 0, max: 100 } };
    expect(resolveWorkload({ generate: ok }, 7)).toHaveLength(50);
  });

  it('refuses a drawn value out of bounds, naming the task (a lognormal that overflows)', () => {
    const wild = { ...generator, workHours: { dist: 'lognormal' as const, median: 1, sigma: 1e4 } };
    expect(() => resolveWorkload({ generate: wild }, 1)).toThrow(
      /^workload\.generate \(task \d+\)\.workSeconds: expected seconds > 0, got (Infinity|0)$/,
    );
  });

  it('gives generated tasks the ids t0, t1, … with every field filled', () => {
    const tasks = resolveWorkload({ generate: { ...generator, deadlineSlack: 2 } }, 3);
    expect(tasks.map((t) => t.id)).toEqual(tasks.map((_, k) => `t${k}`));
    for (const t of tasks) {
      expect(t.kind).toBe('batch');
      expect(t.deadlineSeconds).toBe(t.arrivalSeconds + 2 * t.workSeconds);
      expect(t.checkpointIntervalSeconds).toBeUndefined();
    }
  });
});

describe('resolveWorkload: task lists', () => {
  it('refuses an id used twice, naming the second task', () => {
    const task = { workSeconds: 60, memoryMb: 1000, stateMb: 0 };
    expect(() =>
      resolveWorkload({ tasks: [{ ...task, id: 'a' }, { ...task }, { ...task, id: 'a' }] }, 1),
    ).toThrow('workload.tasks[2].id: expected an id not used before, got "a"');
  });
});
