/**
 * @synkti/policies — built-in scheduling policies and the registry for user-written ones.
 * The policies arrive with the cluster simulation (issue 4); this barrel is their one entry point.
 * @packageDocumentation
 */
export {};
