/**
 * @synkti/sim-core — the public API. Everything importable is named here explicitly.
 * @packageDocumentation
 */

export { firstFitAssignment, greedyAssignment } from './assignment/baselines.js';
export {
  type AssignmentOptions,
  type AssignmentResult,
  type CostMatrix,
  CostMatrixTypeError,
  type FlatCostMatrix,
  InvalidCostError,
} from './assignment/cost-matrix.js';
export { solveAssignment } from './assignment/solve-assignment.js';
export {
  type CheckpointCycle,
  type ComputingStretch,
  checkpointAt,
  checkpointCycle,
  completionTime,
  progressAt,
} from './cluster/progress.js';
export {
  DEFAULT_PRIORITY,
  Engine,
  type EventAction,
  EventFailedError,
  type EventHandle,
  type SubjectAction,
} from './engine/engine.js';
export { EventQueue, type ScheduledEvent } from './engine/event-queue.js';
export { createRng, type Rng } from './engine/rng.js';
export {
  AvailabilityTrace,
  type AvailabilityTraceData,
  AvailabilityTraceError,
  MAX_CAPACITY,
  parseAvailabilityTrace,
  TICK_TOLERANCE_SECONDS,
  tickStartAtOrAfter,
} from './market/availability-trace.js';
export {
  type BillingSpec,
  billedSeconds,
  DEFAULT_BILLING,
  instanceCostUsd,
} from './market/billing.js';
export {
  type NoticeSettings,
  type NoticeTimeline,
  noticeTimeline,
} from './market/notice.js';
export {
  checkOuParams,
  type OuParams,
  OuParamsError,
  OuPriceProcess,
  ouPricePath,
} from './market/ou-price.js';
export {
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
export { InvariantViolation } from './metrics/invariants.js';
export {
  type PlannerTally,
  type RunResult,
  rawCostSavings,
  type SimEvent,
  type SpotPriceSample,
  savings,
} from './metrics/run-result.js';
export type { Estimate, PairedDifference } from './metrics/statistics.js';
export {
  estimate,
  mean,
  pairedDifference,
  quantile,
  quantiles,
  sampleStd,
} from './metrics/statistics.js';
export {
  type CheckpointOutcome,
  type CheckpointThresholds,
  type GraceCheckpointInput,
  type GraceCheckpointPlan,
  planGraceCheckpoint,
} from './planning/checkpoint.js';
export {
  type DestinationInstance,
  type DestinationSource,
  gatherDestinations,
} from './planning/destination-source.js';
export {
  type Destination,
  type DisplacedTask,
  MIGRATION_PLANNERS,
  type MigrationPlanner,
  type PlannedMove,
  planMigrations,
  planMigrationsEach,
  transferSeconds,
} from './planning/migration.js';
export {
  type OfflineOptimalInput,
  type OfflineOptimum,
  offlineOptimalCost,
} from './planning/offline-optimal.js';
export {
  type CheckpointStep,
  type DisplacedTaskState,
  type PreemptionInput,
  type PreemptionResponse,
  respondToPreemption,
} from './planning/preemption-response.js';
export {
  type Decisions,
  type InstanceState,
  type InstanceView,
  type LaunchRequest,
  type Market,
  type Placement,
  PolicyDecisionError,
  type SchedulingPolicy,
  type SimulationView,
  type TaskStatus,
  type TaskView,
} from './policy.js';
export * from './scenario/defaults.js';
export {
  MAX_PRICE_PER_HOUR,
  MB_PER_SECOND_PER_GBPS,
  type ResolvedInstanceType,
  type ResolvedPreemption,
  type ResolvedScenario,
  type ResolvedSpotPrice,
  resolveScenario,
  ScenarioError,
} from './scenario/resolve.js';
export { traceOffsetSeconds } from './scenario/trace-offset.js';
export type {
  CheckpointSpec,
  Distribution,
  InstanceTypeSpec,
  PreemptionSpec,
  Scenario,
  SpotPriceSpec,
  TaskKind,
  TaskSpec,
  WorkloadGenerator,
  WorkloadSpec,
} from './scenario/types.js';
export type { ResolvedTask } from './scenario/workload.js';
export { MAX_GENERATED_TASKS, resolveWorkload } from './scenario/workload.js';
export {
  type CheckedDecisions,
  checkDecisions,
  type DecisionInstance,
  type DecisionWorld,
} from './simulate/decisions.js';
export { rebalanceAt } from './simulate/lifecycle.js';
export {
  buildMarket,
  freeSlot,
  releaseSpotSlot,
  requestSpot,
  type SpotLaunch,
  type TypeMarket,
} from './simulate/market.js';
export { type SimulateOptions, simulate } from './simulate.js';
export {
  checkSimulateOptions,
  SimulateOptionsError,
} from './simulate-options.js';
