/**
 * `greedy-spot`: always spot. A pending task goes to existing spot capacity with room for it
 * (first fit in launch order), else to a new spot instance of the type with the lowest current
 * spot price per unit of work among those that fit it and can be launched now. When no spot can
 * be launched (trace unavailability), the task waits.
 */

import type { SchedulingPolicy } from '@synkti/sim-core';
import { placeAll } from './decision-builder.js';

/** Creates the `greedy-spot` policy (no parameters). */
export function greedySpot(): SchedulingPolicy {
  return {
    name: 'greedy-spot',
    decide: (view) => placeAll(view, () => 'spot'),
  };
}
