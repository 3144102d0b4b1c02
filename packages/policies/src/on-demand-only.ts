/**
 * `on-demand-only`: the baseline for savings. Every task runs on on-demand capacity (first fit
 * on existing on-demand instances, else a new instance of the cheapest type per unit of work
 * that fits). Never preempted.
 */

import type { SchedulingPolicy, SimulationView } from '@synkti/sim-core';
import { cheapestPerWork, DecisionBuilder, typesFitting } from './decision-builder.js';

/** Creates the `on-demand-only` policy (no parameters). */
export function onDemandOnly(): SchedulingPolicy {
  return {
    name: 'on-demand-only',
    decide(view: SimulationView) {
      const b = new DecisionBuilder(view);
      for (const task of view.pendingTasks()) {
        if (b.placeOnExisting(task, 'on-demand')) continue;
        const type = cheapestPerWork(typesFitting(view, task), (t) => t.onDemandPerHour);
        if (type) b.launchFor(task, type, 'on-demand');
      }
      return b.build();
    },
    acceptsMigration: (_task, instance) => instance.market === 'on-demand',
  };
}
