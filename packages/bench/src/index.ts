/**
 * @synkti/bench — scenario sweeps, CSV comparisons and regression checks.
 * @packageDocumentation
 */
export {};
