import { describe, expect, it } from 'vitest';
import { PolicyDecisionError } from '../../src/index.js';
import { checkDecisions, type DecisionWorld } from '../../src/simulate/decisions.js';

/** Checking a policy's decisions into typed actions, on a hand-made world (no simulation). */

const world: DecisionWorld = {
  policy: 'p',
  typeNames: ['gpu'],
  typeMemoryMb: (name) => (name === 'gpu' ? 24_000 : undefined),
  pendingTaskMemoryMb: (id) => ({ a: 10_000, b: 10_000, c: 10_000 })[id],
  instance: (id) =>
    ({
      i0: { state: 'running', accepting: true, freeMemoryMb: 16_000, tasks: { size: 1 } },
      i1: { state: 'running', accepting: true, freeMemoryMb: 24_000, tasks: { size: 0 } },
      i2: { state: 'notified', accepting: false, freeMemoryMb: 24_000, tasks: { size: 0 } },
    })[id],
};

describe('checkDecisions', () => {
  it('turns valid decisions into launches, placements and releases', () => {
    const checked = checkDecisions(
      {
        launches: [{ instanceType: 'gpu', market: 'spot' }],
        placements: [
          { taskId: 'a', launchIndex: 0 },
          { taskId: 'b', launchIndex: 0 },
          { taskId: 'c', instanceId: 'i0' },
        ],
        releases: ['i1'],
      },
      world,
    );
    const targets = checked.placements.map((p) =>
      'launchIndex' in p ? p.launchIndex : p.instanceId,
    );
    expect(targets).toEqual([0, 0, 'i0']);
    expect(checked.releases).toEqual(['i1']);
  });

  it.each([
    [
      { launches: [{ instanceType: 'tpu', market: 'spot' }] },
      'unknown instance type "tpu"; known: gpu',
    ],
    [
      { launches: [{ instanceType: 'gpu', market: 'reserved' }] },
      'launches[0].market must be "spot" or "on-demand", got reserved',
    ],
    [{ placements: [{ taskId: 'z', instanceId: 'i1' }] }, 'placements[0]: task "z" is not pending'],
    [
      {
        placements: [
          { taskId: 'a', instanceId: 'i1' },
          { taskId: 'a', instanceId: 'i1' },
        ],
      },
      'placements[1]: task "a" is not pending',
    ],
    [
      { placements: [{ taskId: 'a', launchIndex: 0.5 }] },
      'placements[0].launchIndex 0.5 names no launch',
    ],
    [
      { placements: [{ taskId: 'a', instanceId: 'i2' }] },
      'instance "i2" is notified, not booting or running',
    ],
    [
      {
        placements: [
          { taskId: 'a', instanceId: 'i0' },
          { taskId: 'b', instanceId: 'i0' },
        ],
      },
      'placements[1]: task "b" needs 10000 MB, instance "i0" has 6000 MB free',
    ],
    [
      {
        launches: [{ instanceType: 'gpu', market: 'on-demand' }],
        placements: ['a', 'b', 'c'].map((taskId) => ({ taskId, launchIndex: 0 })),
      },
      'placements[2]: task "c" needs 10000 MB, launch 0 has 4000 MB free',
    ],
    [{ releases: ['i0'] }, 'release of "i0": only idle'],
    [
      { placements: [{ taskId: 'a', instanceId: 'i1' }], releases: ['i1'] },
      'release of "i1": only idle',
    ],
    [undefined, 'decide returned undefined'],
  ])('%j is refused', (d, message) => {
    expect(() => checkDecisions(d as never, world)).toThrow(PolicyDecisionError);
    expect(() => checkDecisions(d as never, world)).toThrow(message);
  });
});
