import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRng,
  integrateCostUsd,
  OuPriceProcess,
  type PriceProcess,
  StepPrice,
} from '../../src/index.js';
import { assertProperty } from '../fixtures/property.js';

/** Steps that are not whole seconds: k·Δ / Δ rounds below k for some k with each of these. */
const FRACTIONAL_STEPS = [0.1, 0.7, 195.3, 300.7, 1 / 3, 7.77];

/** Price k on step k, $/hour: the step a price came from can be read off it. */
const indexPrices = (n: number) => Array.from({ length: n }, (_, k) => k);

describe('price steps that are not whole seconds', () => {
  it('at every step boundary k·Δ: the price is step k and the next change is strictly later', () => {
    assertProperty(
      fc.property(
        fc.constantFrom(...FRACTIONAL_STEPS, 360),
        fc.integer({ min: 0, max: 99_998 }),
        (step, k) => {
          const t = k * step;
          const trace = new StepPrice(step, indexPrices(100_000));
          expect(trace.priceAt(t)).toBe(k);
          expect(trace.nextChangeAfter(t)).toBe((k + 1) * step);
          const ou = new OuPriceProcess(
            { meanPerHour: 0.3, theta: 0.5, sigma: 0.2 },
            step,
            createRng(1, 'price'),
          );
          expect(ou.nextChangeAfter(t)).toBe((k + 1) * step);
        },
      ),
    );
  });

  it('a bill across the boundary at 43 × 195.3 s ends, and sums its steps', () => {
    const step = 195.3;
    const trace: PriceProcess = new StepPrice(step, indexPrices(100));
    // Boundaries 41·Δ … 46·Δ lie inside [8000, 9000]; price k on [k·Δ, (k+1)·Δ).
    let expected = (40 * (41 * step - 8000)) / 3600;
    for (let k = 41; k < 46; k++) expected += (k * ((k + 1) * step - k * step)) / 3600;
    expected += (46 * (9000 - 46 * step)) / 3600;
    expect(integrateCostUsd(trace, 8000, 9000)).toBeCloseTo(expected, 12);
  });
});

describe('a stepped price integrates its own bill', () => {
  /** The same process seen through the interface's two methods only: the generic loop. */
  const generic = (p: PriceProcess): PriceProcess => ({
    priceAt: (t) => p.priceAt(t),
    nextChangeAfter: (t) => p.nextChangeAfter(t),
    minPerHour: p.minPerHour,
    maxPerHour: p.maxPerHour,
  });

  it('to the bit what the generic loop gives, OU and trace, past the trace end too', () => {
    assertProperty(
      fc.property(
        fc.constantFrom(...FRACTIONAL_STEPS, 360, 3600),
        // Times in steps: up to 2,000 steps; the trace ends at step 1,500.
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.double({ min: 0, max: 2000, noNaN: true }),
        (step, a, b) => {
          const [from, to] = a <= b ? [a * step, b * step] : [b * step, a * step];
          const trace = new StepPrice(step, indexPrices(1500));
          const ou = () =>
            new OuPriceProcess(
              { meanPerHour: 0.3, theta: 0.5, sigma: 0.2 },
              step,
              createRng(3, 'p'),
            );
          // Both integrate their own bill (else this compares the generic loop with itself).
          expect(trace.integrateUsd).toBeDefined();
          expect(ou().integrateUsd).toBeDefined();
          expect(integrateCostUsd(trace, from, to)).toBe(
            integrateCostUsd(generic(trace), from, to),
          );
          expect(integrateCostUsd(ou(), from, to)).toBe(integrateCostUsd(generic(ou()), from, to));
        },
      ),
    );
  });
});
