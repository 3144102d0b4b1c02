import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario-file/load.js';
import { batchSize, RunFailedError, runPool } from '../../src/sweep/pool.js';
import { executeRun, expandRuns, type RunRow } from '../../src/sweep/runs.js';
import { ROOT } from '../fixtures/cli.js';

describe('batchSize', () => {
  it('is 1 to 8 specs, never grows as the queue empties, and is 1 for the last runs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 64 }), (q, w) => {
        const size = batchSize(q, w);
        expect(size).toBeGreaterThanOrEqual(1);
        expect(size).toBeLessThanOrEqual(8);
        expect(batchSize(q - 1, w)).toBeLessThanOrEqual(size);
        // With fewer than four batches per worker left, one spec at a time.
        if (q < 4 * w * 2) expect(size).toBe(1);
      }),
    );
  });
});

describe('runPool', () => {
  const { runs, scenarios } = expandRuns([loadScenario(path.join(ROOT, 'scenarios/ci.json'))]);

  it('gives every run its own row (as executeRun makes it) in batches, on 2 workers', async () => {
    const rows: RunRow[] = [];
    await runPool(runs, scenarios, 2, (r) => rows.push(r)).done;
    rows.sort((a, b) => a.index - b.index);
    expect(rows.map((r) => r.index)).toEqual(runs.map((r) => r.index));
    for (const k of [0, runs.length - 1]) {
      const spec = runs[k] as (typeof runs)[number];
      expect(rows[k]).toEqual(
        executeRun(spec, scenarios[spec.point] as (typeof scenarios)[number]),
      );
    }
  });

  it('a failing run rejects, naming it, after the rows finished before it in its batch', async () => {
    // 40 runs on one worker: batches of 5. Run 7 (the third of the second batch) fails.
    const specs = Array.from({ length: 40 }, (_, k) => ({
      ...(runs[k % runs.length] as (typeof runs)[number]),
      index: k,
      point: k === 7 ? 1 : 0,
    }));
    const broken = { ...scenarios[0], horizonHours: -1 } as (typeof scenarios)[number];
    const seen: number[] = [];
    const pool = runPool(specs, [scenarios[0] as (typeof scenarios)[number], broken], 1, (r) =>
      seen.push(r.index),
    );
    const error = await pool.done.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as Error).message).toMatch(/^run 7 \(.*\) failed: .*horizonHours/);
    expect(seen.slice(0, 7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(seen).not.toContain(7);
  });
});
