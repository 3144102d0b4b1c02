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

/**
 * Streams with nearby names (every spot launch opens `preemptions/<type>/<k>`, k = 0, 1, 2, …)
 * must be independent, not merely different: a run draws only a few numbers from each, so what
 * matters is the joint distribution of the first draws of neighbouring streams. Two checks, each
 * at a false-alarm rate of about 1 in 1,000 for a truly random source: a χ² test of the pairs
 * (first draw of stream k, first draw of stream k + 1) over a 10 × 10 grid, and the correlation
 * of the first 64 draws of neighbouring streams, averaged over many pairs.
 */
describe(`streams with nearby names (seed ${SEED})`, () => {
  const PAIRS = 20_000;
  const CELLS = 10;
  /** χ² of (u[k], u[k + 1]) over a CELLS × CELLS grid. */
  const gridChiSquare = (u: readonly number[]): number => {
    const counts = new Array<number>(CELLS * CELLS).fill(0);
    for (let k = 0; k + 1 < u.length; k++) {
      const a = Math.floor((u[k] as number) * CELLS);
      const b = Math.floor((u[k + 1] as number) * CELLS);
      counts[a * CELLS + b] = (counts[a * CELLS + b] as number) + 1;
    }
    const expected = (u.length - 1) / (CELLS * CELLS);
    return counts.reduce((chi, c) => chi + (c - expected) ** 2 / expected, 0);
  };
  // χ² with 99 degrees of freedom exceeds 148.2 with probability 0.001.
  const CHI2_99_P001 = 148.2;
  const firstDraws = (name: (k: number) => string) =>
    Array.from({ length: PAIRS + 1 }, (_, k) => createRng(SEED, name(k)).next());

  it('first draws of neighbouring launch streams are jointly uniform', () => {
    const chi = gridChiSquare(firstDraws((k) => `preemptions/gpu-24g/${k}`));
    expect(chi).toBeLessThan(CHI2_99_P001);
  });

  it('the grid test rejects neighbours that depend on each other (negative control)', () => {
    // A Weyl sequence is uniform one at a time, but each value fixes the next.
    const weyl = Array.from({ length: PAIRS + 1 }, (_, k) => (k * 0.6180339887498949) % 1);
    expect(gridChiSquare(weyl)).toBeGreaterThan(CHI2_99_P001);
  });

  it('the draws of neighbouring streams are uncorrelated', () => {
    const N = 64;
    const STREAMS = 2_000;
    let sum = 0;
    let previous = draw(SEED, 'preemptions/gpu-24g/0', N);
    for (let k = 1; k <= STREAMS; k++) {
      const next = draw(SEED, `preemptions/gpu-24g/${k}`, N);
      sum += correlation(previous, next);
      previous = next;
    }
    // Each correlation has standard deviation about 1/√N under independence; their mean over
    // STREAMS pairs about 1/√(N · STREAMS). 3.3 of those: p ≈ 0.001.
    expect(Math.abs(sum / STREAMS)).toBeLessThan(3.3 / Math.sqrt(N * STREAMS));
  });

  it('the same stream under neighbouring seeds is uncorrelated too', () => {
    const u = Array.from({ length: PAIRS + 1 }, (_, k) => createRng(k, 'workload').next());
    expect(gridChiSquare(u)).toBeLessThan(CHI2_99_P001);
  });
});

function correlation(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}
