import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaskState } from '../../src/cluster/task-state.js';
import { assertProperty, PROPERTY_SEED } from '../fixtures/property.js';

/**
 * The task's closed-form progress arithmetic against a step-by-step reference: compute for I
 * seconds, pause C = state / storage bandwidth for the checkpoint, repeat.
 */

/** Progress after `elapsed` seconds of computing, walking cycle by cycle. */
function referenceProgress(
  work: number,
  base: number,
  speed: number,
  elapsed: number,
  cycle: { interval: number; pause: number } | undefined,
): number {
  if (cycle === undefined) return Math.min(work, base + speed * elapsed);
  let t = 0;
  let ran = 0;
  while (t < elapsed) {
    const run = Math.min(cycle.interval, elapsed - t);
    ran += run;
    t += run + cycle.pause;
  }
  return Math.min(work, base + speed * ran);
}

describe(`TaskState progress (fast-check seed ${PROPERTY_SEED})`, () => {
  it('equals the cycle-by-cycle reference, and completes exactly at completionTime', () => {
    assertProperty(
      fc.property(
        fc.integer({ min: 60, max: 100_000 }),
        fc.option(fc.integer({ min: 10, max: 5000 }), { nil: undefined }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.constantFrom(0.5, 1, 2),
        fc.integer({ min: 0, max: 200_000 }),
        (work, interval, stateMb, speed, elapsed) => {
          const task = new TaskState(
            {
              id: 't',
              kind: 'training',
              workSeconds: work,
              memoryMb: 1000,
              stateMb,
              arrivalSeconds: 0,
              deadlineSeconds: undefined,
              checkpointIntervalSeconds: interval,
            },
            1250, // MB/s: 10 Gbps storage
          );
          task.status = 'running';
          task.runningSince = 0;
          task.speed = speed;
          const cycle = interval === undefined ? undefined : { interval, pause: stateMb / 1250 };
          expect(task.progressAt(elapsed)).toBeCloseTo(
            referenceProgress(work, 0, speed, elapsed, cycle),
            6,
          );
          const done = task.completionTime(0, speed);
          expect(task.progressAt(done)).toBeCloseTo(work, 6);
          expect(task.progressAt(done * (1 - 1e-9) - 1e-6)).toBeLessThan(work);
        },
      ),
      300,
    );
  });
});
