/**
 * `on-demand-fallback`: spot, but a task that has been preempted `maxPreemptions` times, or
 * whose cheapest spot price is above `priceRatio` × on-demand, goes to on-demand (and the
 * migration planner may then move it only onto on-demand instances).
 */

import type { SchedulingPolicy, SimulationView, TaskView } from '@synkti/sim-core';
import { cheapestPerWork, DecisionBuilder, typesFitting } from './decision-builder.js';

/** Parameters of {@link onDemandFallback}. */
export interface OnDemandFallbackParams {
  /** Preemptions after which a task goes to on-demand. Default 2 (the prototype's). */
  readonly maxPreemptions?: number;
  /**
   * Spot price / on-demand price above which a task goes to on-demand. Default 1 (never, when
   * spot is capped at on-demand as on AWS).
   */
  readonly priceRatio?: number;
}

/**
 * Creates the `on-demand-fallback` policy.
 * @throws RangeError on a negative or fractional `maxPreemptions` or a non-positive `priceRatio`.
 */
export function onDemandFallback(params: OnDemandFallbackParams = {}): SchedulingPolicy {
  const maxPreemptions = params.maxPreemptions ?? 2;
  const priceRatio = params.priceRatio ?? 1;
  if (!(Number.isInteger(maxPreemptions) && maxPreemptions >= 0)) {
    throw new RangeError(`maxPreemptions: expected an integer >= 0, got ${maxPreemptions}`);
  }
  if (!(priceRatio > 0 && Number.isFinite(priceRatio))) {
    throw new RangeError(`priceRatio: expected a finite ratio > 0, got ${priceRatio}`);
  }
  const fallsBack = (task: TaskView) => task.preemptions >= maxPreemptions;
  return {
    name: 'on-demand-fallback',
    decide(view: SimulationView) {
      const b = new DecisionBuilder(view);
      for (const task of view.pendingTasks()) {
        const fits = typesFitting(view, task);
        const spotTypes = fits.filter(
          (t) =>
            view.spotAvailable(t.name) &&
            view.spotPricePerHour(t.name) <= priceRatio * t.onDemandPerHour,
        );
        const spotType = cheapestPerWork(spotTypes, (t) => view.spotPricePerHour(t.name));
        if (!fallsBack(task)) {
          if (b.placeOnExisting(task, 'spot')) continue;
          if (spotType) {
            b.launchFor(task, spotType, 'spot');
            continue;
          }
          // No spot capacity to be had at an acceptable price: fall back for this placement.
        }
        if (b.placeOnExisting(task, 'on-demand')) continue;
        const type = cheapestPerWork(fits, (t) => t.onDemandPerHour);
        if (type) b.launchFor(task, type, 'on-demand');
      }
      return b.build();
    },
    acceptsMigration: (task, instance) => !fallsBack(task) || instance.market === 'on-demand',
  };
}
