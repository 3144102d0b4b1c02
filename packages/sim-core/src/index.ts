/**
 * @synkti/sim-core — the public API. Everything importable is named here explicitly.
 * @packageDocumentation
 */

export { firstFitAssignment, greedyAssignment } from './assignment/baselines.js';
export {
  type AssignmentOptions,
  type AssignmentResult,
  type CostMatrix,
  type FlatCostMatrix,
  InvalidCostError,
} from './assignment/cost-matrix.js';
export { solveAssignment } from './assignment/solve-assignment.js';
export {
  DEFAULT_PRIORITY,
  Engine,
  type EventAction,
  EventFailedError,
  type EventHandle,
  type EventPayload,
} from './engine/engine.js';
export { EventQueue, type ScheduledEvent } from './engine/event-queue.js';
export { createRng, type Rng } from './engine/rng.js';
export {
  AvailabilityTrace,
  type AvailabilityTraceData,
  AvailabilityTraceError,
  parseAvailabilityTrace,
} from './market/availability-trace.js';
export {
  DEFAULT_DETECTION_LATENCY_SECONDS,
  GRACE_PERIOD_SECONDS,
  type NoticeSettings,
  type NoticeTimeline,
  noticeTimeline,
} from './market/notice.js';
export { type OuParams, OuPriceProcess, ouPricePath } from './market/ou-price.js';
export {
  DEFAULT_PREEMPTION_RATE_PER_HOUR,
  PoissonPreemption,
  type PreemptionProcess,
  PriceSensitivePreemption,
  TracePreemption,
} from './market/preemption.js';
export {
  ConstantPrice,
  integrateCostUsd,
  type PriceProcess,
  StepPrice,
} from './market/price-process.js';
export {
  parseSpotPriceHistory,
  SpotPriceHistoryError,
  type SpotPriceRecord,
  TracePriceProcess,
  type TracePriceSelection,
} from './market/spot-price-history.js';
