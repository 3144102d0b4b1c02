/**
 * The policy registry: built-in policies by name, and user policies registered at run time.
 */

import type { SchedulingPolicy } from '@synkti/sim-core';
import { greedyDeadline } from './greedy-deadline.js';
import { greedySpot } from './greedy-spot.js';
import { onDemandFallback } from './on-demand-fallback.js';
import { onDemandOnly } from './on-demand-only.js';
import { rebalanceParam, withRebalance } from './rebalance.js';
import { uniformProgress } from './uniform-progress.js';

/** Makes a policy from its parameters (a plain object; `{}` when none are given). */
export type PolicyFactory = (params: Readonly<Record<string, unknown>>) => SchedulingPolicy;

interface Entry {
  readonly factory: PolicyFactory;
  /** Parameter names the factory understands (others are rejected). */
  readonly params: readonly string[];
}

const registry = new Map<string, Entry>();

/**
 * Registers a policy under `name`.
 * @param params The parameter names it accepts; `createPolicy` rejects any other.
 * @throws Error when the name is taken.
 */
export function registerPolicy(
  name: string,
  factory: PolicyFactory,
  params: readonly string[] = [],
): void {
  if (registry.has(name)) {
    throw new Error(`a policy named "${name}" is already registered; choose another name`);
  }
  registry.set(name, { factory, params });
}

/** Names of every registered policy, sorted. */
export function listPolicies(): string[] {
  return [...registry.keys()].sort();
}

/**
 * Makes the policy registered as `name` with `params`.
 * @throws Error on an unknown name (listing the known ones) or an unknown parameter.
 */
export function createPolicy(
  name: string,
  params: Readonly<Record<string, unknown>> = {},
): SchedulingPolicy {
  const entry = registry.get(name);
  if (entry === undefined) {
    throw new Error(`unknown policy "${name}"; known policies: ${listPolicies().join(', ')}`);
  }
  for (const key of Object.keys(params)) {
    if (!entry.params.includes(key)) {
      throw new Error(
        `policy "${name}" has no parameter "${key}"; its parameters: ${entry.params.join(', ') || 'none'}`,
      );
    }
  }
  return entry.factory(params);
}

/** A spot policy with the `rebalance` parameter (rebalance.ts). */
const spot =
  (make: (p: Readonly<Record<string, unknown>>) => SchedulingPolicy): PolicyFactory =>
  (p) => {
    const mode = rebalanceParam(p['rebalance']);
    return withRebalance(make(p), mode);
  };

registerPolicy(
  'greedy-spot',
  spot(() => greedySpot()),
  ['rebalance'],
);
registerPolicy('on-demand-only', () => onDemandOnly());
registerPolicy(
  'on-demand-fallback',
  spot((p) => onDemandFallback(p as Parameters<typeof onDemandFallback>[0])),
  ['maxPreemptions', 'priceRatio', 'rebalance'],
);
registerPolicy(
  'greedy-deadline',
  spot((p) => greedyDeadline(p as Parameters<typeof greedyDeadline>[0])),
  ['safetyMarginSeconds', 'rebalance'],
);
registerPolicy(
  'uniform-progress',
  spot((p) => uniformProgress(p as Parameters<typeof uniformProgress>[0])),
  ['safetyMarginSeconds', 'rebalance'],
);
