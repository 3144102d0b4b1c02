/**
 * A policy's decisions checked into typed actions before any is carried out: every launch names
 * a known type and a market, every placement a pending task and a launch of this decision or an
 * accepting instance with room (counting the decision's earlier placements), every release an
 * idle accepting instance. Pure: the state it checks against comes in as a {@link DecisionWorld}.
 * `simulate` applies the result; live mode will check with the same function.
 */

import {
  type Decisions,
  type LaunchRequest,
  type Market,
  type Placement,
  PolicyDecisionError,
} from '../policy.js';

/** What a decision check reads of an instance (InstanceState has it). */
export interface DecisionInstance {
  readonly state: string;
  readonly accepting: boolean;
  readonly freeMemoryMb: number;
  /** Tasks on or assigned to it. */
  readonly tasks: { readonly size: number };
}

/** What checking a decision needs to know of the run's state. */
export interface DecisionWorld {
  /** The policy's name, for errors. */
  readonly policy: string;
  /** GPU memory of a type, MB; undefined for an unknown type. */
  typeMemoryMb(typeName: string): number | undefined;
  /** Names of every type, for errors. */
  readonly typeNames: readonly string[];
  /** Memory of a pending task, MB; undefined when the task is not pending. */
  pendingTaskMemoryMb(taskId: string): number | undefined;
  /** An instance's state, whether it accepts tasks, and its free memory (MB); undefined if unknown. */
  instance(id: string): DecisionInstance | undefined;
}

/** A decision, checked: the policy's own lists (none missing), every entry valid. */
export interface CheckedDecisions {
  readonly launches: readonly LaunchRequest[];
  readonly placements: readonly Placement[];
  readonly releases: readonly string[];
}

const NONE: readonly never[] = [];

/** Memory slack of the fit check, MB (sums of fractional task sizes). */
const MEMORY_SLACK_MB = 1e-9;

/**
 * Checks `d` against `world`.
 * @throws PolicyDecisionError naming the policy and the first invalid entry.
 */
export function checkDecisions(d: Decisions, world: DecisionWorld): CheckedDecisions {
  const fail = (message: string): never => {
    throw new PolicyDecisionError(world.policy, message);
  };
  if (d === null || typeof d !== 'object') {
    fail(`decide returned ${String(d)}, expected a Decisions object ({} to decide nothing)`);
  }
  const launches = d.launches ?? NONE;
  const launchFree: number[] = [];
  for (const [k, req] of launches.entries()) {
    const memory = world.typeMemoryMb(req.instanceType);
    if (memory === undefined) {
      fail(`unknown instance type "${req.instanceType}"; known: ${world.typeNames.join(', ')}`);
    }
    if (req.market !== 'spot' && req.market !== 'on-demand') {
      fail(
        `launches[${k}].market must be "spot" or "on-demand", got ${String(req.market as Market)}`,
      );
    }
    launchFree.push(memory as number);
  }
  const placements = d.placements ?? NONE;
  // Allocated only when a decision has several placements (the common one has one).
  const placed = placements.length > 1 ? new Set<string>() : undefined;
  const promised = new Map<string, number>(); // MB promised on existing instances, by id
  for (let k = 0; k < placements.length; k++) {
    const p = placements[k] as Placement;
    const memory = placed?.has(p.taskId) ? undefined : world.pendingTaskMemoryMb(p.taskId);
    if (memory === undefined) fail(`placements[${k}]: task "${p.taskId}" is not pending`);
    const need = memory as number;
    if ('launchIndex' in p) {
      const i = p.launchIndex;
      if (!(Number.isInteger(i) && i >= 0 && i < launches.length)) {
        fail(`placements[${k}].launchIndex ${i} names no launch`);
      }
      const free = launchFree[i] as number;
      if (need > free + MEMORY_SLACK_MB) {
        fail(
          `placements[${k}]: task "${p.taskId}" needs ${need} MB, launch ${i} has ${free} MB free`,
        );
      }
      launchFree[i] = free - need;
    } else {
      const inst = world.instance(p.instanceId);
      if (inst === undefined || !inst.accepting) {
        fail(
          `placements[${k}]: instance "${p.instanceId}" is ${inst ? inst.state : 'unknown'}, not booting or running`,
        );
      }
      const before = promised.get(p.instanceId) ?? 0;
      const free = (inst as { freeMemoryMb: number }).freeMemoryMb - before;
      if (need > free + MEMORY_SLACK_MB) {
        fail(
          `placements[${k}]: task "${p.taskId}" needs ${need} MB, instance "${p.instanceId}" has ${free} MB free`,
        );
      }
      promised.set(p.instanceId, before + need);
    }
    placed?.add(p.taskId);
  }
  const releases = d.releases ?? NONE;
  for (const id of releases) {
    const inst = world.instance(id);
    if (inst === undefined || !inst.accepting || inst.tasks.size > 0 || promised.has(id)) {
      fail(`release of "${id}": only idle booting or running instances can be released`);
    }
  }
  return { launches, placements, releases };
}
