/**
 * @synkti/policies — built-in scheduling policies and the registry for user-written ones.
 * @packageDocumentation
 */

export {
  aheadOfSchedule,
  type DeadlineState,
  deadlineState,
  defaultSafetyMarginSeconds,
  heldMarket,
  mustUseOnDemand,
} from './deadline-rules.js';
export {
  cheapestPerWork,
  DecisionBuilder,
  onDemandTypeFor,
  placeAll,
  spotTypeFor,
  typesFitting,
  type Want,
} from './decision-builder.js';
export { type DeadlinePolicyParams, greedyDeadline } from './greedy-deadline.js';
export { greedySpot } from './greedy-spot.js';
export { type OnDemandFallbackParams, onDemandFallback } from './on-demand-fallback.js';
export { onDemandOnly } from './on-demand-only.js';
export {
  REBALANCE_MODES,
  type RebalanceMode,
  rebalanceParam,
  withRebalance,
} from './rebalance.js';
export { createPolicy, listPolicies, type PolicyFactory, registerPolicy } from './registry.js';
export { uniformProgress } from './uniform-progress.js';
