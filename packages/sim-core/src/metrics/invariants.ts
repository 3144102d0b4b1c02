/** The model's invariants, checked after every event when a run asks for it. */

import type { InstanceState } from '../cluster/instance-state.js';
import type { TaskState } from '../cluster/task-state.js';

/** Thrown when an invariant breaks: names it, the time, and the offending value. */
export class InvariantViolation extends Error {
  constructor(timeSeconds: number, message: string) {
    super(`invariant broken at t=${timeSeconds}s: ${message}`);
    this.name = 'InvariantViolation';
  }
}

/** State the checker needs between events. */
export interface InvariantMemory {
  lastTime: number;
  lastCostUsd: number;
}

const EPS = 1e-6;

/**
 * Checks: time never goes back; a task is on at most one instance and its instance lists it;
 * an instance's hosted memory never exceeds its capacity; progress ∈ [0, work]; accrued cost is
 * non-decreasing; a terminated or released instance hosts nothing.
 * @throws InvariantViolation
 */
export function checkInvariants(
  now: number,
  tasks: readonly TaskState[],
  instances: readonly InstanceState[],
  accruedCostUsd: number,
  memory: InvariantMemory,
): void {
  if (now < memory.lastTime) {
    throw new InvariantViolation(now, `time went back from ${memory.lastTime}s`);
  }
  memory.lastTime = now;
  const seen = new Map<string, string>();
  for (const inst of instances) {
    if (!inst.live && inst.tasks.size > 0) {
      throw new InvariantViolation(
        now,
        `${inst.state} instance ${inst.id} hosts ${inst.tasks.size} task(s)`,
      );
    }
    let used = 0;
    for (const task of inst.tasks) {
      const other = seen.get(task.id);
      if (other !== undefined) {
        throw new InvariantViolation(now, `task ${task.id} is on ${other} and ${inst.id}`);
      }
      seen.set(task.id, inst.id);
      if (task.instance !== inst) {
        throw new InvariantViolation(
          now,
          `task ${task.id} listed by ${inst.id} but points elsewhere`,
        );
      }
      used += task.memoryMb;
    }
    if (used > inst.type.gpuMemoryMb + EPS) {
      throw new InvariantViolation(
        now,
        `instance ${inst.id} hosts ${used} MB > capacity ${inst.type.gpuMemoryMb} MB`,
      );
    }
  }
  for (const task of tasks) {
    const p = task.progressAt(now);
    if (!(p >= -EPS && p <= task.workSeconds + EPS)) {
      throw new InvariantViolation(
        now,
        `task ${task.id} progress ${p} outside [0, ${task.workSeconds}]`,
      );
    }
    if (task.instance !== undefined && seen.get(task.id) !== task.instance.id) {
      throw new InvariantViolation(
        now,
        `task ${task.id} points at ${task.instance.id}, which does not list it`,
      );
    }
  }
  if (accruedCostUsd < memory.lastCostUsd - EPS) {
    throw new InvariantViolation(
      now,
      `cost fell from ${memory.lastCostUsd} to ${accruedCostUsd} USD`,
    );
  }
  memory.lastCostUsd = accruedCostUsd;
}
