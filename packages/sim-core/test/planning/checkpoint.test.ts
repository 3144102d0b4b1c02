import { describe, expect, it } from 'vitest';
import { planGraceCheckpoint } from '../../src/index.js';

const thresholds = { fullThreshold: 1, partialThreshold: 0.3 };
const base = {
  progressSeconds: 1000,
  lastCheckpointSeconds: 200,
  bandwidthMBps: 100,
  windowSeconds: 10,
};

describe('planGraceCheckpoint', () => {
  it('Full when all state fits in the window', () => {
    const p = planGraceCheckpoint({ ...base, stateMb: 1000 }, thresholds); // ratio 1
    expect(p).toEqual({
      outcome: 'full',
      ratio: 1,
      keptProgressSeconds: 1000,
      transferSeconds: 10,
    });
  });

  it('Partial keeps progress × ratio (never less than the last checkpoint)', () => {
    const p = planGraceCheckpoint({ ...base, stateMb: 2000 }, thresholds); // ratio 0.5
    expect(p.outcome).toBe('partial');
    expect(p.keptProgressSeconds).toBe(500);
    expect(p.transferSeconds).toBe(10);
    const q = planGraceCheckpoint(
      { ...base, stateMb: 2000, lastCheckpointSeconds: 800 },
      thresholds,
    );
    expect(q.keptProgressSeconds).toBe(800);
  });

  it('Restart falls back to the last periodic checkpoint', () => {
    const p = planGraceCheckpoint({ ...base, stateMb: 10_000 }, thresholds); // ratio 0.1
    expect(p.outcome).toBe('restart');
    expect(p.keptProgressSeconds).toBe(200);
  });

  it("the prototype's 0.8 threshold calls 80% Full; the physical default does not", () => {
    const input = { ...base, stateMb: 1250 }; // ratio 0.8
    expect(planGraceCheckpoint(input, thresholds).outcome).toBe('partial');
    expect(planGraceCheckpoint(input, { fullThreshold: 0.8, partialThreshold: 0.3 }).outcome).toBe(
      'full',
    );
  });

  it('no state: Full in no time; no window: Restart', () => {
    expect(planGraceCheckpoint({ ...base, stateMb: 0 }, thresholds).transferSeconds).toBe(0);
    expect(
      planGraceCheckpoint({ ...base, stateMb: 10, windowSeconds: 0 }, thresholds).outcome,
    ).toBe('restart');
  });
});
