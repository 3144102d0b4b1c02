/**
 * `on-demand-only`: the baseline for savings. Every task runs on on-demand capacity (first fit
 * on existing on-demand instances, else a new instance of the cheapest type per unit of work
 * that fits). Never preempted.
 */

import type { SchedulingPolicy } from '@synkti/sim-core';
import { placeAll } from './decision-builder.js';

/** Creates the `on-demand-only` policy (no parameters). */
export function onDemandOnly(): SchedulingPolicy {
  return {
    name: 'on-demand-only',
    decide: (view) => placeAll(view, () => 'on-demand'),
    acceptsMigration: (_task, instance) => instance.market === 'on-demand',
  };
}
