import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Destination,
  type DestinationInstance,
  type DestinationSource,
  type DisplacedTaskState,
  type Market,
  respondToPreemption,
} from '../../src/index.js';
import { assertProperty, PROPERTY_SEED } from '../fixtures/property.js';

/**
 * Reading destinations lazily (planning/destination-source.ts) changes nothing: every planner's
 * moves and the checkpoints equal those over every destination, whatever the instances'
 * markets, free memory, bandwidths and boot times, the tasks' sizes and states, and a policy's
 * filter.
 */

const instance = fc.record({
  market: fc.constantFrom<Market>('spot', 'on-demand'),
  freeMemoryMb: fc.constantFrom(0, 4000, 8000, 12_000, 16_000, 24_000),
  type: fc.constantFrom(0, 1, 2),
  bootLeft: fc.constantFrom(0, 0, 0, 30, 90),
});
const task = fc.record({
  memoryMb: fc.constantFrom(4000, 8000, 16_000, 32_000),
  stateMb: fc.constantFrom(0, 500, 2000, 8000),
  computing: fc.boolean(),
  needsRestore: fc.boolean(),
});
const BANDWIDTHS = [1250, 625, 3125];

describe('destinations read lazily', () => {
  it(`plan exactly as all destinations do (seed ${PROPERTY_SEED})`, () => {
    assertProperty(
      fc.property(
        fc.array(instance, { maxLength: 40 }),
        fc.array(task, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('first-fit', 'greedy', 'optimal'),
        fc.boolean(),
        (instances, tasks, planner, filtered) => {
          const now = 1000;
          const all: (DestinationInstance & { market: Market })[] = instances.map((i, k) => ({
            id: `i${k}`,
            position: k,
            market: i.market,
            freeMemoryMb: i.freeMemoryMb,
            readyAt: now + i.bootLeft,
            type: { networkMBps: BANDWIDTHS[i.type] as number },
          }));
          const displaced: DisplacedTaskState[] = tasks.map((t, k) => ({
            id: `t${k}`,
            memoryMb: t.memoryMb,
            stateMb: t.stateMb,
            computing: t.computing,
            needsRestore: t.needsRestore,
            progressSeconds: 3600,
            lastCheckpointSeconds: 600,
          }));
          const smallest = Math.min(...displaced.map((t) => t.memoryMb));
          const every: Destination[] = all
            .filter((d) => d.freeMemoryMb >= smallest)
            .map((d) => ({
              id: d.id,
              position: d.position,
              freeMemoryMb: d.freeMemoryMb,
              bandwidthMBps: d.type.networkMBps,
              bootSecondsLeft: Math.max(0, d.readyAt - now),
            }));
          const source: DestinationSource = {
            find: (market, minFree, from) =>
              all.find(
                (d) => d.market === market && d.position >= from && d.freeMemoryMb >= minFree,
              ),
            now,
            bandwidthsMBps: BANDWIDTHS,
          };
          // A policy keeping odd tasks off spot, as on-demand-fallback does for some.
          const accepts = filtered
            ? (taskId: string, destId: string) =>
                Number(taskId.slice(1)) % 2 === 0 ||
                all[Number(destId.slice(1))]?.market === 'on-demand'
            : undefined;
          const base = {
            sourceBandwidthMBps: 1250,
            displaced,
            windowSeconds: 110,
            thresholds: { fullThreshold: 0.9, partialThreshold: 0.3 },
            planner,
            ...(accepts ? { accepts } : {}),
          } as const;
          const full = respondToPreemption({ ...base, destinations: every });
          const lazy = respondToPreemption({ ...base, destinations: source });
          expect(lazy.moves).toEqual(full.moves);
          expect([...lazy.plans]).toEqual([...full.plans]);
          expect(lazy.checkpoints).toEqual(full.checkpoints);
        },
      ),
      500,
    );
  });
});
