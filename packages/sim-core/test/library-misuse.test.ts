import { describe, expect, it } from 'vitest';
import {
  CostMatrixTypeError,
  PolicyDecisionError,
  type Scenario,
  type SchedulingPolicy,
  SimulateOptionsError,
  simulate,
  solveAssignment,
} from '../src/index.js';
import { firstFitPolicy } from './fixtures/policies.js';

/** Misuses of the library API: each a typed error naming the argument, before anything runs. */

const scenario: Scenario = {
  horizonHours: 2,
  instanceTypes: [{ name: 'gpu', gpuMemoryMb: 24_000, networkGbps: 10, onDemandPerHour: 1 }],
  workload: { tasks: [{ id: 'job', workSeconds: 600, memoryMb: 1000, stateMb: 0 }] },
};
const policy = firstFitPolicy('on-demand');
const run = (options: unknown) => () =>
  simulate(scenario, options as Parameters<typeof simulate>[1]);

describe('simulate refuses bad options, naming the argument', () => {
  it.each([
    [
      { policy, migration: 'optimall', seed: 1 },
      'simulate: options.migration: expected "first-fit", "greedy", "optimal", got "optimall"',
    ],
    [
      { policy, migration: 'optimal', seed: { n: 1 } },
      'simulate: options.seed: expected a string or a finite number, got an object',
    ],
    [{ policy, migration: 'optimal', seed: Number.NaN }, 'options.seed'],
    [
      { migration: 'optimal', seed: 1 },
      'simulate: options.policy: expected a SchedulingPolicy with decide(view), got undefined',
    ],
    [undefined, 'simulate: options: expected {policy, migration, seed}, got undefined'],
  ])('%j', (options, message) => {
    expect(run(options)).toThrow(SimulateOptionsError);
    expect(run(options)).toThrow(message);
  });

  it('a policy that returns undefined, or a fractional launchIndex, is a decision error', () => {
    const none: SchedulingPolicy = { name: 'none', decide: () => undefined as never };
    expect(run({ policy: none, migration: 'optimal', seed: 1 })).toThrow(
      'policy "none": decide returned undefined, expected a Decisions object',
    );
    const half: SchedulingPolicy = {
      name: 'half',
      decide: (view) => ({
        launches: [{ instanceType: 'gpu', market: 'on-demand' }],
        placements: [{ taskId: (view.pendingTasks()[0] as { id: string }).id, launchIndex: 0.5 }],
      }),
    };
    let thrown: unknown;
    try {
      run({ policy: half, migration: 'optimal', seed: 1 })();
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).cause).toBeInstanceOf(PolicyDecisionError); // inside the failed event
    expect(run({ policy: half, migration: 'optimal', seed: 1 })).toThrow(
      'launchIndex 0.5 names no launch',
    );
  });
});

describe('solveAssignment refuses what is not a cost matrix', () => {
  it.each([
    [null, 'costs: expected an array of rows or {rows, cols, data}, got null'],
    [[1, 2, 3], 'costs[0]: expected a row (an array of numbers), got 1'],
    [
      { rows: 1, cols: 1, data: [1] },
      'costs: expected an array of rows or {rows, cols, data}, got an object',
    ],
  ])('%j', (costs, message) => {
    expect(() => solveAssignment(costs as never)).toThrow(CostMatrixTypeError);
    expect(() => solveAssignment(costs as never)).toThrow(message);
  });
});
