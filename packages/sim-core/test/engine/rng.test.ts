import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/index.js';

const SEED = 42;
const draw = (seed: number | string, stream: string, n: number) => {
  const rng = createRng(seed, stream);
  return Array.from({ length: n }, () => rng.next());
};

describe(`createRng (seed ${SEED})`, () => {
  it('is deterministic for the same (seed, stream)', () => {
    expect(draw(SEED, 'prices', 100)).toEqual(draw(SEED, 'prices', 100));
  });

  it('gives different sequences for different streams and seeds', () => {
    expect(draw(SEED, 'prices', 10)).not.toEqual(draw(SEED, 'workload', 10));
    expect(draw(SEED, 'prices', 10)).not.toEqual(draw(SEED + 1, 'prices', 10));
    // ("1", "a/b") and ("1/a", "b") must not collide.
    expect(draw('1', 'a/b', 5)).not.toEqual(draw('1/a', 'b', 5));
  });

  it('adding a stream, or drawing from another, never changes a stream', () => {
    const alone = draw(SEED, 'workload', 50);
    const workload = createRng(SEED, 'workload');
    const other = createRng(SEED, 'preemptions');
    const interleaved: number[] = [];
    for (let k = 0; k < 50; k++) {
      other.next();
      other.normal();
      interleaved.push(workload.next());
    }
    expect(interleaved).toEqual(alone);
  });

  it('draws in range with the right moments', () => {
    const rng = createRng(SEED, 'moments');
    const n = 100_000;
    let u = 0;
    let z = 0;
    let z2 = 0;
    let e = 0;
    for (let k = 0; k < n; k++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      u += x;
      const g = rng.normal();
      z += g;
      z2 += g * g;
      e += rng.exponential(0.5);
    }
    // Tolerances: 5 standard errors of each sample mean.
    expect(Math.abs(u / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(z / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(z2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(e / n - 2)).toBeLessThan((5 * 2) / Math.sqrt(n));
    const r = rng.uniform(3, 4);
    expect(r >= 3 && r < 4).toBe(true);
  });

  it('rejects bad arguments with the value', () => {
    const rng = createRng(SEED, 's');
    expect(() => rng.exponential(-1)).toThrow(/got -1/);
    expect(rng.exponential(0)).toBe(Number.POSITIVE_INFINITY);
    expect(() => rng.uniform(2, 1)).toThrow(/a=2, b=1/);
    expect(() => createRng(Number.NaN, 's')).toThrow(/NaN/);
    expect(() => createRng(1, '')).toThrow(/empty/);
  });
});
