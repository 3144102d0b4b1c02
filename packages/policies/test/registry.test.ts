import { describe, expect, it } from 'vitest';
import { createPolicy, listPolicies, registerPolicy } from '../src/index.js';

describe('policy registry', () => {
  it('lists the built-ins and creates them by name', () => {
    expect(listPolicies()).toEqual(
      expect.arrayContaining(['greedy-spot', 'on-demand-fallback', 'on-demand-only']),
    );
    expect(createPolicy('greedy-spot').name).toBe('greedy-spot');
  });

  it('rejects unknown names, listing the known ones', () => {
    expect(() => createPolicy('nope')).toThrow(
      /unknown policy "nope"; known policies: .*greedy-spot/,
    );
  });

  it('rejects duplicates and unknown parameters', () => {
    expect(() => registerPolicy('greedy-spot', () => createPolicy('greedy-spot'))).toThrow(
      /already registered/,
    );
    expect(() => createPolicy('on-demand-fallback', { maxPreemption: 3 })).toThrow(
      /no parameter "maxPreemption"; its parameters: maxPreemptions, priceRatio/,
    );
  });

  it('registers a user policy', () => {
    registerPolicy('user-test', () => ({ name: 'user-test', decide: () => ({}) }));
    expect(createPolicy('user-test').name).toBe('user-test');
  });
});
