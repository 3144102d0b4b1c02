import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Destination,
  type DisplacedTask,
  planMigrations,
  planMigrationsEach,
} from '../../src/index.js';
import { assertProperty } from '../fixtures/property.js';

const total = (moves: { downtimeSeconds: number }[]) =>
  moves.reduce((s, m) => s + m.downtimeSeconds, 0);

describe('planMigrations', () => {
  // First fit gives the small task the only instance that fits the large one.
  const tasks: DisplacedTask[] = [
    { id: 'a-small', memoryMb: 6000, stateMb: 1000, sourceMBps: 1250 },
    { id: 'b-large', memoryMb: 20000, stateMb: 1000, sourceMBps: 1250 },
  ];
  const dests: Destination[] = [
    { id: 'x-big', freeMemoryMb: 24000, bandwidthMBps: 1250, bootSecondsLeft: 0 },
    { id: 'y-small', freeMemoryMb: 8000, bandwidthMBps: 1250, bootSecondsLeft: 0 },
  ];

  it('first-fit strands the large task; optimal places both', () => {
    const ff = planMigrations(tasks, dests, 'first-fit');
    expect(ff.map((m) => [m.taskId, m.destinationId])).toEqual([['a-small', 'x-big']]);
    const opt = planMigrations(tasks, dests, 'optimal');
    expect(opt.map((m) => [m.taskId, m.destinationId])).toEqual([
      ['a-small', 'y-small'],
      ['b-large', 'x-big'],
    ]);
    expect(opt[0]?.downtimeSeconds).toBeCloseTo(0.8, 12);
  });

  it('respects cumulative memory: two tasks that each fit but not together', () => {
    const two: DisplacedTask[] = [
      { id: 'p', memoryMb: 6000, stateMb: 100, sourceMBps: 1250 },
      { id: 'q', memoryMb: 6000, stateMb: 100, sourceMBps: 1250 },
    ];
    const one: Destination[] = [
      { id: 'd', freeMemoryMb: 10000, bandwidthMBps: 1250, bootSecondsLeft: 0 },
    ];
    for (const planner of ['first-fit', 'greedy', 'optimal'] as const) {
      expect(planMigrations(two, one, planner)).toHaveLength(1);
    }
  });

  it('adds boot time left and uses the slower end of the transfer', () => {
    const t: DisplacedTask[] = [{ id: 't', memoryMb: 1, stateMb: 1250, sourceMBps: 2500 }];
    const d: Destination[] = [
      { id: 'd', freeMemoryMb: 10, bandwidthMBps: 1250, bootSecondsLeft: 30 },
    ];
    expect(planMigrations(t, d, 'optimal')[0]?.downtimeSeconds).toBe(31);
    const fromStorage: DisplacedTask[] = [
      { id: 't', memoryMb: 1, stateMb: 1250, sourceMBps: undefined },
    ];
    expect(planMigrations(fromStorage, d, 'optimal')[0]?.transferSeconds).toBe(1);
  });

  it('honours the policy filter', () => {
    const moves = planMigrations(tasks, dests, 'optimal', (_t, d) => d.id !== 'x-big');
    expect(moves.map((m) => m.taskId)).toEqual(['a-small']);
  });

  const scenario = fc.record({
    tasks: fc.array(
      fc.record({
        memoryMb: fc.constantFrom(4000, 8000),
        stateMb: fc.integer({ min: 0, max: 8000 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    dests: fc.array(
      fc.record({
        freeMemoryMb: fc.constantFrom(4000, 8000, 12000, 16000),
        gbps: fc.constantFrom(1, 10, 25),
        bootSecondsLeft: fc.constantFrom(0, 30, 90),
      }),
      { minLength: 1, maxLength: 5 },
    ),
  });

  /** The generated destinations as planner input: ids d0, d1, …; Gbps to MB/s. */
  const toDestinations = (
    ds: { freeMemoryMb: number; gbps: number; bootSecondsLeft: number }[],
  ): Destination[] =>
    ds.map((d, k) => ({
      id: `d${k}`,
      freeMemoryMb: d.freeMemoryMb,
      bandwidthMBps: d.gbps * 125,
      bootSecondsLeft: d.bootSecondsLeft,
    }));

  it('optimal never places fewer tasks, and with as many never more downtime, than first-fit or greedy (equal task memory)', () => {
    assertProperty(
      fc.property(scenario, ({ tasks: ts, dests: ds }) => {
        const displaced = ts.map((t, k) => ({
          id: `t${k}`,
          memoryMb: 4000,
          stateMb: t.stateMb,
          sourceMBps: 1250,
        }));
        const destinations = toDestinations(ds);
        const opt = planMigrations(displaced, destinations, 'optimal');
        for (const other of ['first-fit', 'greedy'] as const) {
          const o = planMigrations(displaced, destinations, other);
          expect(opt.length).toBeGreaterThanOrEqual(o.length);
          if (opt.length === o.length) expect(total(opt)).toBeLessThanOrEqual(total(o) + 1e-9);
        }
      }),
    );
  });

  it('planning several planners at once gives each the moves it gets alone (with a policy filter)', () => {
    assertProperty(
      fc.property(scenario, ({ tasks: ts, dests: ds }) => {
        const displaced = ts.map((t, k) => ({
          id: `t${k}`,
          memoryMb: t.memoryMb,
          stateMb: t.stateMb,
          sourceMBps: k % 2 === 0 ? 1250 : undefined,
        }));
        const destinations = toDestinations(ds);
        const allowed = (t: DisplacedTask, d: Destination) => t.id !== 't1' || d.id !== 'd0';
        const planners = ['optimal', 'first-fit', 'greedy'] as const;
        const all = planMigrationsEach(displaced, destinations, planners, allowed);
        for (const planner of planners) {
          expect(all.get(planner)).toEqual(
            planMigrations(displaced, destinations, planner, allowed),
          );
        }
      }),
    );
  });

  it('one task goes, with first fit, to the first destination it may use; otherwise to its cheapest, ties to the first', () => {
    assertProperty(
      fc.property(scenario, fc.boolean(), ({ tasks: ts, dests: ds }, fromStorage) => {
        const t = ts[0] as { memoryMb: number; stateMb: number };
        const task = {
          id: 't0',
          memoryMb: t.memoryMb,
          stateMb: t.stateMb,
          sourceMBps: fromStorage ? undefined : 1250,
        };
        // Launch positions in reverse of the ids, so that the order is by position.
        const destinations = toDestinations(ds).map((d, k) => ({ ...d, position: -k }));
        const allowed = (_t: DisplacedTask, d: Destination) => d.id !== 'd1';
        const inOrder = [...destinations].reverse().filter((d) => allowed(task, d));
        const fits = inOrder.filter((d) => d.freeMemoryMb >= task.memoryMb);
        const downtime = (d: Destination) =>
          task.stateMb / Math.min(task.sourceMBps ?? d.bandwidthMBps, d.bandwidthMBps) +
          d.bootSecondsLeft;
        const cheapest = fits.reduce<Destination | undefined>(
          (best, d) => (best === undefined || downtime(d) < downtime(best) ? d : best),
          undefined,
        );
        const plans = planMigrationsEach(
          [task],
          destinations,
          ['first-fit', 'greedy', 'optimal'],
          allowed,
        );
        const to = (planner: 'first-fit' | 'greedy' | 'optimal') =>
          plans.get(planner)?.map((m) => [m.destinationId, m.downtimeSeconds]);
        const expected = (d: Destination | undefined) => (d ? [[d.id, downtime(d)]] : []);
        expect(to('first-fit')).toEqual(expected(fits[0]));
        expect(to('greedy')).toEqual(expected(cheapest));
        expect(to('optimal')).toEqual(expected(cheapest));
      }),
    );
  });

  it('never overfills a destination, with mixed task memory', () => {
    assertProperty(
      fc.property(scenario, ({ tasks: ts, dests: ds }) => {
        const displaced = ts.map((t, k) => ({
          id: `t${k}`,
          memoryMb: t.memoryMb,
          stateMb: t.stateMb,
          sourceMBps: 1250,
        }));
        const destinations = toDestinations(ds);
        for (const planner of ['first-fit', 'greedy', 'optimal'] as const) {
          const used = new Map<string, number>();
          for (const m of planMigrations(displaced, destinations, planner)) {
            const t = displaced.find((x) => x.id === m.taskId);
            used.set(m.destinationId, (used.get(m.destinationId) ?? 0) + (t?.memoryMb ?? 0));
          }
          for (const d of destinations)
            expect(used.get(d.id) ?? 0).toBeLessThanOrEqual(d.freeMemoryMb);
        }
      }),
    );
  });
});
