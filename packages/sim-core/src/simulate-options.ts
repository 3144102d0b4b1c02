/** The options of one `simulate` run, and their check before anything runs. */

import { MIGRATION_PLANNERS, type MigrationPlanner } from './planning/migration.js';
import type { SchedulingPolicy } from './policy.js';

/** Options of one run. */
export interface SimulateOptions {
  readonly policy: SchedulingPolicy;
  readonly migration: MigrationPlanner;
  /** Scenario seed: names every random stream. A string, or a finite number. */
  readonly seed: string | number;
  /** Keep the event log in the result. Default false. */
  readonly recordEvents?: boolean;
  /** Check the model's invariants after every event (slow). Default false. */
  readonly checkInvariants?: boolean;
}

/** Thrown on an invalid `simulate` option: names the argument, what was expected and found. */
export class SimulateOptionsError extends TypeError {
  constructor(
    /** e.g. `options.migration`. */
    readonly argument: string,
    readonly expected: string,
    readonly found: unknown,
  ) {
    super(`simulate: ${argument}: expected ${expected}, got ${describe(found)}`);
    this.name = 'SimulateOptionsError';
  }
}

function describe(v: unknown): string {
  if (v === undefined || v === null) return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : 'an object';
  return String(v);
}

/** @throws SimulateOptionsError on the first invalid option. */
export function checkSimulateOptions(options: SimulateOptions | undefined): void {
  if (options === null || typeof options !== 'object') {
    throw new SimulateOptionsError('options', '{policy, migration, seed}', options);
  }
  const policy = options.policy as Partial<SchedulingPolicy> | undefined;
  if (policy === null || typeof policy !== 'object' || typeof policy.decide !== 'function') {
    throw new SimulateOptionsError(
      'options.policy',
      'a SchedulingPolicy with decide(view)',
      policy,
    );
  }
  if (typeof policy.name !== 'string' || policy.name === '') {
    throw new SimulateOptionsError('options.policy.name', 'a non-empty name', policy.name);
  }
  if (!(MIGRATION_PLANNERS as readonly unknown[]).includes(options.migration)) {
    throw new SimulateOptionsError(
      'options.migration',
      MIGRATION_PLANNERS.map((p) => `"${p}"`).join(', '),
      options.migration,
    );
  }
  const seed = options.seed as unknown;
  if (!(typeof seed === 'string' || (typeof seed === 'number' && Number.isFinite(seed)))) {
    throw new SimulateOptionsError('options.seed', 'a string or a finite number', seed);
  }
}
