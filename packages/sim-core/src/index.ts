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
export { createRng, type Rng } from './engine/rng.js';
